using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.PublishesAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0018: an invalid [GripPublishes] declaration.</summary>
public sealed class GRIP0018Tests
{
    private const string Types = """
        public sealed record Ping(int N);
        public sealed record News(string Text);
        """;

    [Fact]
    public Task Json_text_and_binary_declarations_in_the_context_report_nothing() => Verify.VerifyAsync("""
        using System.Text.Json.Serialization;
        using Grip;
        [JsonSerializable(typeof(Ping))]
        [JsonSerializable(typeof(News))]
        public partial class Ctx : JsonSerializerContext;
        [GripJsonContext(typeof(Ctx))]
        [GripPublishes(typeof(News), Channel = "news:{topic}")]
        [GripPublishes(typeof(string), Channel = "all")]
        [GripPublishes(typeof(byte[]), Channel = "blobs:{a}:{b_2}")]
        public partial class H
        {
            [OnMessage("ping")] public void M(Ping ping) { }
        }
        """ + Types);

    [Fact]
    public Task Text_declarations_need_no_context() => Verify.VerifyAsync("""
        using Grip;
        [GripPublishes(typeof(string), Channel = "lobby")]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        """);

    [Fact]
    public Task A_published_type_missing_from_the_context_is_reported() => Verify.VerifyAsync("""
        using System.Text.Json.Serialization;
        using Grip;
        [JsonSerializable(typeof(Ping))]
        public partial class Ctx : JsonSerializerContext;
        [GripJsonContext(typeof(Ctx))]
        [{|#0:GripPublishes(typeof(News), Channel = "news")|}]
        public partial class H
        {
            [OnMessage("ping")] public void M(Ping ping) { }
        }
        """ + Types,
        Verify.Diagnostic("GRIP0018").WithLocation(0).WithArguments("H", "'News' is published as JSON, but 'Ctx' has no [JsonSerializable(typeof(News))]; add it to the context"));

    [Fact]
    public Task A_json_type_without_any_context_is_reported() => Verify.VerifyAsync("""
        using Grip;
        [{|#0:GripPublishes(typeof(News), Channel = "news")|}]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        """ + Types,
        Verify.Diagnostic("GRIP0018").WithLocation(0).WithArguments("H", "'News' is published as JSON, but the handler class has no valid [GripJsonContext(typeof(MyJsonContext))] naming the JsonSerializerContext that holds its metadata"));

    [Fact]
    public Task A_missing_channel_is_reported() => Verify.VerifyAsync("""
        using Grip;
        [{|#0:GripPublishes(typeof(string))|}]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        """,
        Verify.Diagnostic("GRIP0018").WithLocation(0).WithArguments("H", "Channel is not set; name the GRIP channel, for example Channel = \"ps:{channel}\""));

    [Theory]
    [InlineData("", "Channel is empty")]
    [InlineData("ps:{channel", "Channel \"ps:{channel\" has a '{' without a '}'")]
    [InlineData("ps:channel}", "Channel \"ps:channel}\" has a '}' without a '{'")]
    [InlineData("ps:{}", "Channel \"ps:{}\" has the variable part '{}'; a variable part is a name of letters, digits and '_' that does not start with a digit")]
    [InlineData("ps:{1a}", "Channel \"ps:{1a}\" has the variable part '{1a}'; a variable part is a name of letters, digits and '_' that does not start with a digit")]
    [InlineData("ps:{a-b}", "Channel \"ps:{a-b}\" has the variable part '{a-b}'; a variable part is a name of letters, digits and '_' that does not start with a digit")]
    [InlineData("a\\tb", "Channel \"a\tb\" contains a control character, which Pushpin rejects")]
    public Task An_invalid_channel_pattern_is_reported(string channel, string message) => Verify.VerifyAsync("""
        using Grip;
        [{|#0:GripPublishes(typeof(string), Channel = "
        """ + channel + """
        ")|}]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        """,
        Verify.Diagnostic("GRIP0018").WithLocation(0).WithArguments("H", message));

    [Fact]
    public Task A_type_that_cannot_be_a_message_is_reported() => Verify.VerifyAsync("""
        using Grip;
        [{|#0:GripPublishes(typeof(object), Channel = "x")|}]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        """,
        Verify.Diagnostic("GRIP0018").WithLocation(0).WithArguments("H", "'object' has no source-generated JSON metadata; use a concrete type"));

    [Fact]
    public Task Every_declaration_is_checked() => Verify.VerifyAsync("""
        using Grip;
        [{|#0:GripPublishes(typeof(string), Channel = "")|}]
        [GripPublishes(typeof(string), Channel = "ok")]
        [{|#1:GripPublishes(typeof(byte[]))|}]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        """,
        Verify.Diagnostic("GRIP0018").WithLocation(0).WithArguments("H", "Channel is empty"),
        Verify.Diagnostic("GRIP0018").WithLocation(1).WithArguments("H", "Channel is not set; name the GRIP channel, for example Channel = \"ps:{channel}\""));
}
