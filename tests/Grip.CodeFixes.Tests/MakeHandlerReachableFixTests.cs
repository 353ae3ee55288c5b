using Verify = Grip.CodeFixes.Tests.CodeFixVerifier<Grip.Generators.Analyzers.HandlerAnalyzer, Grip.CodeFixes.MakeHandlerReachableCodeFixProvider>;

namespace Grip.CodeFixes.Tests;

/// <summary>GRIP0006: a handler class the generated code cannot extend becomes partial (or internal).</summary>
public sealed class MakeHandlerReachableFixTests
{
    private const string NotPartial = "it is not partial; add the 'partial' modifier so the generator can add the dispatch code";

    [Fact]
    public Task A_non_partial_class_becomes_partial() => Verify.VerifyAsync(
        """
        using Grip;

        public sealed class {|#0:H|}
        {
            [OnMessage] public void M(string m) { }
        }
        """,
        """
        using Grip;

        public sealed partial class H
        {
            [OnMessage] public void M(string m) { }
        }
        """,
        [Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("H", NotPartial)]);

    [Fact]
    public Task A_class_without_modifiers_keeps_its_comment_and_attributes() => Verify.VerifyAsync(
        """
        using Grip;

        // The echo handler.
        [System.Obsolete("x")]
        class {|#0:H|}
        {
            [OnMessage] public void M(string m) { }
        }
        """,
        """
        using Grip;

        // The echo handler.
        [System.Obsolete("x")]
        partial class H
        {
            [OnMessage] public void M(string m) { }
        }
        """,
        [Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("H", NotPartial)]);

    [Fact]
    public Task Non_partial_containing_types_become_partial_too() => Verify.VerifyAsync(
        """
        using Grip;

        public static class Outer
        {
            public partial class Middle
            {
                public class {|#0:H|}
                {
                    [OnMessage] public void M(string m) { }
                }
            }
        }
        """,
        """
        using Grip;

        public static partial class Outer
        {
            public partial class Middle
            {
                public partial class H
                {
                    [OnMessage] public void M(string m) { }
                }
            }
        }
        """,
        [Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("H", NotPartial)]);

    [Fact]
    public Task Only_the_containing_type_when_the_handler_is_already_partial() => Verify.VerifyAsync(
        """
        using Grip;

        public class Outer
        {
            public partial class {|#0:H|}
            {
                [OnMessage] public void M(string m) { }
            }
        }
        """,
        """
        using Grip;

        public partial class Outer
        {
            public partial class H
            {
                [OnMessage] public void M(string m) { }
            }
        }
        """,
        [Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("H", "its containing type 'Outer' is not partial; make every containing type partial")]);

    [Fact]
    public Task A_file_local_class_becomes_internal() => Verify.VerifyAsync(
        """
        using Grip;

        file partial class {|#0:H|}
        {
            [OnMessage] public void M(string m) { }
        }
        """,
        """
        using Grip;

        internal partial class H
        {
            [OnMessage] public void M(string m) { }
        }
        """,
        [Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("H", "it is file-local; generated code lives in another file and cannot extend it")]);

    [Fact]
    public Task A_file_local_non_partial_class_becomes_internal_and_partial() => Verify.VerifyAsync(
        """
        using Grip;

        file sealed class {|#0:H|}
        {
            [OnMessage] public void M(string m) { }
        }
        """,
        """
        using Grip;

        internal sealed partial class H
        {
            [OnMessage] public void M(string m) { }
        }
        """,
        [Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("H", "it is file-local; generated code lives in another file and cannot extend it")]);

    [Fact]
    public Task Fix_all_edits_a_shared_containing_type_once() => Verify.VerifyAsync(
        """
        using Grip;

        public class Api
        {
            public class {|#0:Chat|}
            {
                [OnMessage] public void M(string m) { }
            }

            public class {|#1:Feed|}
            {
                [OnMessage] public void M(string m) { }
            }
        }

        public record {|#2:Echo|}
        {
            [OnMessage] public string M(string m) => m;
        }
        """,
        """
        using Grip;

        public partial class Api
        {
            public partial class Chat
            {
                [OnMessage] public void M(string m) { }
            }

            public partial class Feed
            {
                [OnMessage] public void M(string m) { }
            }
        }

        public partial record Echo
        {
            [OnMessage] public string M(string m) => m;
        }
        """,
        [
            Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("Chat", NotPartial),
            Verify.Diagnostic("GRIP0006").WithLocation(1).WithArguments("Feed", NotPartial),
            Verify.Diagnostic("GRIP0006").WithLocation(2).WithArguments("Echo", NotPartial),
        ]);

    [Fact]
    public Task A_static_handler_class_gets_no_fix() => Verify.VerifyNoFixAsync(
        """
        using Grip;

        public static partial class {|#0:H|}
        {
            [OnMessage] public static void M(string m) { }
        }
        """,
        Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("H", "it is static; a handler is a class with instance or static handler methods, make it non-static"));

    [Fact]
    public Task A_generic_handler_class_gets_no_fix() => Verify.VerifyNoFixAsync(
        """
        using Grip;

        public class {|#0:H|}<T>
        {
            [OnMessage] public void M(string m) { }
        }
        """,
        Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("H", "it is generic (or nested in a generic type); the generator needs a closed class to dispatch to"));

    [Fact]
    public Task An_abstract_handler_class_gets_no_fix() => Verify.VerifyNoFixAsync(
        """
        using Grip;

        public abstract partial class {|#0:H|}
        {
            [OnMessage] public void M(string m) { }
        }
        """,
        Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("H", "it is abstract; one handler instance is created per request, so it must be a concrete class"));
}
