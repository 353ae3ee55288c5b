using Grip;
using Grip.AsyncApi;
using Grip.Hosting;
using Grip.Hosting.Development;
using Grip.Hosting.Diagnostics;
using Grip.Hosting.Publishing;
using Grip.Hosting.Publishing.PlainHttp;
using Grip.Hosting.Publishing.ZeroMq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers GripHandlers in a service collection.</summary>
public static class GripServiceCollectionExtensions
{
    /// <summary>
    /// Adds GripHandlers: options bound from <c>GRIP_URL</c>, <c>GRIP_VERIFY_KEY</c> and the <c>Grip</c>
    /// section of <paramref name="configuration"/> (validated at start-up), Grip-Sig verification, the
    /// <see cref="IGripPublisher"/> with its resilient HTTP client, and the <c>Grip</c> meter. With
    /// <c>GRIP_ASYNCAPI_OUTPUT</c> set (configuration key or environment variable) the app only writes its
    /// AsyncAPI document and exits, binding no port
    /// (<see cref="Microsoft.AspNetCore.Builder.GripAsyncApiEndpointRouteBuilderExtensions.OutputEnvironmentVariable"/>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root (environment variables included).</param>
    /// <param name="configure">Optional changes applied after binding.</param>
    public static IServiceCollection AddGrip(this IServiceCollection services, IConfiguration configuration, Action<GripOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<IConfigureOptions<GripOptions>>(new GripOptionsBinder(configuration));
        services.Configure<GripDevelopmentProxyOptions>(proxy =>
        {
            // Grip:DevelopmentProxy:Enabled = true/false overrides the Development-environment default.
            string? enabled = configuration["Grip:DevelopmentProxy:Enabled"];
            if (enabled is not null)
            {
                proxy.Enabled = bool.TryParse(enabled, out bool value)
                    ? value
                    : throw new InvalidOperationException($"Grip:DevelopmentProxy:Enabled must be true or false, not '{enabled}'.");
            }
        });
        return services.AddGripCore(configure, configuration[GripAsyncApiEndpointRouteBuilderExtensions.OutputEnvironmentVariable]
            ?? Environment.GetEnvironmentVariable(GripAsyncApiEndpointRouteBuilderExtensions.OutputEnvironmentVariable));
    }

    /// <summary>
    /// Adds GripHandlers configured in code only (no configuration binding; the
    /// <c>GRIP_ASYNCAPI_OUTPUT</c> environment variable still selects the write-the-document mode).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    public static IServiceCollection AddGrip(this IServiceCollection services, Action<GripOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddGripCore(configure, Environment.GetEnvironmentVariable(GripAsyncApiEndpointRouteBuilderExtensions.OutputEnvironmentVariable));
    }

    private static IServiceCollection AddGripCore(this IServiceCollection services, Action<GripOptions>? configure, string? asyncApiOutput)
    {
        var builder = services.AddOptions<GripOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GripOptions>, GripOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<GripMetrics>();
        services.TryAddSingleton<GripRuntime>();
        services.TryAddSingleton(static sp => sp.GetRequiredService<GripRuntime>().Verifier);
        services.TryAddSingleton<ZeroMqSockets>();
        services.TryAddSingleton(static sp => new GripPublisher(
            PublishHttpClients(sp),
            sp.GetRequiredService<GripRuntime>(),
            sp.GetRequiredService<GripMetrics>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<GripPublisher>>(),
            sp.GetRequiredService<ZeroMqSockets>()));

        if (!string.IsNullOrWhiteSpace(asyncApiOutput))
        {
            // "Write the AsyncAPI document and exit" (GRIP_ASYNCAPI_OUTPUT, set by the GripAsyncApiDocument
            // MSBuild property): a server that binds nothing writes the document once the pipeline is
            // built and stops the app. Nothing is served, so no ZeroMQ socket is bound either.
            services.AddSingleton<GripAsyncApiWriteMode>();
            services.RemoveAll<IServer>();
            services.AddSingleton<IServer>(sp => new GripAsyncApiWriterServer(
                asyncApiOutput,
                sp,
                sp.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>()));
        }
        else
        {
            // Binds the ZeroMQ PUB sockets (if any) at start, so a bad address or a port in use stops start-up.
            services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, ZeroMqSocketsStartup>());
        }

        // The development proxy (docs/development-proxy.md) is registered always and runs only when
        // GripDevelopmentProxyState says so; then publishes go to its in-memory hub unless a real
        // proxy is configured.
        services.AddGripDevelopmentProxy();
        services.TryAddSingleton<IGripPublisher>(static sp =>
        {
            return GripFeatureSwitches.IsDevelopmentProxySupported
                && sp.GetRequiredService<GripDevelopmentProxyState>().IsActive
                && !sp.GetRequiredService<GripRuntime>().HasPublishTargets
                ? sp.GetRequiredService<GripDevelopmentProxy>().Publisher
                : sp.GetRequiredService<GripPublisher>();
        });

        // The publisher owns its retries (GripProxyQueue): the client must send each request once and
        // report what happened, so it gets no resilience handler and no client-wide timeout.
        if (!GripFeatureSwitches.IsHttpPublishingSupported)
        {
            // Left out of this build (a constant under Native AOT: no HttpClient is compiled in for
            // publishing); a configured HTTP target fails validation at start-up instead.
            return services;
        }

        if (!GripFeatureSwitches.IsHttpsPublishingSupported)
        {
            // No TLS in this build (a constant under Native AOT: neither SocketsHttpHandler nor the
            // client factory is compiled in for publishing): one plain HTTP/1.1 handler with its
            // connection pool serves every sender; an https:// target fails validation at start-up.
            services.TryAddSingleton(static sp => new PlainHttpHandler(new PlainHttpHandlerOptions
            {
                ConnectTimeout = sp.GetRequiredService<IOptions<GripOptions>>().Value.Publisher.AttemptTimeout,
                IdleTimeout = TimeSpan.FromSeconds(30),
                Lifetime = TimeSpan.FromMinutes(2),
            }));
            return services;
        }

        services.AddHttpClient(GripPublisher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(static sp => new SocketsHttpHandler
            {
                ConnectTimeout = sp.GetRequiredService<IOptions<GripOptions>>().Value.Publisher.AttemptTimeout,
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });

        return services;
    }

    /// <summary>
    /// How the publisher's HTTP senders get their client: none when HTTP publishing is left out of the
    /// build; a client over the shared <see cref="PlainHttpHandler"/> when HTTPS publishing is; otherwise
    /// the <see cref="GripPublisher.HttpClientName"/> factory client (SocketsHttpHandler, TLS included).
    /// </summary>
    private static Func<HttpClient>? PublishHttpClients(IServiceProvider sp)
    {
        if (!GripFeatureSwitches.IsHttpPublishingSupported)
        {
            return null;
        }

        if (!GripFeatureSwitches.IsHttpsPublishingSupported)
        {
            var handler = sp.GetRequiredService<PlainHttpHandler>();
            return () => new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        }

        var factory = sp.GetRequiredService<IHttpClientFactory>();
        return () => factory.CreateClient(GripPublisher.HttpClientName);
    }
}
