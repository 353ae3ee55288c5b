using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0015: an [OnMessage] method with a second message parameter.</summary>
public sealed class GRIP0015Tests
{
    private const string Context = """
        using System.Text.Json.Serialization;
        using Grip;
        public sealed record ChatSend(string Id, string Text);
        public sealed record ChatEdit(string Id, string Text);
        [JsonSerializable(typeof(ChatSend))]
        [JsonSerializable(typeof(ChatEdit))]
        public partial class ChatJson : JsonSerializerContext;

        """;

    [Fact]
    public Task Raw_text_beside_a_json_message_is_reported() => Verify.VerifyAsync(Context + """
        [GripJsonContext(typeof(ChatJson))]
        public partial class H
        {
            [OnMessage("chat.send")] public string Send(ChatSend m, string {|#0:raw|}) => m.Text + raw;
        }
        """,
        Verify.Diagnostic("GRIP0015").WithLocation(0).WithArguments("raw", "Send", "m"));

    [Fact]
    public Task A_json_message_after_raw_text_is_reported() => Verify.VerifyAsync(Context + """
        [GripJsonContext(typeof(ChatJson))]
        public partial class H
        {
            [OnMessage("chat.send")] public string Send(string raw, ChatSend {|#0:m|}) => m.Text + raw;
        }
        """,
        Verify.Diagnostic("GRIP0015").WithLocation(0).WithArguments("m", "Send", "raw"));

    [Fact]
    public Task Two_json_messages_and_two_binary_ones_are_reported() => Verify.VerifyAsync(Context + """
        [GripJsonContext(typeof(ChatJson))]
        public partial class H
        {
            [OnMessage("chat.send")] public void Send(ChatSend m, ChatEdit {|#0:e|}) { }
            [OnMessage] public void Bytes(byte[] data, System.ReadOnlyMemory<byte> {|#1:memory|}, GripMessage {|#2:message|}) { }
        }
        """,
        Verify.Diagnostic("GRIP0015").WithLocation(0).WithArguments("e", "Send", "m"),
        Verify.Diagnostic("GRIP0015").WithLocation(1).WithArguments("memory", "Bytes", "data"),
        Verify.Diagnostic("GRIP0015").WithLocation(2).WithArguments("message", "Bytes", "data"));

    [Fact]
    public Task One_message_with_services_and_a_type_outside_the_context_reports_nothing() => Verify.VerifyAsync(Context + """
        public sealed class Clock { }
        [GripJsonContext(typeof(ChatJson))]
        public partial class H
        {
            [OnMessage("chat.send")] public string Send(GripConnection c, ChatSend m, Clock clock, System.IServiceProvider services) => m.Text;
        }
        """);
}
