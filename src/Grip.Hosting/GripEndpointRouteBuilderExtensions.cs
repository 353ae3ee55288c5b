using Grip;
using Grip.Hosting;
using Grip.Hosting.Development;
using Grip.Hosting.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps GripHandlers endpoints.</summary>
public static class GripEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a WebSocket-over-HTTP endpoint for <typeparamref name="THandler"/> at <paramref name="pattern"/>
    /// (POST). The returned builder composes like any endpoint's: <c>RequireAuthorization</c>,
    /// <c>RequireRateLimiting</c>, <c>RequireCors</c>, <c>AddEndpointFilter</c>, metadata. Attributes on
    /// the handler class (<c>[Authorize]</c>, <c>[AllowAnonymous]</c>, ...) are the endpoint's metadata too.
    /// </summary>
    /// <typeparam name="THandler">The handler class; the GripHandlers generator implements <see cref="IGripHandler"/> on it.</typeparam>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The route pattern, for example <c>/api/chat</c>.</param>
    /// <exception cref="InvalidOperationException"><c>AddGrip</c> was not called, or no verify key is configured and unsigned requests are not allowed.</exception>
    public static IEndpointConventionBuilder MapGripHandler<THandler>(this IEndpointRouteBuilder endpoints, string pattern)
        where THandler : class, IGripHandler
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);

        var services = endpoints.ServiceProvider;
        var runtime = services.GetService<GripRuntime>()
            ?? throw new InvalidOperationException("Call services.AddGrip(...) before MapGripHandler.");
        if (services.GetService<Grip.AsyncApi.GripAsyncApiWriteMode>() is null)
        {
            // Writing the AsyncAPI document serves nothing, so it needs no verify key (a build in
            // Development without GRIP_URL relies on this when the development proxy is left out).
            runtime.EnsureCanServeHandlers();
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Grip.Hosting.GripEndpoint");

        // What the configuration is, once per app however many handlers are mapped.
        if (Interlocked.Exchange(ref runtime.StartupWarningsLogged, 1) == 0)
        {
            if (!runtime.Verifier.IsEnabled)
            {
                Log.UnsignedRequestsAllowed(logger);
            }
            else
            {
                Log.Configured(logger, runtime.Targets.Count + runtime.ZeroMqTargets.Count, runtime.Verifier.KeyCount);
                foreach (var (index, source) in runtime.KeysWithoutIssuer)
                {
                    Log.NoIssuerChecked(logger, index, source);
                }
            }
        }

        services.GetService<GripDevelopmentProxyPaths>()?.Add(pattern);
        var endpoint = GripEndpoint.For<THandler>(runtime, services.GetRequiredService<GripMetrics>(), logger);
        if (services.GetService<IGripUserIdProvider>() is { } userIds)
        {
            endpoint.UserIds = userIds;
        }

        RequestDelegate handle = endpoint.HandleAsync;
        var builder = endpoints.MapMethods(pattern, [HttpMethods.Post], handle);
        builder.WithDisplayName($"GRIP {pattern} ({typeof(THandler).Name})");
        builder.WithMetadata(new Grip.AsyncApi.GripHandlerEndpointMetadata(typeof(THandler)));

        // Attributes on the handler class are endpoint metadata, as on a controller: [Authorize(...)],
        // [AllowAnonymous], [EnableRateLimiting], [EnableCors] ... apply to every request of its connections.
        builder.WithMetadata(typeof(THandler).GetCustomAttributes(inherit: true));

        builder.Finally(b =>
        {
            // The last WithGripHandlerTimeout wins over Grip:HandlerTimeout.
            for (int i = b.Metadata.Count - 1; i >= 0; i--)
            {
                if (b.Metadata[i] is GripHandlerTimeoutMetadata timeout)
                {
                    endpoint.HandlerTimeout = timeout.Timeout;
                    break;
                }
            }

            // Endpoint filters only run on route-handler endpoints; give ours the same pipeline.
            if (b.FilterFactories.Count == 0 || b.RequestDelegate is null)
            {
                return;
            }

            var inner = b.RequestDelegate;
            EndpointFilterDelegate final = async ctx =>
            {
                await inner(ctx.HttpContext).ConfigureAwait(false);
                return null;
            };
            var factoryContext = new EndpointFilterFactoryContext
            {
                MethodInfo = handle.Method,
                ApplicationServices = b.ApplicationServices,
            };
            for (int i = b.FilterFactories.Count - 1; i >= 0; i--)
            {
                final = b.FilterFactories[i](factoryContext, final);
            }

            b.RequestDelegate = async httpContext =>
            {
                object? result = await final(new DefaultEndpointFilterInvocationContext(httpContext)).ConfigureAwait(false);
                if (result is IResult r)
                {
                    await r.ExecuteAsync(httpContext).ConfigureAwait(false);
                }
            };
        });

        return builder;
    }
}
