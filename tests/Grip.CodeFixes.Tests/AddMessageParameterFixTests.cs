using Verify = Grip.CodeFixes.Tests.CodeFixVerifier<Grip.Generators.Analyzers.HandlerAnalyzer, Grip.CodeFixes.AddMessageParameterCodeFixProvider>;

namespace Grip.CodeFixes.Tests;

/// <summary>GRIP0012: an [OnMessage] method without a message parameter gets 'string message'.</summary>
public sealed class AddMessageParameterFixTests
{
    [Fact]
    public Task A_parameterless_method_gets_a_string_message() => Verify.VerifyAsync(
        """
        using Grip;

        public partial class H
        {
            [OnMessage] public void {|#0:M|}() { }
        }
        """,
        """
        using Grip;

        public partial class H
        {
            [OnMessage] public void M(string message) { }
        }
        """,
        [Verify.Diagnostic("GRIP0012").WithLocation(0).WithArguments("M")]);

    [Fact]
    public Task The_message_goes_first_and_a_taken_name_is_avoided() => Verify.VerifyAsync(
        """
        using System.Threading;
        using Grip;

        public partial class H
        {
            [OnMessage] public void {|#0:M|}(GripConnection connection, CancellationToken cancellationToken)
            {
                var message = connection.ToString();
                _ = message;
            }
        }
        """,
        """
        using System.Threading;
        using Grip;

        public partial class H
        {
            [OnMessage] public void M(string message2, GripConnection connection, CancellationToken cancellationToken)
            {
                var message = connection.ToString();
                _ = message;
            }
        }
        """,
        [Verify.Diagnostic("GRIP0012").WithLocation(0).WithArguments("M")]);

    [Fact]
    public Task Fix_all_fixes_every_handler_in_the_project() => Verify.VerifyAsync(
        """
        using Grip;

        public partial class A
        {
            [OnMessage("join")] public void {|#0:Join|}() { }
            [OnMessage("leave")] public void {|#1:Leave|}(GripConnection c) { }
        }

        public partial class B
        {
            [OnMessage] public static void {|#2:Any|}() { }
        }
        """,
        """
        using Grip;

        public partial class A
        {
            [OnMessage("join")] public void Join(string message) { }
            [OnMessage("leave")] public void Leave(string message, GripConnection c) { }
        }

        public partial class B
        {
            [OnMessage] public static void Any(string message) { }
        }
        """,
        [
            Verify.Diagnostic("GRIP0012").WithLocation(0).WithArguments("Join"),
            Verify.Diagnostic("GRIP0012").WithLocation(1).WithArguments("Leave"),
            Verify.Diagnostic("GRIP0012").WithLocation(2).WithArguments("Any"),
        ]);
}
