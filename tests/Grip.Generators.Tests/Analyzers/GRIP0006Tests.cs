using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0006: handler class the generated code cannot reach.</summary>
public sealed class GRIP0006Tests
{
    [Fact]
    public Task Partial_classes_nested_in_partial_types_report_nothing() => Verify.VerifyAsync("""
        using Grip;
        public partial class Outer
        {
            private partial class Inner
            {
                [OnMessage] private void M(string text) { }
            }
        }
        public sealed partial record R
        {
            [OnMessage] public void M(string text) { }
        }
        """);

    [Fact]
    public Task Not_partial_is_reported() => Verify.VerifyAsync("""
        using Grip;
        public class {|#0:H|}
        {
            [OnMessage] public void M(string text) { }
        }
        """,
        Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("H", "it is not partial; add the 'partial' modifier so the generator can add the dispatch code"));

    [Fact]
    public Task A_containing_type_that_is_not_partial_is_reported() => Verify.VerifyAsync("""
        using Grip;
        public class Outer
        {
            public partial class {|#0:H|}
            {
                [OnMessage] public void M(string text) { }
            }
        }
        """,
        Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("H", "its containing type 'Outer' is not partial; make every containing type partial"));

    [Fact]
    public Task Static_abstract_generic_and_struct_handlers_are_reported() => Verify.VerifyAsync("""
        using Grip;
        public static partial class {|#0:S|}
        {
            [OnMessage] public static void M(string text) { }
        }
        public abstract partial class {|#1:A|}
        {
            [OnMessage] public void M(string text) { }
        }
        public partial class {|#2:G|}<T>
        {
            [OnMessage] public void M(string text) { }
        }
        public partial struct {|#3:V|}
        {
            [OnMessage] public void M(string text) { }
        }
        """,
        Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("S", "it is static; a handler is a class with instance or static handler methods, make it non-static"),
        Verify.Diagnostic("GRIP0006").WithLocation(1).WithArguments("A", "it is abstract; one handler instance is created per request, so it must be a concrete class"),
        Verify.Diagnostic("GRIP0006").WithLocation(2).WithArguments("G", "it is generic (or nested in a generic type); the generator needs a closed class to dispatch to"),
        Verify.Diagnostic("GRIP0006").WithLocation(3).WithArguments("V", "it is a struct; a handler must be a class (one instance is created per request)"));

    [Fact]
    public Task A_file_local_class_is_reported() => Verify.VerifyAsync("""
        using Grip;
        file partial class {|#0:F|}
        {
            [OnMessage] public void M(string text) { }
        }
        """,
        Verify.Diagnostic("GRIP0006").WithLocation(0).WithArguments("F", "it is file-local; generated code lives in another file and cannot extend it"));
}
