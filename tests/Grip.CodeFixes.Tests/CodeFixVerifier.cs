using System.Collections.Immutable;
using System.Reflection;
using Grip.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Grip.CodeFixes.Tests;

/// <summary>
/// Runs a code fix against the real GRIP analyzer with the GripHandlers generator and the SDK's
/// System.Text.Json generator attached, offline (net10.0 references from Basic.Reference.Assemblies).
/// The fixed code must compile with the generators and report no remaining diagnostic unless the test
/// lists it.
/// </summary>
internal static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static DiagnosticResult Diagnostic(string id) =>
        new(new TAnalyzer().SupportedDiagnostics.Single(d => d.Id == id));

    /// <summary>One diagnostic (or several) fixed one at a time and, with Fix All, together.</summary>
    public static Task VerifyAsync(string source, string fixedSource, DiagnosticResult[] expected, string? equivalenceKey = null, int? iterations = null)
    {
        var test = new Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey };
        test.ExpectedDiagnostics.AddRange(expected);
        if (iterations is { } n)
        {
            test.NumberOfIncrementalIterations = n;
            test.NumberOfFixAllIterations = 1;
        }

        return test.RunAsync();
    }

    /// <summary>The diagnostics are reported, but no code action is offered.</summary>
    public static Task VerifyNoFixAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new Test { TestCode = source, FixedCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public static Test Create() => new();

    internal sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0");
            TestState.AdditionalReferences.AddRange(References);
            FixedState.AdditionalReferences.AddRange(References);
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        }

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(GripHandlerGenerator), SdkGenerators.Json.GetGeneratorType()];

        protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.Preview);

        protected override CompilationOptions CreateCompilationOptions() =>
            ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
    }

    public static ImmutableArray<MetadataReference> AllReferences => References;

    private static ImmutableArray<MetadataReference> References { get; } =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(GripConnection).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions).Assembly.Location),
    ];
}

/// <summary>Generators that ship with the SDK, loaded from the installed targeting pack.</summary>
internal static class SdkGenerators
{
    /// <summary>
    /// The SDK's System.Text.Json generator, so a context gains its metadata exactly as in a real build
    /// (and a [JsonSerializable] the fix added is checked by the generator that reads it).
    /// </summary>
    public static ISourceGenerator Json { get; } = LoadJsonGenerator();

    private static ISourceGenerator LoadJsonGenerator()
    {
        // .../shared/Microsoft.NETCore.App/<v>/ -> .../packs/Microsoft.NETCore.App.Ref/<v>/analyzers/dotnet/cs
        string runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        string version = Path.GetFileName(runtimeDirectory);
        string pack = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        string directory = Directory.Exists(Path.Combine(pack, version)) ? Path.Combine(pack, version) : Directory.GetDirectories(pack).Order(StringComparer.Ordinal).Last();
        string path = Path.Combine(directory, "analyzers", "dotnet", "cs", "System.Text.Json.SourceGeneration.dll");
        var reference = new AnalyzerFileReference(path, new AssemblyLoader());
        return reference.GetGeneratorsForAllLanguages().Single();
    }

    private sealed class AssemblyLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFrom(string fullPath) => Assembly.LoadFrom(fullPath);

        Assembly IAnalyzerAssemblyLoader.LoadFromPath(string fullPath) => LoadFrom(fullPath);
    }
}
