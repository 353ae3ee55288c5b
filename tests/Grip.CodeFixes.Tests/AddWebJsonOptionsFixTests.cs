using Verify = Grip.CodeFixes.Tests.CodeFixVerifier<Grip.Generators.Analyzers.JsonContextOptionsAnalyzer, Grip.CodeFixes.AddWebJsonOptionsCodeFixProvider>;

namespace Grip.CodeFixes.Tests;

/// <summary>GRIP0017: a handler's JSON context on .NET's default options gets web conventions.</summary>
public sealed class AddWebJsonOptionsFixTests
{
    private const string Handler = """

        public sealed record ChatSend(string Id, string Text);

        [GripJsonContext(typeof(ChatJson))]
        public partial class H
        {
            [OnMessage("chat.send")] public void Send(ChatSend m) { }
        }

        [GripJsonContext(typeof(ChatJson))]
        public partial class Other
        {
            [OnMessage("chat.send")] public void Send(ChatSend m) { }
        }
        """;

    private const string Expected = """
        'ChatJson' (the JSON context of 'H') has no [JsonSourceGenerationOptions], so it expects PascalCase names, matched case-sensitively: a JavaScript client's {"id":"1"} arrives as null, without an error; add [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
        """;

    [Fact]
    public Task Adds_web_options_and_the_using_once_for_a_shared_context() => Verify.VerifyAsync(
        """
        using System.Text.Json.Serialization;
        using Grip;

        /// <summary>The chat's messages.</summary>
        [JsonSerializable(typeof(ChatSend))]
        public partial class {|#0:ChatJson|} : JsonSerializerContext;
        """ + Handler,
        """
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using Grip;

        /// <summary>The chat's messages.</summary>
        [JsonSerializable(typeof(ChatSend))]
        [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
        public partial class ChatJson : JsonSerializerContext;
        """ + Handler,
        [Verify.Diagnostic("GRIP0017").WithLocation(0).WithMessage(Expected)]);

    [Fact]
    public Task A_context_with_any_options_and_a_context_nobody_names_are_left_alone() => Verify.VerifyNoFixAsync(
        """
        using System.Text.Json.Serialization;
        using Grip;

        [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
        [JsonSerializable(typeof(ChatSend))]
        public partial class ChatJson : JsonSerializerContext;

        [JsonSerializable(typeof(ChatSend))]
        public partial class Unused : JsonSerializerContext;
        """ + Handler);
}
