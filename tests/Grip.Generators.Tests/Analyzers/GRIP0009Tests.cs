using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0009: invalid [GripJsonContext].</summary>
public sealed class GRIP0009Tests
{
    [Fact]
    public Task A_real_context_reports_nothing() => Verify.VerifyAsync("""
        using System.Text.Json.Serialization;
        using Grip;
        [JsonSerializable(typeof(int))]
        public partial class Ctx : JsonSerializerContext;
        [GripJsonContext(typeof(Ctx), DiscriminatorProperty = "kind")]
        public partial class H
        {
            [OnMessage("x")] public void M(string json) { }
        }
        """);

    [Fact]
    public Task A_type_that_is_not_a_context_is_reported() => Verify.VerifyAsync("""
        using Grip;
        [{|#0:GripJsonContext(typeof(string))|}]
        public partial class H
        {
            [OnMessage("x")] public void M(string json) { }
        }
        """,
        Verify.Diagnostic("GRIP0009").WithLocation(0).WithArguments("H", "'String' does not derive from System.Text.Json.Serialization.JsonSerializerContext"));

    [Fact]
    public Task An_empty_discriminator_is_reported() => Verify.VerifyAsync("""
        using System.Text.Json.Serialization;
        using Grip;
        [JsonSerializable(typeof(int))]
        public partial class Ctx : JsonSerializerContext;
        [{|#0:GripJsonContext(typeof(Ctx), DiscriminatorProperty = "")|}]
        public partial class H
        {
            [OnMessage("x")] public void M(string json) { }
        }
        """,
        Verify.Diagnostic("GRIP0009").WithLocation(0).WithArguments("H", "DiscriminatorProperty must be a non-empty JSON property name"));
}
