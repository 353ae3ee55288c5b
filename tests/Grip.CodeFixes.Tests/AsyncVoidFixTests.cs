using Verify = Grip.CodeFixes.Tests.CodeFixVerifier<Grip.Generators.Analyzers.HandlerAnalyzer, Grip.CodeFixes.AsyncVoidCodeFixProvider>;

namespace Grip.CodeFixes.Tests;

/// <summary>GRIP0003: async void handler -> async Task.</summary>
public sealed class AsyncVoidFixTests
{
    [Fact]
    public Task Async_void_becomes_async_Task_keeping_the_using() => Verify.VerifyAsync(
        """
        using System.Threading.Tasks;
        using Grip;

        public partial class H
        {
            [OnMessage]
            public async void {|#0:M|}(string m) => await Task.Yield();
        }
        """,
        """
        using System.Threading.Tasks;
        using Grip;

        public partial class H
        {
            [OnMessage]
            public async Task M(string m) => await Task.Yield();
        }
        """,
        [Verify.Diagnostic("GRIP0003").WithLocation(0).WithArguments("M")]);

    [Fact]
    public Task The_using_for_Task_is_added_when_missing() => Verify.VerifyAsync(
        """
        using Grip;

        public partial class H
        {
            [OnOpen] public async void {|#0:Open|}(GripConnection c) => await System.Threading.Tasks.Task.Yield();
        }
        """,
        """
        using System.Threading.Tasks;
        using Grip;

        public partial class H
        {
            [OnOpen] public async Task Open(GripConnection c) => await System.Threading.Tasks.Task.Yield();
        }
        """,
        [Verify.Diagnostic("GRIP0003").WithLocation(0).WithArguments("Open")]);

    [Fact]
    public Task Fix_all_fixes_every_handler_of_the_document() => Verify.VerifyAsync(
        """
        using System.Threading.Tasks;
        using Grip;

        public partial class H
        {
            [OnOpen] public async void {|#0:Open|}() => await Task.Yield();
            [OnMessage] public async void {|#1:Text|}(string m) => await Task.Yield();
            [OnClose] public static async void {|#2:Close|}() { await Task.Yield(); }
        }
        """,
        """
        using System.Threading.Tasks;
        using Grip;

        public partial class H
        {
            [OnOpen] public async Task Open() => await Task.Yield();
            [OnMessage] public async Task Text(string m) => await Task.Yield();
            [OnClose] public static async Task Close() { await Task.Yield(); }
        }
        """,
        [
            Verify.Diagnostic("GRIP0003").WithLocation(0).WithArguments("Open"),
            Verify.Diagnostic("GRIP0003").WithLocation(1).WithArguments("Text"),
            Verify.Diagnostic("GRIP0003").WithLocation(2).WithArguments("Close"),
        ]);
}
