using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0002: unsupported return type.</summary>
public sealed class GRIP0002Tests
{
    [Fact]
    public Task Supported_return_types_report_nothing() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Grip;
        public partial class H
        {
            [OnOpen] public Task<string> Open() => Task.FromResult("hi");
            [OnMessage] public ValueTask<byte[]> Bin(byte[] data) => new(data);
            [OnMessage] public string? Text(string text) => null;
            [OnClose] public ValueTask Close() => default;
        }
        """);

    [Fact]
    public Task A_reply_from_OnClose_is_reported() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            [OnClose] public {|#0:string|} Close() => "bye";
        }
        """,
        Verify.Diagnostic("GRIP0002").WithLocation(0).WithArguments("Close", "string", "an [OnClose] method cannot reply because the connection is ending; return void, Task or ValueTask"));

    [Fact]
    public Task Object_and_span_replies_are_reported() => Verify.VerifyAsync("""
        using System;
        using Grip;
        public partial class H
        {
            [OnMessage] public {|#0:object|} Text(string text) => text;
            [OnMessage] public {|#1:ReadOnlySpan<byte>|} Bin(byte[] data) => data;
        }
        """,
        Verify.Diagnostic("GRIP0002").WithLocation(0).WithArguments("Text", "object", "'object' has no source-generated JSON metadata; use a concrete type"),
        Verify.Diagnostic("GRIP0002").WithLocation(1).WithArguments("Bin", "System.ReadOnlySpan<byte>", "'System.ReadOnlySpan<byte>' is a ref struct, which cannot be stored across an await; take ReadOnlyMemory<byte> instead of a span"));
}
