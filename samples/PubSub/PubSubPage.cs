namespace PubSub;

/// <summary>
/// Serves the page and the generated TypeScript client it imports (Pages/client/*.js, compiled from
/// docs/asyncapi/pubsub.asyncapi.json), embedded in the assembly so the native binary needs no files
/// beside it.
/// </summary>
internal static class PubSubPage
{
    private const string ClientPrefix = "PubSub.client.";

    private static readonly Lazy<byte[]> Page = new(() => Read("PubSub.index.html")
        ?? throw new InvalidOperationException("The page resource 'PubSub.index.html' is missing from the assembly."));

    // Name (index.js, client.js, ...) -> bytes; only the embedded files, so no other path can be asked for.
    private static readonly Lazy<Dictionary<string, byte[]>> Client = new(() => typeof(PubSubPage).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ClientPrefix, StringComparison.Ordinal))
        .ToDictionary(n => n[ClientPrefix.Length..], n => Read(n)!, StringComparer.Ordinal));

    public static async Task HandleAsync(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.Body.WriteAsync(Page.Value, context.RequestAborted);
    }

    /// <summary><c>GET /client/{file}</c>: one module of the generated client.</summary>
    public static async Task HandleClientAsync(string file, HttpContext context)
    {
        if (!Client.Value.TryGetValue(file, out byte[]? body))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "text/javascript; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static byte[]? Read(string name)
    {
        using var stream = typeof(PubSubPage).Assembly.GetManifestResourceStream(name);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
