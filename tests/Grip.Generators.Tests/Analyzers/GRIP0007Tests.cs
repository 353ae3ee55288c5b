using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0007: handler method the generated code cannot call.</summary>
public sealed class GRIP0007Tests
{
    [Fact]
    public Task Private_and_static_methods_report_nothing() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            // The generated code is part of the class, so private methods are reachable.
            [OnOpen] private void Open() { }
            [OnMessage] private static void M(string text) { }
        }
        """);

    [Fact]
    public Task A_generic_method_is_reported() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            [OnMessage] public void {|#0:M|}<T>(string text) { }
        }
        """,
        Verify.Diagnostic("GRIP0007").WithLocation(0).WithArguments("M", "it is generic; the generator cannot choose its type arguments"));

    [Fact]
    public Task A_ref_returning_method_is_reported() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            private static int s_value;
            [OnMessage] public ref int {|#0:M|}(string text) => ref s_value;
        }
        """,
        Verify.Diagnostic("GRIP0007").WithLocation(0).WithArguments("M", "it returns by reference"));
}
