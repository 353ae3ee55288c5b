using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0012 (warning): an [OnMessage] method with no message parameter.</summary>
public sealed class GRIP0012Tests
{
    [Fact]
    public Task A_message_parameter_reports_nothing() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            [OnMessage] public void M(GripConnection c, GripMessage message) { }
        }
        """);

    [Fact]
    public Task No_message_parameter_is_a_warning_and_the_handler_still_works() => Verify.VerifyAsync("""
        using Grip;
        using Grip.Publishing;
        public partial class H
        {
            [OnMessage] public void {|#0:M|}(GripConnection c, IGripPublisher publisher) { }
        }
        public static class Use
        {
            public static System.Threading.Tasks.ValueTask Run<T>(GripConnection c) where T : IGripHandler => T.DispatchAsync(c, default, default);
            public static System.Threading.Tasks.ValueTask RunH(GripConnection c) => Run<H>(c);
        }
        """,
        Verify.Diagnostic("GRIP0012").WithLocation(0).WithArguments("M"));
}
