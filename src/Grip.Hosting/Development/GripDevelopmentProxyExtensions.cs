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
        services.TryAddSingleton<GripDevelopmentProxyPaths>();
        services.TryAddSingleton<GripDevelopmentProxyState>();
        services.AddOptions<Grip.Hosting.GripOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, DevelopmentProxyStartupFilter>());
        if (!Grip.Hosting.GripFeatureSwitches.IsDevelopmentProxySupported)
        {
            // Left out of this build (a constant under Native AOT: nothing below is compiled in). The
            // state still decides, so an explicit Enabled = true fails start-up and the Development
            // default is reported (warning 9032) instead of silently serving nothing.
            return services;
        }

        services.TryAddSingleton<DevelopmentProxyHub>();
        services.TryAddSingleton(static sp => new GripDevelopmentProxy(sp.GetRequiredService<DevelopmentProxyHub>()));

        // Quiet by default: HttpClientFactory's logging handlers would write 4 Information lines for
        // every WebSocket event the proxy forwards. docs/development-proxy.md ("Logging") shows how
        // to turn them back on: AddHttpClient(GripDevelopmentProxy.HttpClientName).AddDefaultLogger().
        services.AddHttpClient(GripDevelopmentProxy.HttpClientName).RemoveAllLoggers();
        return services;
    }

    /// <summary>
    /// Uses the in-memory development publisher (<see cref="GripDevelopmentProxy.Publisher"/>) as
    /// <see cref="IGripPublisher"/>: publishes reach the development proxy's connections.
    /// </summary>
    /// <exception cref="InvalidOperationException">The development proxy is not part of this build (its feature switch is off: docs/configuration.md).</exception>
    public static IServiceCollection AddGripDevelopmentPublisher(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!Grip.Hosting.GripFeatureSwitches.IsDevelopmentProxySupported)
        {
            throw new InvalidOperationException(GripDevelopmentProxyState.LeftOutMessage);
        }

        services.TryAddSingleton<DevelopmentProxyHub>();
        services.TryAddSingleton(static sp => new GripDevelopmentProxy(sp.GetRequiredService<DevelopmentProxyHub>()));
        services.Replace(ServiceDescriptor.Singleton<IGripPublisher>(static sp => sp.GetRequiredService<GripDevelopmentProxy>().Publisher));
        return services;
    }
}
