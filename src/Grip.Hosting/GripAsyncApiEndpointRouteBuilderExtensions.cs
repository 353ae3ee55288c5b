using System.Reflection;
using Grip.AsyncApi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Serves the app's AsyncAPI document (docs/asyncapi.md).</summary>
public static class GripAsyncApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// The environment variable (or configuration key) that starts the app in "write the AsyncAPI
    /// document and exit" mode: <c>GRIP_ASYNCAPI_OUTPUT=&lt;path&gt;</c>. Then <c>AddGrip</c> replaces the
    /// server, so no port is bound and no request is served; when the host starts (every endpoint is
    /// mapped by then) the document <see cref="MapGripAsyncApi"/> serves is written to the path
    /// (atomically, the same bytes) and the app stops with exit code 0, or with 1 and a line
    /// <c>grip-asyncapi: error: …</c> on standard error. The <c>GripAsyncApiDocument</c> MSBuild
    /// property of the Grip.Hosting package runs the built app this way after every build
    /// (docs/asyncapi.md#producing-and-serving-it).
    /// </summary>
    public const string OutputEnvironmentVariable = "GRIP_ASYNCAPI_OUTPUT";

    /// <summary>
    /// Maps <c>GET <paramref name="pattern"/></c> to the app's AsyncAPI 3.0 document: one channel per
    /// <c>MapGripHandler&lt;T&gt;(path)</c> endpoint, the GRIP channels declared with
    /// <see cref="Grip.GripPublishesAttribute"/>, and JSON Schemas from the handlers' JSON contexts. Built
    /// once, at the first request, from the endpoints mapped by then; no reflection, so a Native AOT app
    /// serves it too. With <see cref="OutputEnvironmentVariable"/> set, the app writes this document to a
    /// file instead of serving anything.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The path, by default <c>/asyncapi.json</c>.</param>
    /// <returns>The endpoint's builder (for <c>RequireAuthorization</c>, CORS and the like).</returns>
    public static IEndpointConventionBuilder MapGripAsyncApi(this IEndpointRouteBuilder endpoints, string pattern = "/asyncapi.json")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var document = new GripAsyncApiEndpointMetadata(endpoints, pattern);
        return endpoints.MapGet(pattern, (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.Body.WriteAsync(document.Document, context.RequestAborted).AsTask();
        }).WithDisplayName("GRIP AsyncAPI document").WithMetadata(document);
    }

    /// <summary>The document of the <c>MapGripHandler</c> endpoints of <paramref name="endpoints"/>.</summary>
    /// <param name="endpoints">The route builder the handlers were mapped on.</param>
    /// <exception cref="InvalidOperationException">A mapped handler's assembly was built without the contract (an older generator).</exception>
    public static byte[] BuildDocument(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var handlers = Handlers(endpoints);
        var assembly = Assembly.GetEntryAssembly() ?? handlers.FirstOrDefault()?.Contract.HandlerType.Assembly;
        string title = assembly?.GetName().Name ?? "GripHandlers app";
        string version = assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { Length: > 0 } informational
            ? informational.Split('+')[0]
            : "1.0.0";
        return GripAsyncApiDocument.Build(title, version, handlers);
    }

    /// <summary>The <c>MapGripHandler</c> endpoints of <paramref name="endpoints"/>, as the document lists them.</summary>
    internal static List<GripAsyncApiHandler> Handlers(IEndpointRouteBuilder endpoints)
    {
        var handlers = new List<GripAsyncApiHandler>();
        foreach (var endpoint in endpoints.DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<GripHandlerEndpointMetadata>() is not { } metadata)
            {
                continue;
            }

            var contract = GripContracts.Find(metadata.HandlerType)
                ?? throw new InvalidOperationException($"'{metadata.HandlerType}' has no generated contract; rebuild it with the current Grip.Abstractions generator.");
            handlers.Add(new GripAsyncApiHandler(endpoint.RoutePattern.RawText ?? "/", contract));
        }

        return handlers;
    }
}
