using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Grip.Generators.Tests.Infrastructure;

/// <summary>
/// Runs the generator the way the compiler does, and checks what every generator test must hold:
/// the output compiles with no warnings, the pipeline caches on an unrelated edit, and no step
/// output holds compiler objects.
/// </summary>
internal static class GeneratorHarness
{
    internal const string RegenerateVariable = "GRIP_REGENERATE_SNAPSHOTS";

    // The strictest settings generated code must pass: preview language, strict mode, warning level 9999.
    public static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(LanguageVersion.Preview).WithFeatures([new("strict", "true")]);

    public static ImmutableArray<MetadataReference> References { get; } =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(GripConnection).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location),
    ];

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "GripTestAssembly",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs", encoding: System.Text.Encoding.UTF8)),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["CS1591"] = ReportDiagnostic.Suppress }));

    /// <summary>
    /// The SDK's own System.Text.Json generator, so typed-message scenarios compile exactly as in a
    /// real build (the JSON context gets its Default property and metadata).
    /// </summary>
    public static ISourceGenerator JsonGenerator { get; } = LoadJsonGenerator();

    private static ISourceGenerator LoadJsonGenerator()
    {
        // .../shared/Microsoft.NETCore.App/<v>/System.Private.CoreLib.dll -> .../packs/Microsoft.NETCore.App.Ref/<v>/analyzers/dotnet/cs
        string runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        string version = Path.GetFileName(runtimeDirectory);
        string pack = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        string directory = Directory.Exists(Path.Combine(pack, version)) ? Path.Combine(pack, version) : Directory.GetDirectories(pack).Order(StringComparer.Ordinal).Last();
        string path = Path.Combine(directory, "analyzers", "dotnet", "cs", "System.Text.Json.SourceGeneration.dll");
        var reference = new Microsoft.CodeAnalysis.Diagnostics.AnalyzerFileReference(path, new AssemblyLoader());
        return reference.GetGeneratorsForAllLanguages().Single();
    }

    private sealed class AssemblyLoader : Microsoft.CodeAnalysis.IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new GripHandlerGenerator().AsSourceGenerator(), JsonGenerator],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the result and the compilation with the generated code.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output, GeneratorDriver Driver) Run(CSharpCompilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver.GetRunResult(), output, driver);
    }

    /// <summary>
    /// Generates, asserts the hint names, compares every file with its golden copy under
    /// Snapshots/&lt;scenario&gt;/, requires a warning-free compilation, and proves incrementality.
    /// </summary>
    public static Compilation VerifyScenario(string scenario, string[] expectedHintNames, string source, bool allowErrors = false, [CallerFilePath] string callerPath = "")
    {
        var compilation = CreateCompilation(source);
        var (result, output, driver) = Run(compilation);

        Assert.Empty(result.Diagnostics);
        // The contract files (*.Contract.g.cs) have their own golden files: ContractSnapshotTests.
        var generated = result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator)).GeneratedSources
            .Where(s => !s.HintName.EndsWith(".Contract.g.cs", StringComparison.Ordinal)).OrderBy(s => s.HintName, StringComparer.Ordinal).ToArray();
        Assert.Equal(expectedHintNames.Order(StringComparer.Ordinal), generated.Select(g => g.HintName));

        string snapshotDirectory = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots", scenario);
        bool regenerate = Environment.GetEnvironmentVariable(RegenerateVariable) == "1";
        foreach (var file in generated)
        {
            string actual = Scrub(file.SourceText.ToString());
            string path = Path.Combine(snapshotDirectory, file.HintName + ".txt");
            if (regenerate)
            {
                Directory.CreateDirectory(snapshotDirectory);
                File.WriteAllText(path, actual);
                continue;
            }

            Assert.True(File.Exists(path), $"No golden file {path}; run with {RegenerateVariable}=1 once and review the diff.");
            CompareLines(File.ReadAllText(path), actual, path);
        }

        Assert.False(regenerate, $"{RegenerateVariable}=1 rewrote the golden files of '{scenario}': review the diff and run again without it.");

        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && (!allowErrors || d.Severity == DiagnosticSeverity.Warning)).ToArray();
        Assert.True(problems.Length == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", problems.Select(p => p.ToString())));

        AssertEveryPrivateMemberIsUsed(output, generated.Select(g => g.SyntaxTree));
        AssertIncremental(compilation, driver);
        AssertNoCompilerObjects(result);
        return output;
    }

    /// <summary>
    /// Generated code declares no private field or method that nothing refers to (the compiler
    /// does not warn about those in generated code, so a dead helper would go unnoticed).
    /// </summary>
    public static void AssertEveryPrivateMemberIsUsed(Compilation output, IEnumerable<SyntaxTree> generated)
    {
        foreach (var tree in generated)
        {
            var model = output.GetSemanticModel(tree);
            var root = tree.GetRoot();
            var used = root.DescendantNodes()
                .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.SimpleNameSyntax>()
                .Select(name => model.GetSymbolInfo(name).Symbol?.OriginalDefinition)
                .OfType<ISymbol>()
                .ToHashSet(SymbolEqualityComparer.Default);
            var declared = root.DescendantNodes()
                .Where(node => node is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax)
                .Select(node => model.GetDeclaredSymbol(node))
                .Where(symbol => symbol is IFieldSymbol { DeclaredAccessibility: Accessibility.Private }
                    or IMethodSymbol { DeclaredAccessibility: Accessibility.Private, ExplicitInterfaceImplementations.Length: 0 });
            foreach (var symbol in declared)
            {
                Assert.True(used.Contains(symbol!), $"{tree.FilePath}: '{symbol}' is declared but never used.");
            }
        }
    }

    /// <summary>
    /// Adds an unrelated file, then edits a method body in it, re-running after each: the first adds
    /// declarations, so only <see cref="TrackingNames.SemanticInputs"/> may change (the models are
    /// recomputed and come out equal); after the body edit every named step must be Cached or
    /// Unchanged. Outputs never re-run.
    /// </summary>
    public static void AssertIncremental(CSharpCompilation compilation, GeneratorDriver driver)
    {
        const string Added = "namespace Unrelated { internal static class Added { public const int X = 1; public static int Twice(int v) { return v * 2; } } }";
        var tree = CSharpSyntaxTree.ParseText(Added, ParseOptions, path: "Added.cs");
        var added = compilation.AddSyntaxTrees(tree);
        driver = driver.RunGenerators(added);
        var rerun = driver.GetRunResult().Results.Single(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator));
        AssertStepsCached(rerun, TrackingNames.SemanticInputs);
        AssertOutputsCached(rerun);

        var bodyEdited = added.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(Added.Replace("v * 2", "v + v", StringComparison.Ordinal), ParseOptions, path: "Added.cs"));
        rerun = driver.RunGenerators(bodyEdited).GetRunResult().Results.Single(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator));
        AssertStepsCached(rerun);
        AssertOutputsCached(rerun);
    }

    private static void AssertOutputsCached(GeneratorRunResult rerun)
    {
        foreach (var output in rerun.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
        {
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"An output step re-ran: {output.Reason}");
        }
    }

    /// <summary>Every step named in <see cref="TrackingNames"/> that ran (but <paramref name="mayChange"/>) must be Cached/Unchanged.</summary>
    public static void AssertStepsCached(GeneratorRunResult rerun, params string[] mayChange)
    {
        foreach (string name in TrackingStepNames())
        {
            if (mayChange.Contains(name) || !rerun.TrackedSteps.TryGetValue(name, out var steps))
            {
                continue;
            }

            foreach (var step in steps)
            {
                foreach (var (_, reason) in step.Outputs)
                {
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Step '{name}' was {reason} after an unrelated edit.");
                }
            }
        }
    }

    public static IReadOnlyList<string> TrackingStepNames() =>
        typeof(TrackingNames).GetFields(BindingFlags.Public | BindingFlags.Static | BindingFlags.NonPublic)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();

    /// <summary>
    /// Walks every tracked step output and fails on an ISymbol, Compilation or SyntaxNode inside.
    /// The one exception is <see cref="TrackingNames.CandidateClasses"/>: the syntax step hands on
    /// the class declaration node itself (the same object while its file is unchanged), as
    /// ForAttributeWithMetadataName does internally; every model after it is values.
    /// </summary>
    public static void AssertNoCompilerObjects(GeneratorDriverRunResult result)
    {
        foreach (var run in result.Results.Where(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator)))
        {
            foreach (var (name, steps) in run.TrackedSteps)
            {
                if (!TrackingStepNames().Contains(name) || name == TrackingNames.CandidateClasses)
                {
                    continue;
                }

                foreach (var step in steps)
                {
                    foreach (var (value, _) in step.Outputs)
                    {
                        Walk(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
                    }
                }
            }
        }
    }

    private static void Walk(object? node, string step, HashSet<object> visited)
    {
        if (node is null || node is string || node.GetType().IsPrimitive || node.GetType().IsEnum)
        {
            return;
        }

        Assert.False(node is ISymbol or Compilation or SyntaxNode or SemanticModel or Location, $"Step '{step}' holds a {node.GetType().Name}: models must be values.");
        if (node is CompilationOptions or MetadataReference)
        {
            // SemanticInputs compares the options and the references: inputs shared by every
            // compilation of the project (they outlive any one compilation), not its symbols.
            return;
        }

        if (!node.GetType().IsValueType && !visited.Add(node))
        {
            return;
        }

        if (node is IEnumerable sequence)
        {
            foreach (object? item in sequence)
            {
                Walk(item, step, visited);
            }

            return;
        }

        foreach (var field in node.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Walk(field.GetValue(node), step, visited);
        }
    }

    public static string Scrub(string text) => text.Replace(ThisAssemblyVersion, "{version}", StringComparison.Ordinal);

    private static string ThisAssemblyVersion => (string)typeof(GripHandlerGenerator).Assembly.GetType("Grip.Generators.ThisAssembly")!.GetField("Version")!.GetRawConstantValue()!;

    internal static void CompareLines(string expected, string actual, string path)
    {
        string[] e = expected.Replace("\r\n", "\n").Split('\n');
        string[] a = actual.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string? el = i < e.Length ? e[i] : null;
            string? al = i < a.Length ? a[i] : null;
            Assert.True(el == al, $"{path}, line {i + 1}:\n  expected: {el ?? "<end of file>"}\n  actual:   {al ?? "<end of file>"}\nSet {RegenerateVariable}=1 to rewrite deliberately.");
        }
    }
}
