using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.CloseCodeAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0019: an invalid [GripCloseCode] declaration.</summary>
public sealed class GRIP0019Tests
{
    [Fact]
    public Task Valid_declarations_report_nothing() => Verify.VerifyAsync("""
        using Grip;
        [GripCloseCode(4000, "tokenExpired", Reason = "Token expired")]
        [GripCloseCode(4999, "banned", Description = "Banned.", Reconnect = false)]
        [GripCloseCode(4001, "a1B2")]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        """);

    [Theory]
    [InlineData(3999)]
    [InlineData(5000)]
    [InlineData(1000)]
    [InlineData(-1)]
    public Task A_code_outside_the_application_range_is_reported(int code) => Verify.VerifyAsync($$"""
        using Grip;
        [{|#0:GripCloseCode({{code}}, "banned")|}]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        """,
        Verify.Diagnostic("GRIP0019").WithLocation(0).WithArguments("H", "the code " + code + " is outside 4000-4999, the range RFC 6455 leaves to applications (codes below 4000 are the protocol's and registered ones)"));

    [Fact]
    public Task A_duplicate_code_is_reported_on_the_second_declaration() => Verify.VerifyAsync("""
        using Grip;
        [GripCloseCode(4001, "banned")]
        [{|#0:GripCloseCode(4001, "kicked")|}]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        """,
        Verify.Diagnostic("GRIP0019").WithLocation(0).WithArguments("H", "the code 4001 is declared more than once on the class; give each code one declaration"));

    [Fact]
    public Task A_duplicate_across_partial_parts_is_reported() => Verify.VerifyAsync("""
        using Grip;
        [GripCloseCode(4001, "banned")]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        [{|#0:GripCloseCode(4002, "banned")|}]
        public partial class H;
        """,
        Verify.Diagnostic("GRIP0019").WithLocation(0).WithArguments("H", "the name \"banned\" is declared more than once on the class; give each code its own name"));

    [Fact]
    public Task The_same_code_on_two_classes_is_fine() => Verify.VerifyAsync("""
        using Grip;
        [GripCloseCode(4001, "banned")]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        [GripCloseCode(4001, "banned")]
        public partial class G
        {
            [OnMessage] public void M(string text) { }
        }
        """);

    [Theory]
    [InlineData("Banned")]
    [InlineData("token_expired")]
    [InlineData("token-expired")]
    [InlineData("1banned")]
    [InlineData("")]
    [InlineData("bänned")]
    public Task A_name_that_is_not_a_camel_case_identifier_is_reported(string name) => Verify.VerifyAsync($$"""
        using Grip;
        [{|#0:GripCloseCode(4001, "{{name}}")|}]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        """,
        Verify.Diagnostic("GRIP0019").WithLocation(0).WithArguments("H", "the name \"" + name + "\" is not a camelCase identifier: a lowercase ASCII letter, then ASCII letters and digits (\"banned\", \"tokenExpired\")"));

    [Fact]
    public Task A_null_name_is_reported() => Verify.VerifyAsync("""
        using Grip;
        [{|#0:GripCloseCode(4001, null!)|}]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        """,
        Verify.Diagnostic("GRIP0019").WithLocation(0).WithArguments("H", "the name null is not a camelCase identifier: a lowercase ASCII letter, then ASCII letters and digits (\"banned\", \"tokenExpired\")"));

    [Fact]
    public Task A_reason_longer_than_a_close_frame_carries_is_reported() => Verify.VerifyAsync("""
        using Grip;
        [{|#0:GripCloseCode(4001, "banned", Reason = "%%")|}]
        public partial class H
        {
            [OnMessage] public void M(string text) { }
        }
        """.Replace("%%", new string('é', 62), StringComparison.Ordinal),
        Verify.Diagnostic("GRIP0019").WithLocation(0).WithArguments("H", "the reason is 124 UTF-8 bytes long; a close frame carries at most 123"));
}
