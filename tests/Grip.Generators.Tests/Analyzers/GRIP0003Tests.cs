using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0003: async void handler.</summary>
public sealed class GRIP0003Tests
{
    [Fact]
    public Task Async_Task_reports_nothing() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Grip;
        public partial class H
        {
            [OnMessage] public async Task M(string text) => await Task.Yield();
            public async void NotAHandler() => await Task.Yield();
        }
        """);

    [Fact]
    public Task Async_void_is_reported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Grip;
        public partial class H
        {
            [OnOpen] public async void {|#0:Open|}() => await Task.Yield();
        }
        """,
        Verify.Diagnostic("GRIP0003").WithLocation(0).WithArguments("Open"));
}
