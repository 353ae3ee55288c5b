namespace PubSub;

/// <summary>Serves the page, embedded in the assembly (so the native binary needs no files beside it).</summary>
internal static class PubSubPage
{
    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(PubSubPage).Assembly.GetManifestResourceStream("PubSub.index.html")
            ?? throw new InvalidOperationException("The page resource 'PubSub.index.html' is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static async Task HandleAsync(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.Body.WriteAsync(Page.Value, context.RequestAborted);
    }
}
