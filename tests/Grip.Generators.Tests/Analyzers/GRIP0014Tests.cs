using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0014: an empty or null [OnMessage] message type.</summary>
public sealed class GRIP0014Tests
{
    [Fact]
    public Task A_message_type_reports_nothing() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            [OnMessage("a.b")] public void M(string json) { }
        }
        """);

    [Fact]
    public Task Empty_and_null_message_types_are_reported() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            [{|#0:OnMessage("")|}] public void A(string json) { }
            [{|#1:OnMessage(null!)|}] public void B(byte[] json) { }
        }
        """,
        Verify.Diagnostic("GRIP0014").WithLocation(0).WithArguments("A", "it is empty"),
        Verify.Diagnostic("GRIP0014").WithLocation(1).WithArguments("B", "it is null; use [OnMessage] for an untyped handler"));
}
