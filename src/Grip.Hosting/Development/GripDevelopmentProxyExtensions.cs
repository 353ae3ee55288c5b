using Grip;
using Grip.Hosting.Development;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        services.TryAddSingleton(static sp => new GripDevelopmentProxy(sp.GetRequiredService<DevelopmentProxyHub>()));
        services.TryAddSingleton<GripDevelopmentProxyPaths>();
        services.TryAddSingleton<GripDevelopmentProxyState>();
        services.AddOptions<Grip.Hosting.GripOptions>();

        // Quiet by default: HttpClientFactory's logging handlers would write 4 Information lines for
        // every WebSocket event the proxy forwards. docs/development-proxy.md ("Logging") shows how
        // to turn them back on: AddHttpClient(GripDevelopmentProxy.HttpClientName).AddDefaultLogger().
        services.AddHttpClient(GripDevelopmentProxy.HttpClientName).RemoveAllLoggers();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, DevelopmentProxyStartupFilter>());
        return services;
    }

    /// <summary>
    /// Uses the in-memory development publisher (<see cref="GripDevelopmentProxy.Publisher"/>) as
    /// <see cref="IGripPublisher"/>: publishes reach the development proxy's connections.
    /// </summary>
    public static IServiceCollection AddGripDevelopmentPublisher(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<DevelopmentProxyHub>();
        services.TryAddSingleton(static sp => new GripDevelopmentProxy(sp.GetRequiredService<DevelopmentProxyHub>()));
        services.Replace(ServiceDescriptor.Singleton<IGripPublisher>(static sp => sp.GetRequiredService<GripDevelopmentProxy>().Publisher));
        return services;
    }
}
