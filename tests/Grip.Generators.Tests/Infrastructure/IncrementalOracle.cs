using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Grip.Generators.Tests.Infrastructure;

/// <summary>
/// Runs long-lived generator drivers across versions of a project and, at every version, checks
/// their output against two brand-new drivers: one on the same compilation object, and one on a
/// re-parsed copy of it (same texts, paths, options and references, but new syntax trees).
/// </summary>
/// <remarks>
/// <para>
/// The model cache is static and keyed by syntax node, so a fresh driver on the same compilation
/// finds the very entries the long-lived driver left there: it returns the same stale model, and
/// only catches bugs in the driver's own step caching. The re-parsed copy shares no tree, node or
/// compilation with any earlier run, so nothing cached can answer for it: it is the ground truth.
/// </para>
/// <para>
/// One long-lived driver runs as the compiler does (no step tracking); with <c>trackSteps</c> a
/// second one records its steps (<see cref="LastRun"/>) for tests that assert what was cached.
/// Long random walks use only the first: Roslyn 4.14's driver with step tracking on can lose a
/// syntax-provider entry downstream of a Combine (a class's attributed methods moved to another
/// file, then the same compilation run again), for any generator, this one's cache or not.
/// </para>
/// </remarks>
internal sealed class IncrementalOracle
{
    private static readonly string AbstractionsPath = typeof(GripConnection).Assembly.Location;

    private GeneratorDriver _driver = NewDriver(trackSteps: false);
    private GeneratorDriver? _trackingDriver;

    public IncrementalOracle(params (string Path, string Text)[] files)
        : this(trackSteps: true, files)
    {
    }

    public IncrementalOracle(bool trackSteps, params (string Path, string Text)[] files)
    {
        _trackingDriver = trackSteps ? NewDriver(trackSteps: true) : null;
        Compilation = GeneratorHarness.CreateCompilation().AddSyntaxTrees(files.Select(f => Parse(f.Path, f.Text)));
        Check("v0");
    }

    public CSharpCompilation Compilation { get; private set; }

    /// <summary>The long-lived drivers' output at the current version (sources, then diagnostics).</summary>
    public string Output { get; private set; } = string.Empty;

    /// <summary>The long-lived driver's last run (with its tracked steps when they are tracked).</summary>
    public GeneratorRunResult LastRun { get; private set; }

    /// <summary>The hint names the long-lived driver generated at the current version.</summary>
    // The dispatch files; the contract files (*.Contract.g.cs) are still part of Output.
    public IReadOnlyList<string> HintNames => LastRun.GeneratedSources.Select(s => s.HintName).Where(h => !h.EndsWith(".Contract.g.cs", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    public static GeneratorDriver NewDriver(bool trackSteps) =>
        CSharpGeneratorDriver.Create(
            [new GripHandlerGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    public static SyntaxTree Parse(string path, string text) =>
        CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path: path, encoding: Encoding.UTF8);

    public string Text(string path) => Tree(path).GetText().ToString();

    /// <summary>Replaces a file's text (a new tree, as the IDE makes after an edit); returns whether the output changed.</summary>
    public bool Edit(string label, string path, Func<string, string> edit)
    {
        string before = Text(path);
        string after = edit(before);
        Assert.True(before != after, $"{label}: the edit changed nothing in {path}.");
        return Step(label, Compilation.ReplaceSyntaxTree(Tree(path), Parse(path, after)));
    }

    public bool Add(string label, string path, string text) => Step(label, Compilation.AddSyntaxTrees(Parse(path, text)));

    public bool Remove(string label, string path) => Step(label, Compilation.RemoveSyntaxTrees(Tree(path)));

    /// <summary>The same tree objects in another order.</summary>
    public bool Reorder(string label, params string[] paths) =>
        Step(label, Compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(paths.Select(Tree)));

    public bool WithNullable(string label, NullableContextOptions nullable) =>
        Step(label, Compilation.WithOptions(Compilation.Options.WithNullableContextOptions(nullable)));

    /// <summary>Removes or restores Grip.Abstractions; a restored reference is the same object as before.</summary>
    public bool WithAbstractions(string label, bool referenced) =>
        Step(label, Compilation.WithReferences(References(referenced)));

    public static IEnumerable<MetadataReference> References(bool withAbstractions) =>
        GeneratorHarness.References.Where(r => withAbstractions || r is not PortableExecutableReference { FilePath: { } path } || path != AbstractionsPath);

    /// <summary>Moves to <paramref name="next"/> and checks it; returns whether the output changed.</summary>
    public bool Step(string label, CSharpCompilation next)
    {
        string previous = Output;
        Compilation = next;
        Check(label);
        return previous != Output;
    }

    private SyntaxTree Tree(string path) => Compilation.SyntaxTrees.Single(t => t.FilePath == path);

    private void Check(string label)
    {
        _driver = _driver.RunGenerators(Compilation);
        LastRun = Single(_driver);
        Output = Render(LastRun);
        string? tracked = null;
        if (_trackingDriver is not null)
        {
            _trackingDriver = _trackingDriver.RunGenerators(Compilation);
            LastRun = Single(_trackingDriver);
            tracked = Render(LastRun);
        }

        string sameCompilation = Render(Single(NewDriver(trackSteps: false).RunGenerators(Compilation)));
        string truth = Render(Single(NewDriver(trackSteps: false).RunGenerators(Reparsed(Compilation))));
        AssertSameText(truth, Output, label + ": the long-lived driver differs from a fresh run on re-parsed trees");
        if (tracked is not null)
        {
            AssertSameText(truth, tracked, label + ": the long-lived driver with step tracking differs from a fresh run on re-parsed trees");
        }

        AssertSameText(truth, sameCompilation, label + ": a fresh driver on the same compilation differs from a fresh run on re-parsed trees");
    }

    private static CSharpCompilation Reparsed(CSharpCompilation compilation) =>
        compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees.Select(t =>
            CSharpSyntaxTree.ParseText(t.GetText(), (CSharpParseOptions)t.Options, t.FilePath)));

    private static GeneratorRunResult Single(GeneratorDriver driver) =>
        driver.GetRunResult().Results.Single(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator));

    /// <summary>Every generated file (hint name and full text, by hint name), then every diagnostic and any exception.</summary>
    private static string Render(GeneratorRunResult run)
    {
        var builder = new StringBuilder();
        foreach (var source in run.GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal))
        {
            builder.Append("=== ").AppendLine(source.HintName).AppendLine(source.SourceText.ToString());
        }

        foreach (var diagnostic in run.Diagnostics.Select(d => d.ToString()).Order(StringComparer.Ordinal))
        {
            builder.Append("!!! ").AppendLine(diagnostic);
        }

        if (run.Exception is { } exception)
        {
            builder.Append("*** ").AppendLine(exception.ToString());
        }

        return builder.ToString();
    }

    private static void AssertSameText(string expected, string actual, string message)
    {
        if (expected == actual)
        {
            return;
        }

        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        int line = 0;
        while (line < e.Length && line < a.Length && e[line] == a[line])
        {
            line++;
        }

        Assert.Fail($"{message}; first difference at line {line + 1}:\n  expected: {(line < e.Length ? e[line] : "<end>")}\n  actual:   {(line < a.Length ? a[line] : "<end>")}\n--- expected ---\n{expected}\n--- actual ---\n{actual}");
    }
}
