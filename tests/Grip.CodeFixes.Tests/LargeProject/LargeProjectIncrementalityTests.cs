using System.Reflection;
using Grip.Benchmarks;
using Grip.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Grip.CodeFixes.Tests.LargeProject;

/// <summary>
/// The project of the generator benchmark (200 handlers with typed messages): an edit in an unrelated
/// file must leave every named generator step and every output Cached/Unchanged, so typing in a big
/// project costs the generator next to nothing. A handler edit re-runs exactly that handler.
/// </summary>
public sealed class LargeProjectIncrementalityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int HandlerCount = 200;

    private static readonly string[] StepNames = typeof(GripHandlerGenerator).Assembly
        .GetType("Grip.Generators.TrackingNames", throwOnError: true)!
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    // The generator counts model-cache misses per thread; the driver runs its steps on this thread.
    private static readonly FieldInfo Parses = typeof(GripHandlerGenerator).Assembly
        .GetType("Grip.Generators.Caching.ModelCache", throwOnError: true)!
        .GetField("ParsesOnThisThread", BindingFlags.NonPublic | BindingFlags.Static)
        ?? throw new InvalidOperationException("ModelCache.ParsesOnThisThread is gone");

    private static int ParseCount => (int)Parses.GetValue(null)!;

    // The dispatch files; each handler also gets a *.Contract.g.cs (its AsyncAPI contract).
    private static bool IsDispatch(GeneratedSourceResult source) => !source.HintName.EndsWith(".Contract.g.cs", StringComparison.Ordinal);

    private static (CSharpCompilation Compilation, GeneratorDriver Driver) Warm()
    {
        var compilation = GeneratorWorkload.Create(HandlerCount, GeneratorWorkload.References(typeof(GripConnection), typeof(Microsoft.Extensions.DependencyInjection.IServiceScopeFactory)));
        var driver = GeneratorWorkload.CreateDriver(new GripHandlerGenerator()).RunGenerators(compilation);
        var result = driver.GetRunResult();
        Assert.Empty(result.Diagnostics);
        Assert.Equal(HandlerCount, result.Results.Single().GeneratedSources.Count(IsDispatch));
        return (compilation, driver);
    }

    [Fact]
    public void The_workload_compiles_with_the_generated_code()
    {
        var (compilation, _) = Warm();
        // With the SDK's JSON generator, as in a real build: no error and no warning anywhere.
        var driver = CSharpGeneratorDriver.Create([new GripHandlerGenerator().AsSourceGenerator(), SdkGenerators.Json], parseOptions: GeneratorWorkload.ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        var errors = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(errors.Length == 0, string.Join("\n", errors.Take(20)));
    }

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached()
    {
        Assert.NotEmpty(StepNames);
        var (compilation, driver) = Warm();
        var edited = GeneratorWorkload.EditUnrelated(compilation, GeneratorWorkload.Parse(GeneratorWorkload.Unrelated(1), GeneratorWorkload.UnrelatedPath));

        int before = ParseCount;
        var rerun = driver.RunGenerators(edited).GetRunResult().Results.Single();
        // Not one handler class was parsed (bound) again: every model came from the model cache.
        Assert.Equal(0, ParseCount - before);
        Assert.Equal(HandlerCount, rerun.GeneratedSources.Count(IsDispatch));
        foreach (string step in StepNames)
        {
            Assert.True(rerun.TrackedSteps.TryGetValue(step, out var runs), $"step {step} did not run");
            var reasons = runs.SelectMany(r => r.Outputs).Select(o => o.Reason).ToArray();
            Assert.NotEmpty(reasons);
            // Unchanged = the step ran again and produced an equal value; Cached = it did not run.
            output.WriteLine($"{step}: " + string.Join(", ", reasons.GroupBy(r => r).Select(g => $"{g.Count()} {g.Key}")));
            Assert.All(reasons, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {reason}"));
        }

        var outputs = rerun.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToArray();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void A_handler_edit_regenerates_only_that_handler()
    {
        // The contrast that proves the tracking above can fail: change one handler's message type.
        var (compilation, driver) = Warm();
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == "Handlers/Handler007.cs");
        var changed = GeneratorWorkload.Parse(tree.GetText().ToString().Replace("\"message7\"", "\"renamed7\"", StringComparison.Ordinal), tree.FilePath);
        int before = ParseCount;
        var rerun = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, changed)).GetRunResult().Results.Single();
        // An attribute argument is declaration syntax: every model is computed again (a declaration
        // in one file can change what another file's names mean), and only this one differs.
        Assert.Equal(HandlerCount, ParseCount - before);

        var outputs = rerun.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToArray();
        // The dispatch output first, then the contract output (docs/asyncapi.md), one step per handler
        // each, in registration order: the edited handler's contract changes with it.
        Assert.Equal(2 * HandlerCount, outputs.Length);
        var dispatch = outputs.Take(HandlerCount).ToArray();
        Assert.Single(dispatch, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(HandlerCount - 1, dispatch.Count(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Single(outputs.Skip(HandlerCount), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("renamed7", rerun.GeneratedSources.Single(s => IsDispatch(s) && s.HintName.Contains("Handler7.", StringComparison.Ordinal)).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unrelated_declaration_edit_recomputes_every_model_and_regenerates_nothing()
    {
        // A new member in a file with no handler may change what any handler's types mean, so every
        // model is computed again; they come out equal, so no file is emitted again.
        var (compilation, driver) = Warm();
        var edited = GeneratorWorkload.EditUnrelated(compilation, GeneratorWorkload.Parse(GeneratorWorkload.UnrelatedDeclaration(1), GeneratorWorkload.UnrelatedPath));

        int before = ParseCount;
        var rerun = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.Equal(HandlerCount, ParseCount - before);
        Assert.All(rerun.TrackedSteps["SemanticInputs"].SelectMany(r => r.Outputs), o => Assert.Equal(IncrementalStepRunReason.Modified, o.Reason));
        Assert.All(rerun.TrackedSteps["HandlerModels"].SelectMany(r => r.Outputs), o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        var outputs = rerun.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToArray();
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void A_handler_body_edit_parses_only_that_handler_and_regenerates_nothing()
    {
        var (compilation, driver) = Warm();
        var edited = GeneratorWorkload.Replace(compilation, GeneratorWorkload.Parse(GeneratorWorkload.HandlerWithBodyEdit(42, 1), GeneratorWorkload.HandlerPath(42)));

        int before = ParseCount;
        var rerun = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.Equal(1, ParseCount - before);
        var outputs = rerun.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToArray();
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }
}
