using Grip.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Grip.Generators.Tests;

/// <summary>Named edits and what the pipeline must do with them.</summary>
public sealed class IncrementalityTests
{
    private const string Handler = """
        using Grip;
        namespace Demo;
        public partial class Chat
        {
            [OnMessage("a")] public void A(string text) { }
            [OnMessage] public string Echo(string text) => text;
        }
        """;

    // These edits touch the handler's own file: its syntax node is new, so the syntax step reports
    // Modified; every step after it must still find the model equal.
    private static readonly string[] SameFile = [TrackingNames.CandidateClasses];

    private static GeneratorRunResult Rerun(string original, string edited)
    {
        var compilation = GeneratorHarness.CreateCompilation(original);
        var (_, _, driver) = GeneratorHarness.Run(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var next = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(edited, GeneratorHarness.ParseOptions, path: tree.FilePath));
        return driver.RunGenerators(next).GetRunResult().Results.Single(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator));
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult run, string step) =>
        run.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    [Fact]
    public void A_comment_added_keeps_everything_cached()
    {
        var run = Rerun(Handler, Handler.Replace("public partial class Chat", "// a comment\npublic partial class Chat", StringComparison.Ordinal));
        GeneratorHarness.AssertStepsCached(run, SameFile);
    }

    [Fact]
    public void A_method_body_changed_keeps_the_output_unchanged()
    {
        var run = Rerun(Handler, Handler.Replace("=> text;", "=> text + \"!\";", StringComparison.Ordinal));
        GeneratorHarness.AssertStepsCached(run, SameFile);
        Assert.All(run.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.NotEqual(IncrementalStepRunReason.Modified, o.Reason));
    }

    [Fact]
    public void A_change_only_an_analyzer_reports_on_leaves_the_source_step_unchanged()
    {
        // Close(1000) -> Close(999) turns on GRIP0010 (ConstantArgumentAnalyzer); the generator's model is the same.
        var bodyOnly = Rerun(
            Handler.Replace("[OnMessage] public string Echo(string text) => text;", "[OnMessage] public string Echo(string text, GripConnection c) { c.Close(1000); return text; }", StringComparison.Ordinal),
            Handler.Replace("[OnMessage] public string Echo(string text) => text;", "[OnMessage] public string Echo(string text, GripConnection c) { c.Close(999); return text; }", StringComparison.Ordinal));
        GeneratorHarness.AssertStepsCached(bodyOnly, SameFile);
        Assert.All(bodyOnly.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.NotEqual(IncrementalStepRunReason.Modified, o.Reason));
    }

    [Fact]
    public void An_attribute_argument_changed_modifies_the_model()
    {
        var run = Rerun(Handler, Handler.Replace("[OnMessage(\"a\")]", "[OnMessage(\"b\")]", StringComparison.Ordinal));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(run, TrackingNames.HandlerModels));
        Assert.Contains("\"b\"u8", run.GeneratedSources.Single(s => !s.HintName.EndsWith(".Contract.g.cs", StringComparison.Ordinal)).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_signature_changed_modifies_the_model()
    {
        var run = Rerun(Handler, Handler.Replace("public void A(string text)", "public void A(byte[] data)", StringComparison.Ordinal));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(run, TrackingNames.HandlerModels));
    }

    [Fact]
    public void Tracking_names_are_all_used()
    {
        var (result, _, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Handler.Replace("[OnMessage] public string", "[OnOpen] public void O() { } [OnClose] public void C() { } [OnMessage] public string", StringComparison.Ordinal)));
        var steps = result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator)).TrackedSteps.Keys.ToHashSet();
        foreach (string name in GeneratorHarness.TrackingStepNames())
        {
            Assert.True(steps.Contains(name), $"Step '{name}' never ran; ran: {string.Join(", ", steps)}");
        }
    }
}
