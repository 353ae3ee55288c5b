using Grip;
using Grip.Hosting.Development;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the GRIP development proxy.</summary>
public static class GripDevelopmentProxyServiceCollectionExtensions
{
    /// <summary>
    /// Adds the development proxy: real WebSockets on the app's own Kestrel at every
    /// <c>MapGripHandler</c> path, driven through WebSocket-over-HTTP like Pushpin, with an
    /// in-memory publisher. It runs only where <see cref="GripDevelopmentProxyOptions.Enabled"/>
    /// allows (by default: Development environment and no proxy configured).
    /// </summary>
    public static IServiceCollection AddGripDevelopmentProxy(this IServiceCollection services, Action<GripDevelopmentProxyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DevelopmentProxyHub>();
        services.TryAddSingleton<GripDevelopmentProxyPaths>();
        services.TryAddSingleton<GripDevelopmentProxyState>();
        services.AddOptions<Grip.Hosting.GripOptions>();
        services.AddHttpClient(DevelopmentProxyMiddleware.HttpClientName);
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, DevelopmentProxyStartupFilter>());
        return services;
    }

    /// <summary>
    /// Uses the in-memory development publisher as <see cref="IGripPublisher"/>: publishes reach the
    /// development proxy's connections.
    /// </summary>
    public static IServiceCollection AddGripDevelopmentPublisher(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<DevelopmentProxyHub>();
        services.Replace(ServiceDescriptor.Singleton<IGripPublisher, DevelopmentProxyPublisher>());
        return services;
    }
}

/// <summary>Puts the development proxy first in the pipeline when it is enabled.</summary>
internal sealed partial class DevelopmentProxyStartupFilter(
    GripDevelopmentProxyState state,
    IHostEnvironment environment,
    ILogger<DevelopmentProxyStartupFilter> logger) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        bool enabled = state.IsActive;
        if (enabled)
        {
            if (!environment.IsDevelopment())
            {
                LogEnabledOutsideDevelopment(logger, environment.EnvironmentName);
            }

            LogEnabled(logger);
            app.UseWebSockets();
            app.UseMiddleware<DevelopmentProxyMiddleware>();
        }

        next(app);
    };

    [LoggerMessage(EventId = 9030, Level = LogLevel.Warning, Message = "GRIP DEVELOPMENT PROXY IS ON: this app accepts WebSockets itself and emulates Pushpin in memory. It is for development only: it does not scale out, and publishes reach only this process. Configure GRIP_URL to use a real GRIP proxy.")]
    private static partial void LogEnabled(ILogger logger);

    [LoggerMessage(EventId = 9031, Level = LogLevel.Warning, Message = "The GRIP development proxy was enabled explicitly in the '{Environment}' environment. Never run it in production.")]
    private static partial void LogEnabledOutsideDevelopment(ILogger logger, string environment);
}
