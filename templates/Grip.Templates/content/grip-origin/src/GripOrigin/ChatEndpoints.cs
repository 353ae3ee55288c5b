namespace GripOrigin;

/// <summary>The app's endpoints, in one place for Program.cs and the tests.</summary>
public static class ChatEndpoints
{
    /// <summary>The WebSocket-over-HTTP endpoint of <see cref="ChatHandler"/>.</summary>
    public const string ChatPath = "/api/chat";

    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(ChatEndpoints).Assembly.GetManifestResourceStream("GripOrigin.index.html")
            ?? throw new InvalidOperationException("The page resource 'GripOrigin.index.html' is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>Maps the chat page at <c>/</c> and <see cref="ChatHandler"/> at <see cref="ChatPath"/>.</summary>
    public static IEndpointRouteBuilder MapChat(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Bytes(Page.Value, "text/html; charset=utf-8"));
        app.MapGripHandler<ChatHandler>(ChatPath);
        return app;
    }
}
