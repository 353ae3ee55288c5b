using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.ConstantArgumentAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0010: a constant close code (or reason) that cannot be sent.</summary>
public sealed class GRIP0010Tests
{
    [Fact]
    public Task Valid_and_non_constant_codes_report_nothing() => Verify.VerifyAsync("""
        using Grip;
        using Grip.Publishing;
        public static class C
        {
            public static void M(GripConnection c, IGripPublisher p, int code)
            {
                c.Close();
                c.Close(1000);
                c.Close(CloseCodes.InternalError, "oops");
                c.Close(4999);
                c.Close(code);
                _ = p.PublishCloseAsync("room", 3000);
                _ = WebSocketMessageFormat.CloseConnection(1001);
            }
        }
        """);

    [Fact]
    public Task Invalid_constant_codes_are_reported() => Verify.VerifyAsync("""
        using Grip;
        using Grip.Publishing;
        public static class C
        {
            private const int Reserved = 1005;
            public static void M(GripConnection c, IGripPublisher p)
            {
                c.Close({|#0:999|});
                c.Close({|#1:Reserved|});
                c.Close(reason: "x", code: {|#2:5000|});
                _ = p.PublishCloseAsync("room", {|#3:1006|});
                _ = WebSocketMessageFormat.CloseConnection({|#4:2000|});
            }
        }
        """,
        Verify.Diagnostic("GRIP0010").WithLocation(0).WithArguments("Close code 999 cannot be sent: close codes must be 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 section 7.4)"),
        Verify.Diagnostic("GRIP0010").WithLocation(1).WithArguments("Close code 1005 cannot be sent: it is reserved for reporting a missing code, an abnormal closure or a TLS failure and must never be sent; use 1000-1003, 1007-1014 or 3000-4999"),
        Verify.Diagnostic("GRIP0010").WithLocation(2).WithArguments("Close code 5000 cannot be sent: close codes must be 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 section 7.4)"),
        Verify.Diagnostic("GRIP0010").WithLocation(3).WithArguments("Close code 1006 cannot be sent: it is reserved for reporting a missing code, an abnormal closure or a TLS failure and must never be sent; use 1000-1003, 1007-1014 or 3000-4999"),
        Verify.Diagnostic("GRIP0010").WithLocation(4).WithArguments("Close code 2000 cannot be sent: it is reserved or unassigned in RFC 6455; use 1000-1003, 1007-1014 or 3000-4999"));

    [Fact]
    public Task A_constant_reason_over_123_bytes_is_reported() => Verify.VerifyAsync("""
        using Grip;
        public static class C
        {
            public static void M(GripConnection c)
            {
                c.Close(1000, "short");
                c.Close(1000, {|#0:"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123"|});
            }
        }
        """,
        Verify.Diagnostic("GRIP0010").WithLocation(0).WithArguments("The close reason is 124 UTF-8 bytes; a close frame carries at most 123"));
}
