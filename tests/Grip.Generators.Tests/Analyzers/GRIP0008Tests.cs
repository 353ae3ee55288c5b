using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0008: a typed message or reply whose type is missing from the JSON context.</summary>
public sealed class GRIP0008Tests
{
    private const string Types = """
        public sealed record Ping(int N);
        public sealed record Pong(int N);
        """;

    [Fact]
    public Task Types_listed_in_the_context_report_nothing() => Verify.VerifyAsync("""
        using System.Text.Json.Serialization;
        using Grip;
        [JsonSerializable(typeof(Ping))]
        [JsonSerializable(typeof(Pong))]
        public partial class Ctx : JsonSerializerContext;
        [GripJsonContext(typeof(Ctx))]
        public partial class H
        {
            [OnMessage("ping")] public Pong M(Ping? ping) => new(ping?.N ?? 0);
        }
        """ + Types);

    [Fact]
    public Task A_message_type_missing_from_the_context_is_reported() => Verify.VerifyAsync("""
        using System.Text.Json.Serialization;
        using Grip;
        [JsonSerializable(typeof(Pong))]
        public partial class Ctx : JsonSerializerContext;
        [GripJsonContext(typeof(Ctx))]
        public partial class H
        {
            [OnMessage("ping")] public Pong M(Ping {|#0:ping|}) => new(ping.N);
        }
        """ + Types,
        Verify.Diagnostic("GRIP0008").WithLocation(0).WithArguments("Ping", "'Ctx' has no [JsonSerializable(typeof(Ping))]; add it to the context"));

    [Fact]
    public Task A_reply_type_missing_from_the_context_is_reported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using System.Text.Json.Serialization;
        using Grip;
        [JsonSerializable(typeof(Ping))]
        public partial class Ctx : JsonSerializerContext;
        [GripJsonContext(typeof(Ctx))]
        public partial class H
        {
            [OnMessage("ping")] public {|#0:Task<Pong>|} M(Ping ping) => Task.FromResult(new Pong(ping.N));
        }
        """ + Types,
        Verify.Diagnostic("GRIP0008").WithLocation(0).WithArguments("Pong", "'Ctx' has no [JsonSerializable(typeof(Pong))]; add it to the context"));

    [Fact]
    public Task A_typed_message_without_any_context_is_reported() => Verify.VerifyAsync("""
        using Grip;
        public partial class H
        {
            [OnMessage] public void M(Ping {|#0:ping|}) { }
        }
        """ + Types,
        Verify.Diagnostic("GRIP0008").WithLocation(0).WithArguments("Ping", "the handler class has no valid [GripJsonContext(typeof(MyJsonContext))] naming the JsonSerializerContext that holds its metadata (method 'M')"));
}
