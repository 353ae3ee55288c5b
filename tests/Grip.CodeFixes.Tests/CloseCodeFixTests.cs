using Microsoft.CodeAnalysis.Testing;
using Verify = Grip.CodeFixes.Tests.CodeFixVerifier<Grip.Generators.Analyzers.ConstantArgumentAnalyzer, Grip.CodeFixes.CloseCodeCodeFixProvider>;

namespace Grip.CodeFixes.Tests;

/// <summary>GRIP0010: an invalid constant close code becomes 1000 or an application code (two actions).</summary>
public sealed class CloseCodeFixTests
{
    private const string OutOfRange = "close codes must be 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 section 7.4)";
    private const string ReservedForReporting = "it is reserved for reporting a missing code, an abnormal closure or a TLS failure and must never be sent; use 1000-1003, 1007-1014 or 3000-4999";
    private const string Unassigned = "it is reserved or unassigned in RFC 6455; use 1000-1003, 1007-1014 or 3000-4999";

    private const string Source = """
        using Grip;
        using Grip.Publishing;

        public static class C
        {
            private const int Reserved = 1005;

            public static void M(GripConnection c, IGripPublisher p)
            {
                c.Close({|#0:404|});
                c.Close({|#1:Reserved|}, "bye");
                c.Close(reason: "x", code: {|#2:5000|});
                _ = p.PublishCloseAsync("room", {|#3:1006|});
                _ = WebSocketMessageFormat.CloseConnection({|#4:2000|});
                c.Close({|#5:-1|});
            }
        }
        """;

    private static DiagnosticResult[] Expected =>
    [
        Code(0, 404, OutOfRange),
        Code(1, 1005, ReservedForReporting),
        Code(2, 5000, OutOfRange),
        Code(3, 1006, ReservedForReporting),
        Code(4, 2000, Unassigned),
        Code(5, -1, OutOfRange),
    ];

    private static DiagnosticResult Code(int location, int code, string why) =>
        Verify.Diagnostic("GRIP0010").WithLocation(location).WithArguments($"Close code {code} cannot be sent: {why}");

    [Fact]
    public Task Normal_closure_replaces_every_invalid_code() => Verify.VerifyAsync(
        Source,
        """
        using Grip;
        using Grip.Publishing;

        public static class C
        {
            private const int Reserved = 1005;

            public static void M(GripConnection c, IGripPublisher p)
            {
                c.Close(1000);
                c.Close(1000, "bye");
                c.Close(reason: "x", code: 1000);
                _ = p.PublishCloseAsync("room", 1000);
                _ = WebSocketMessageFormat.CloseConnection(1000);
                c.Close(1000);
            }
        }
        """,
        Expected,
        CloseCodeCodeFixProvider.NormalKey);

    [Fact]
    public Task The_application_code_keeps_the_meaning_of_the_invalid_code() => Verify.VerifyAsync(
        Source,
        """
        using Grip;
        using Grip.Publishing;

        public static class C
        {
            private const int Reserved = 1005;

            public static void M(GripConnection c, IGripPublisher p)
            {
                c.Close(4404);
                c.Close(4005, "bye");
                c.Close(reason: "x", code: 4999);
                _ = p.PublishCloseAsync("room", 4006);
                _ = WebSocketMessageFormat.CloseConnection(4000);
                c.Close(4000);
            }
        }
        """,
        Expected,
        CloseCodeCodeFixProvider.ApplicationKey);

    [Theory]
    [InlineData(0, 4000)]
    [InlineData(404, 4404)]
    [InlineData(999, 4999)]
    [InlineData(1004, 4004)]
    [InlineData(1015, 4015)]
    [InlineData(2999, 4999)]
    [InlineData(5000, 4999)]
    [InlineData(int.MaxValue, 4999)]
    [InlineData(-7, 4000)]
    [InlineData(int.MinValue, 4000)]
    public void Application_codes_stay_in_4000_to_4999(int invalid, int expected)
    {
        int code = CloseCodeCodeFixProvider.ApplicationCode(invalid);
        Assert.Equal(expected, code);
        Assert.InRange(code, 4000, 4999);
    }

    [Fact]
    public Task A_reason_that_is_too_long_gets_no_fix() => Verify.VerifyNoFixAsync(
        """
        using Grip;

        public static class C
        {
            public static void M(GripConnection c) =>
                c.Close(1000, {|#0:"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123"|});
        }
        """,
        Verify.Diagnostic("GRIP0010").WithLocation(0).WithArguments("The close reason is 124 UTF-8 bytes; a close frame carries at most 123"));
}
