using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0005: two [OnMessage] methods match the same messages.</summary>
public sealed class GRIP0005Tests
{
    [Fact]
    public Task Text_binary_and_distinct_types_report_nothing() => Verify.VerifyAsync("""
        using System;
        using Grip;
        public partial class H
        {
            [OnMessage] public void Text(string text) { }
            [OnMessage] public void Bin(ReadOnlyMemory<byte> data) { }
            [OnMessage("a")] public void A(string json) { }
            [OnMessage("b")] public void B(string json) { }
        }
        """);

    [Fact]
    public Task Two_text_handlers_are_reported() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            [OnMessage] public void Text(string text) { }
            [OnMessage] public void {|#0:Any|}(GripMessage message) { }
        }
        """,
        Verify.Diagnostic("GRIP0005").WithLocation(0).WithArguments("Text", "Any", "text messages"));

    [Fact]
    public Task Two_binary_handlers_are_reported() => Verify.VerifyAsync("""
        using System;
        using Grip;
        public partial class H
        {
            [OnMessage] public void A(byte[] data) { }
            [OnMessage] public void {|#0:B|}(ReadOnlyMemory<byte> data) { }
        }
        """,
        Verify.Diagnostic("GRIP0005").WithLocation(0).WithArguments("A", "B", "binary messages"));

    [Fact]
    public Task The_same_message_type_twice_is_reported() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            [OnMessage("chat.send")] public void A(string json) { }
            [OnMessage("chat.send")] public void {|#0:B|}(byte[] json) { }
        }
        """,
        Verify.Diagnostic("GRIP0005").WithLocation(0).WithArguments("A", "B", "messages of type \"chat.send\""));
}
