namespace Chat;

/// <summary>Serves the chat page, which is embedded in the assembly (so the native binary needs no files beside it).</summary>
internal static class ChatPage
{
    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(ChatPage).Assembly.GetManifestResourceStream("Chat.index.html")
            ?? throw new InvalidOperationException("The chat page resource 'Chat.index.html' is missing from the assembly.");
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
