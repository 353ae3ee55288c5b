using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0004: more than one [OnOpen] or [OnClose].</summary>
public sealed class GRIP0004Tests
{
    [Fact]
    public Task One_of_each_reports_nothing() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            [OnOpen] public void Open() { }
            [OnClose] public void Close() { }
        }
        """);

    [Fact]
    public Task Two_OnOpen_and_two_OnClose_are_reported() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            [OnOpen] public void Open() { }
            [OnOpen] public void {|#0:Open2|}() { }
            [OnClose] public void Close() { }
        }
        public partial class H
        {
            [OnClose] public void {|#1:Close2|}(CloseStatus s) { }
        }
        """,
        Verify.Diagnostic("GRIP0004").WithLocation(0).WithArguments("H", "[OnOpen]", "Open", "Open2"),
        Verify.Diagnostic("GRIP0004").WithLocation(1).WithArguments("H", "[OnClose]", "Close", "Close2"));
}
