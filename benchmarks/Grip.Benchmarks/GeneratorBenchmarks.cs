using BenchmarkDotNet.Attributes;
using Grip.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Grip.Benchmarks;

/// <summary>
/// The GripHandlers generator on a 200-handler project (GeneratorWorkload): the first run (a cold
/// driver, as when a project is opened or built) and one keystroke in an unrelated file from the
/// steady state (what the IDE pays on every edit). Only the GripHandlers generator runs, so the time
/// is its own, plus the driver's bookkeeping.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private GeneratorDriver _warm = null!;
    private SyntaxTree[] _edits = null!;
    private int _next;
    private CSharpCompilation _editedAndBound = null!;

    [Params(200)]
    public int Handlers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _compilation = GeneratorWorkload.Create(Handlers, GeneratorWorkload.References(typeof(GripConnection), typeof(Microsoft.Extensions.DependencyInjection.IServiceScopeFactory)));
        // The steady state: the driver has already seen this compilation (the IDE after opening it).
        _warm = GeneratorWorkload.CreateDriver(new GripHandlerGenerator()).RunGenerators(_compilation);
        var result = _warm.GetRunResult();
        if (result.Results[0].GeneratedSources.Length != Handlers || result.Diagnostics.Length != 0)
        {
            throw new InvalidOperationException($"workload broken: {result.Results[0].GeneratedSources.Length} files, {result.Diagnostics.Length} diagnostics");
        }

        // Pre-parsed edits (parsing is the compiler's cost, not the generator's), alternated so each
        // invocation is a real change against the driver's last state.
        _edits = [.. Enumerable.Range(1, 2).Select(v => GeneratorWorkload.Parse(GeneratorWorkload.Unrelated(v), GeneratorWorkload.UnrelatedPath))];

        // An edited compilation whose symbols are already bound (the generator ran on it once with a
        // throwaway driver): separates the generator's own transform work from first-time binding,
        // which the IDE's compiler does for the new compilation anyway.
        _editedAndBound = GeneratorWorkload.EditUnrelated(_compilation, _edits[0]);
        GeneratorWorkload.CreateDriver(new GripHandlerGenerator()).RunGenerators(_editedAndBound);
    }

    /// <summary>A new driver over the whole project: every handler parsed and emitted.</summary>
    [Benchmark]
    public GeneratorDriver FirstRun() => GeneratorWorkload.CreateDriver(new GripHandlerGenerator()).RunGenerators(_compilation);

    /// <summary>A method body changes in a file with no handler; nothing may be regenerated.</summary>
    [Benchmark]
    public GeneratorDriver UnrelatedEdit()
    {
        var edited = GeneratorWorkload.EditUnrelated(_compilation, _edits[_next++ & 1]);
        return _warm.RunGenerators(edited);
    }

    /// <summary>UnrelatedEdit on a compilation that is already bound: the generator's own share.</summary>
    [Benchmark]
    public GeneratorDriver UnrelatedEdit_BoundCompilation() => _warm.RunGenerators(_editedAndBound);

    /// <summary>Baseline for UnrelatedEdit: the same new compilation with no generator work, so the
    /// difference is the generator's share.</summary>
    [Benchmark(Baseline = true)]
    public Compilation UnrelatedEdit_Baseline() => GeneratorWorkload.EditUnrelated(_compilation, _edits[_next++ & 1]);
}
