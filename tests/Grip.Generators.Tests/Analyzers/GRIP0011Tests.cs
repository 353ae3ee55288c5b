using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.ConstantArgumentAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>GRIP0011: an empty or invalid constant channel name.</summary>
public sealed class GRIP0011Tests
{
    [Fact]
    public Task Valid_and_non_constant_channels_report_nothing() => Verify.VerifyAsync("""
        using Grip;
        using Grip.Publishing;
        public static class C
        {
            private const string Room = "room";
            public static void M(GripConnection c, IGripPublisher p, string dynamicName)
            {
                c.Subscribe(Room);
                c.Subscribe(dynamicName);
                c.Unsubscribe("room:1");
                _ = p.PublishAsync("all", "text");
                _ = new PublishItem("x");
            }
        }
        """);

    [Fact]
    public Task Empty_null_and_control_character_channels_are_reported() => Verify.VerifyAsync("""
        using Grip;
        using Grip.Publishing;
        using Grip.Protocol;
        public static class C
        {
            private const string Empty = "";
            public static void M(GripConnection c, IGripPublisher p)
            {
                c.Subscribe({|#0:""|});
                c.Unsubscribe({|#1:Empty|});
                _ = p.PublishAsync({|#2:"a\nb"|}, "text");
                _ = c.PublishToOthersAsync({|#3:""|}, "text");
                _ = new PublishItem({|#4:null|}!);
                _ = new SubscribeControlMessage({|#5:""|});
            }
        }
        """,
        Verify.Diagnostic("GRIP0011").WithLocation(0).WithArguments("\"\"", "it is empty"),
        Verify.Diagnostic("GRIP0011").WithLocation(1).WithArguments("\"\"", "it is empty"),
        Verify.Diagnostic("GRIP0011").WithLocation(2).WithArguments("\"a\\nb\"", "it contains a control character"),
        Verify.Diagnostic("GRIP0011").WithLocation(3).WithArguments("\"\"", "it is empty"),
        Verify.Diagnostic("GRIP0011").WithLocation(4).WithArguments("null", "it is null"),
        Verify.Diagnostic("GRIP0011").WithLocation(5).WithArguments("\"\"", "it is empty"));
}
