using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0016: a type of the handler's JSON context where a service would be resolved.</summary>
public sealed class GRIP0016Tests
{
    private const string Context = """
        using System.Text.Json.Serialization;
        using Grip;
        public sealed record ChatSend(string Id, string Text);
        public readonly record struct Point(int X, int Y);
        [JsonSerializable(typeof(ChatSend))]
        [JsonSerializable(typeof(Point))]
        public partial class ChatJson : JsonSerializerContext;

        """;

    [Fact]
    public Task A_json_type_in_open_close_and_the_constructor_is_reported() => Verify.VerifyAsync(Context + """
        [GripJsonContext(typeof(ChatJson))]
        public partial class H(ChatSend {|#0:last|})
        {
            [OnOpen] public void Open(GripConnection c, ChatSend {|#1:first|}) => _ = last;
            [OnClose] public void Close(Point {|#2:where|}) { }
            [OnMessage("chat.send")] public void Send(ChatSend m) { }
        }
        """,
        Verify.Diagnostic("GRIP0016").WithLocation(0).WithArguments("last", "H constructor", "ChatSend", "ChatJson", "a constructor gets services only; receive the message as the parameter of an [OnMessage] method"),
        Verify.Diagnostic("GRIP0016").WithLocation(1).WithArguments("first", "Open", "ChatSend", "ChatJson", "only an [OnMessage] method receives a message; receive it there"),
        Verify.Diagnostic("GRIP0016").WithLocation(2).WithArguments("where", "Close", "Point", "ChatJson", "only an [OnMessage] method receives a message; receive it there"));

    [Fact]
    public Task Without_a_json_context_a_class_is_a_service() => Verify.VerifyAsync("""
        using Grip;
        public sealed record ChatSend(string Id, string Text);
        public partial class H
        {
            [OnOpen] public void Open(GripConnection c, ChatSend registeredInDi) { }
            [OnMessage] public void Text(string text) { }
        }
        """);
}
