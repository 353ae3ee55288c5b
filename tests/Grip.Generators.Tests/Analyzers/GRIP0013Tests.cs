using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0013: more than one constructor.</summary>
public sealed class GRIP0013Tests
{
    [Fact]
    public Task One_constructor_reports_nothing() => Verify.VerifyAsync("""
        using System;
        using Grip;
        public partial class H
        {
            private readonly IServiceProvider _sp;
            public H(IServiceProvider sp) => _sp = sp;
            [OnMessage] public void M(string text) => _ = _sp;
        }
        public partial record R(IServiceProvider Services)
        {
            [OnMessage] public void M(string text) { }
        }
        """);

    [Fact]
    public Task Two_constructors_are_reported() => Verify.VerifyAsync("""
        using System;
        using Grip;
        public partial class {|#0:H|}
        {
            public H() { }
            public H(IServiceProvider sp) { }
            [OnMessage] public void M(string text) { }
        }
        """,
        Verify.Diagnostic("GRIP0013").WithLocation(0).WithArguments("H", 2));
}
