using Grip.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Tests;

/// <summary>The generator never throws, whatever half-typed code the IDE hands it.</summary>
public sealed class RobustnessTests
{
    [Theory]
    [InlineData("public partial class H { [OnMessage] public void M(Missing m) { } }")]
    [InlineData("public partial class H { [OnMessage] public Missing M(string s) => default; }")]
    [InlineData("public partial class H { [OnMessage] public void M(string s }")]
    [InlineData("public partial class H { [OnMessage(] public void M(string s) { } }")]
    [InlineData("public partial class H { [OnMessage(42)] public void M(string s) { } }")]
    [InlineData("public partial class H { [OnOpen] public H() { } }")]
    [InlineData("[GripJsonContext(typeof(Nope))] public partial class H { [OnMessage(\"x\")] public void M(Nope n) { } }")]
    [InlineData("[GripJsonContext(null!)] public partial class H { [OnMessage(\"x\")] public void M(string n) { } }")]
    [InlineData("public partial class H : H { [OnClose] void C() { } }")]
    [InlineData("public partial class H<T> where T : H<T> { [OnClose] void C() { } }")]
    [InlineData("public partial class H { [OnMessage] [OnOpen] [OnClose] void M() { } }")]
    [InlineData("public partial class H { [OnMessage] public static explicit operator int(H h) => 0; }")]
    public void Broken_code_never_makes_the_generator_throw(string body)
    {
        var compilation = GeneratorHarness.CreateCompilation("using Grip;\n" + body);
        var (result, _, driver) = GeneratorHarness.Run(compilation);
        var run = result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator));
        Assert.Null(run.Exception);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "CS8785");
        GeneratorHarness.AssertIncremental(compilation, driver);
        GeneratorHarness.AssertNoCompilerObjects(result);
    }

    [Fact]
    public void The_GeneratedCode_version_matches_the_assembly_version()
    {
        string constant = (string)typeof(GripHandlerGenerator).Assembly.GetType("Grip.Generators.ThisAssembly")!.GetField("Version")!.GetRawConstantValue()!;
        Assert.Equal(typeof(GripHandlerGenerator).Assembly.GetName().Version!.ToString(), constant);
    }
}
