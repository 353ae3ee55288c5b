using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0001: unsupported parameter type.</summary>
public sealed class GRIP0001Tests
{
    [Fact]
    public Task Supported_parameters_report_nothing() => Verify.VerifyAsync("""
        using System;
        using System.Threading;
        using Grip;
        using Grip.Publishing;
        public partial class H(IGripPublisher publisher)
        {
            [OnOpen] public void Open(GripConnection c, CancellationToken ct, IServiceProvider sp) { }
            [OnMessage] public void Text(GripConnection c, string text, IGripPublisher? p, CancellationToken ct) { }
            [OnMessage] public void Bin(ReadOnlyMemory<byte> data) { }
            [OnClose] public void Close(CloseStatus status, GripConnection c) { }
        }
        """);

    [Fact]
    public Task A_span_message_is_reported() => Verify.VerifyAsync("""
        using System;
        using Grip;
        public partial class H
        {
            [OnMessage] public void M(string text, ReadOnlySpan<byte> {|#0:data|}) { }
        }
        """,
        Verify.Diagnostic("GRIP0001").WithLocation(0).WithArguments("data", "M", "'System.ReadOnlySpan<byte>' is a ref struct, which cannot be stored across an await; take ReadOnlyMemory<byte> instead of a span"));

    [Fact]
    public Task CloseStatus_outside_OnClose_is_reported() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            [OnOpen] public void Open(CloseStatus {|#0:status|}) { }
        }
        """,
        Verify.Diagnostic("GRIP0001").WithLocation(0).WithArguments("status", "Open", "CloseStatus is only available in an [OnClose] method"));

    [Fact]
    public Task Ref_parameters_and_value_type_services_are_reported() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            [OnOpen] public void Open(ref GripConnection {|#0:c|}, int {|#1:count|}) { }
        }
        """,
        Verify.Diagnostic("GRIP0001").WithLocation(0).WithArguments("c", "Open", "ref, out and in parameters cannot be bound"),
        Verify.Diagnostic("GRIP0001").WithLocation(1).WithArguments("count", "Open", "'int' is neither a framework parameter (GripConnection, CancellationToken, CloseStatus, HttpContext, ClaimsPrincipal), a message, nor a service (services are classes or interfaces resolved from dependency injection)"));

    [Fact]
    public Task A_constructor_string_is_reported_and_a_second_message_parameter_is_GRIP0015() => Verify.VerifyAsync("""
        using Grip;
        public partial class H(string {|#1:name|})
        {
            [OnMessage] public void M(string text, byte[] {|#0:data|}) { }
        }
        """,
        Verify.Diagnostic("GRIP0001").WithLocation(1).WithArguments("name", "H constructor", "'string' is not a service; messages are parameters of [OnMessage] methods"),
        Verify.Diagnostic("GRIP0015").WithLocation(0).WithArguments("data", "M", "text"));

    [Fact]
    public Task A_keyed_service_with_an_unsupported_key_is_reported() => Verify.VerifyAsync("""
        using Grip;
        using Grip.Publishing;
        using Microsoft.Extensions.DependencyInjection;
        public partial class H
        {
            [OnOpen] public void Open([FromKeyedServices("a")] IGripPublisher ok, [FromKeyedServices(typeof(int))] IGripPublisher {|#0:bad|}) { }
        }
        """,
        Verify.Diagnostic("GRIP0001").WithLocation(0).WithArguments("bad", "Open", "the [FromKeyedServices] key must be a string, int or enum constant"));
}
