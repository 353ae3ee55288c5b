using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Grip.Docs.Tests;

/// <summary>How a ```csharp block is compiled (see <see cref="DocSnippets"/>).</summary>
public enum SnippetKind
{
    /// <summary>A whole .cs file, <c>using</c> lines included (the default).</summary>
    File,

    /// <summary>Statements: the body of a method whose parameters the marker declares.</summary>
    Statements,

    /// <summary>Members (methods, fields) of a class whose primary constructor parameters the marker may declare.</summary>
    Members,

    /// <summary>Not compiled: it shows an API that is not built yet; the marker says why.</summary>
    Pending,
}

/// <summary>One ```csharp block of a markdown document.</summary>
/// <param name="Document">The document's path relative to the repository root.</param>
/// <param name="Line">1-based line of the block's first code line.</param>
/// <param name="Kind">How it is compiled.</param>
/// <param name="Parameters">For statements and members: the parameter list from the marker.</param>
/// <param name="With">Project folders (repository-relative) whose .cs files join the compilation.</param>
/// <param name="Code">The block's text.</param>
/// <param name="Reason">For pending blocks: why.</param>
public sealed record DocSnippet(string Document, int Line, SnippetKind Kind, string Parameters, IReadOnlyList<string> With, string Code, string? Reason);

/// <summary>
/// Extracts and compiles the C# blocks of the documentation.
/// <para>
/// <b>The convention.</b> A ```csharp block is a whole .cs file of a project made with
/// <c>dotnet new web</c> plus the GripHandlers packages: its <c>using</c> lines are the ones it shows,
/// plus the Web SDK's implicit usings (<see cref="ImplicitUsings"/>), and nullable is on. A block that
/// is a fragment says so in an HTML comment on the last non-blank line before its fence (invisible in
/// rendered markdown):
/// </para>
/// <list type="bullet">
/// <item><c>&lt;!-- snippet: statements(IGripPublisher publisher, byte[] bytes) --&gt;</c>: statements,
/// compiled as the body of a method with those parameters (async when the block awaits).</item>
/// <item><c>&lt;!-- snippet: members(IGripPublisher publisher) --&gt;</c>: members of a class (a
/// handler, if it has handler methods) with that primary constructor; parentheses optional.</item>
/// <item><c>&lt;!-- snippet: file --&gt;</c>: the default, written out.</item>
/// <item><c>&lt;!-- snippet: pending: REASON --&gt;</c>: not compiled, because it shows an API that
/// does not exist yet.</item>
/// </list>
/// <para>
/// A fragment's leading <c>using</c> lines stay in the block, where a reader sees them, and are moved to
/// the top of the wrapping file. Any kind may end with <c>with samples/Chat</c> (repeatable): that
/// project's .cs files join the compilation, for a block that uses a sample's types. All blocks of
/// one document form one compilation, so a later block may use an earlier block's types. The
/// generator and analyzers of Grip.Generators and the SDK's System.Text.Json generator run on it, and
/// any warning or error fails.
/// </para>
/// </summary>
public static partial class DocSnippets
{
    /// <summary>The implicit usings of a <c>Microsoft.NET.Sdk.Web</c> project (Sdk.Server.props and Microsoft.NET.Sdk.CSharp.props of the .NET 10 SDK).</summary>
    public static readonly ImmutableArray<string> ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Net.Http.Json", "System.Threading", "System.Threading.Tasks",
        "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing",
        "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.None);

    /// <summary>The ```csharp blocks of <paramref name="markdown"/>; a malformed marker throws <see cref="FormatException"/>.</summary>
    public static IReadOnlyList<DocSnippet> Parse(string document, string markdown)
    {
        string[] lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var snippets = new List<DocSnippet>();
        for (int i = 0; i < lines.Length; i++)
        {
            // A fence may be indented (a block inside a list item); its code lines lose that indentation.
            string fence = lines[i].Trim();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            int indent = lines[i].Length - lines[i].TrimStart().Length;
            int end = i + 1;
            while (end < lines.Length && !lines[end].Trim().StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            if (end == lines.Length)
            {
                throw new FormatException($"{document}:{i + 1}: a code block is not closed");
            }

            if (fence is "```csharp" or "```cs" or "```c#")
            {
                int previous = i - 1;
                while (previous >= 0 && lines[previous].Trim().Length == 0)
                {
                    previous--;
                }

                string? marker = previous >= 0 && lines[previous].TrimStart().StartsWith("<!-- snippet", StringComparison.Ordinal) ? lines[previous].Trim() : null;
                string code = string.Join('\n', lines[(i + 1)..end].Select(l => l[Math.Min(indent, l.Length - l.TrimStart().Length)..]));
                snippets.Add(WithMarker(document, i + 2, marker, code));
            }

            i = end;
        }

        return snippets;
    }

    private static DocSnippet WithMarker(string document, int line, string? marker, string code)
    {
        if (marker is null)
        {
            return new DocSnippet(document, line, SnippetKind.File, "", [], code, null);
        }

        var match = Marker().Match(marker);
        if (!match.Success)
        {
            throw new FormatException($"{document}:{line - 2}: '{marker}' is not a snippet marker; write <!-- snippet: file|statements(...)|members(...)|pending: reason [with path] -->");
        }

        string kindText = match.Groups["kind"].Value;
        var kind = kindText switch
        {
            "file" => SnippetKind.File,
            "statements" => SnippetKind.Statements,
            "members" => SnippetKind.Members,
            _ => SnippetKind.Pending,
        };
        string rest = match.Groups["rest"].Value.Trim();
        if (kind == SnippetKind.Pending)
        {
            string reason = rest.StartsWith(':') ? rest[1..].Trim() : "";
            return reason.Length == 0
                ? throw new FormatException($"{document}:{line - 2}: a pending snippet says why: <!-- snippet: pending: REASON -->")
                : new DocSnippet(document, line, kind, "", [], code, reason);
        }

        if (kind == SnippetKind.Statements && !match.Groups["params"].Success)
        {
            throw new FormatException($"{document}:{line - 2}: statements need a parameter list, even an empty one: statements()");
        }

        if (kind == SnippetKind.File && match.Groups["params"].Success)
        {
            throw new FormatException($"{document}:{line - 2}: a file snippet takes no parameters");
        }

        var with = new List<string>();
        foreach (string part in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).Chunk(2).Select(p => string.Join(' ', p)))
        {
            var project = With().Match(part);
            if (!project.Success)
            {
                throw new FormatException($"{document}:{line - 2}: '{part}' in the marker: only 'with <project folder>' may follow the kind");
            }

            with.Add(project.Groups[1].Value);
        }

        return new DocSnippet(document, line, kind, match.Groups["params"].Value.Trim(), with, code, null);
    }

    /// <summary>The C# file a snippet becomes, with #line directives pointing back into the document.</summary>
    public static string Wrap(DocSnippet snippet)
    {
        string[] lines = snippet.Code.Split('\n');
        var text = new StringBuilder();
        if (snippet.Kind == SnippetKind.File)
        {
            text.Append(CultureInvariant($"#line {snippet.Line} \"{snippet.Document}\"\n"));
            text.Append(snippet.Code).Append('\n');
            return text.ToString();
        }

        // Leading using directives (and blank lines between them) move to the top of the file.
        int body = 0;
        while (body < lines.Length && (UsingDirective().IsMatch(lines[body]) || lines[body].Trim().Length == 0))
        {
            body++;
        }

        text.Append(CultureInvariant($"#line {snippet.Line} \"{snippet.Document}\"\n"));
        foreach (string usingLine in lines[..body])
        {
            text.Append(usingLine).Append('\n');
        }

        text.Append("#line hidden\n");
        string name = CultureInvariant($"__DocSnippet_L{snippet.Line}");
        if (snippet.Kind == SnippetKind.Statements)
        {
            bool awaits = Awaits(string.Join('\n', lines[body..]));
            text.Append(CultureInvariant($"internal static class {name}\n{{\n    internal static {(awaits ? "async Task" : "void")} Run({snippet.Parameters})\n    {{\n"));
        }
        else
        {
            string parameters = snippet.Parameters.Length == 0 ? "" : "(" + snippet.Parameters + ")";
            text.Append(CultureInvariant($"public sealed partial class {name}{parameters}\n{{\n"));
        }

        text.Append(CultureInvariant($"#line {snippet.Line + body} \"{snippet.Document}\"\n"));
        foreach (string codeLine in lines[body..])
        {
            text.Append(codeLine).Append('\n');
        }

        text.Append("#line hidden\n");
        text.Append(snippet.Kind == SnippetKind.Statements ? "    }\n}\n" : "}\n");
        return text.ToString();
    }

    /// <summary>
    /// Whether statements await at their own level (not only inside a lambda or local function), so
    /// the wrapping method must be async (and must not be, or CS1998 would fail the block).
    /// </summary>
    private static bool Awaits(string statements)
    {
        var root = CSharpSyntaxTree.ParseText("class C { async System.Threading.Tasks.Task M() {\n" + statements + "\n} }", ParseOptions).GetRoot();
        var method = root.DescendantNodes().OfType<MethodDeclarationSyntax>().First();
        bool Own(SyntaxNode node) => !node.Ancestors().TakeWhile(a => a != method).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);
        return method.DescendantNodes().OfType<AwaitExpressionSyntax>().Any(Own)
            || method.DescendantNodes().OfType<CommonForEachStatementSyntax>().Any(f => f.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword) && Own(f))
            || method.DescendantNodes().OfType<UsingStatementSyntax>().Any(u => u.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword) && Own(u))
            || method.DescendantNodes().OfType<LocalDeclarationStatementSyntax>().Any(d => d.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword) && Own(d));
    }

    /// <summary>
    /// Compiles the snippets of one document (pending ones excepted) with the generators and analyzers
    /// attached, and returns every warning and error.
    /// </summary>
    public static async Task<IReadOnlyList<Diagnostic>> CompileAsync(IReadOnlyList<DocSnippet> snippets, string repositoryRoot)
    {
        var trees = new List<SyntaxTree>
        {
            CSharpSyntaxTree.ParseText(string.Concat(ImplicitUsings.Select(u => $"global using global::{u};\n")), ParseOptions, "ImplicitUsings.g.cs", Encoding.UTF8),
        };
        foreach (var snippet in snippets.Where(s => s.Kind != SnippetKind.Pending))
        {
            trees.Add(CSharpSyntaxTree.ParseText(Wrap(snippet), ParseOptions, CultureInvariant($"{snippet.Document}.L{snippet.Line}.cs"), Encoding.UTF8));
        }

        foreach (string project in snippets.SelectMany(s => s.With).Distinct(StringComparer.Ordinal))
        {
            string folder = Path.Combine(repositoryRoot, project);
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"a snippet is compiled 'with {project}', which does not exist");
            }

            foreach (string file in Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories).Where(f => !IsBuildOutput(folder, f)).Order(StringComparer.Ordinal))
            {
                trees.Add(CSharpSyntaxTree.ParseText(File.ReadAllText(file), ParseOptions, Path.GetRelativePath(repositoryRoot, file), Encoding.UTF8));
            }
        }

        bool topLevel = trees.Any(t => t.GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any());
        var compilation = CSharpCompilation.Create(
            "DocSnippets",
            trees,
            References.Value,
            new CSharpCompilationOptions(
                topLevel ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                // What the SDK passes for every C# project (NoWarn 1701;1702: assembly-version unification
                // notes about libraries built against older reference assemblies, such as xunit's).
                specificDiagnosticOptions: [new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(Generators.Value, parseOptions: ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var generated, out var generatorDiagnostics);
        var all = await generated.WithAnalyzers(Analyzers.Value).GetAllDiagnosticsAsync();
        return [.. generatorDiagnostics.Concat(all).Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.IsSuppressed).Distinct()];
    }

    private static bool IsBuildOutput(string folder, string file) =>
        Path.GetRelativePath(folder, file).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj");

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>The SDK's reference packs (what a project compiles against), plus the libraries beside the tests: Grip.*, xunit, OpenTelemetry and their dependencies.</summary>
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var packs = new List<string>
        {
            Path.Combine(RefPack("Microsoft.NETCore.App.Ref"), "ref", "net10.0"),
            Path.Combine(RefPack("Microsoft.AspNetCore.App.Ref"), "ref", "net10.0"),
        };
        var framework = packs.SelectMany(p => Directory.GetFiles(p, "*.dll")).ToList();
        var names = framework.Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase);
        string[] tooling = ["Microsoft.CodeAnalysis", "Microsoft.TestPlatform", "Microsoft.VisualStudio", "testhost", "xunit.runner", "xunit.execution", "Grip.Docs.Tests", "Grip.Generators", "Grip.CodeFixes"];
        var libraries = Directory.GetFiles(AppContext.BaseDirectory, "*.dll")
            .Where(f => !names.Contains(Path.GetFileNameWithoutExtension(f)))
            .Where(f => !tooling.Any(t => Path.GetFileName(f).StartsWith(t, StringComparison.OrdinalIgnoreCase)));
        return [.. framework.Concat(libraries).Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))];
    });

    /// <summary>Grip's generator, and the SDK's System.Text.Json generator (JSON contexts in the snippets).</summary>
    private static readonly Lazy<ImmutableArray<ISourceGenerator>> Generators = new(() =>
    {
        var grip = GripComponents<IIncrementalGenerator>().Select(GeneratorExtensions.AsSourceGenerator);
        string json = Path.Combine(RefPack("Microsoft.NETCore.App.Ref"), "analyzers", "dotnet", "cs", "System.Text.Json.SourceGeneration.dll");
        var sdk = new AnalyzerFileReference(json, new AssemblyLoader()).GetGeneratorsForAllLanguages();
        return [.. grip.Concat(sdk)];
    });

    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> Analyzers = new(() => [.. GripComponents<DiagnosticAnalyzer>()]);

    /// <summary>Instances of every concrete <typeparamref name="T"/> in Grip.Generators.dll (the analyzers are public, the generator internal).</summary>
    private static IEnumerable<T> GripComponents<T>() =>
        typeof(Grip.Generators.Analyzers.HandlerAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(T).IsAssignableFrom(t) && t.GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes) is not null)
            .Select(t => (T)Activator.CreateInstance(t, nonPublic: true)!);

    /// <summary>
    /// The newest installed version of a targeting pack of the running runtime's major version:
    /// <c>&lt;dotnet&gt;/shared/Microsoft.NETCore.App/&lt;v&gt;/</c> → <c>&lt;dotnet&gt;/packs/&lt;pack&gt;/&lt;v&gt;/</c>.
    /// </summary>
    private static string RefPack(string pack)
    {
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string root = Path.Combine(Path.GetFullPath(Path.Combine(runtime, "..", "..", "..")), "packs", pack);
        string major = Environment.Version.Major.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".";
        return Directory.GetDirectories(root)
            .Where(d => Path.GetFileName(d).StartsWith(major, StringComparison.Ordinal))
            .OrderBy(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version())
            .LastOrDefault() ?? throw new DirectoryNotFoundException($"no {pack} {major}x under {root}");
    }

    private sealed class AssemblyLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }

    [GeneratedRegex(@"^<!--\s*snippet:\s*(?<kind>file|statements|members|pending)(?:\((?<params>[^)]*)\))?(?<rest>.*?)\s*-->$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^with ([A-Za-z0-9_./-]+)$")]
    private static partial Regex With();

    [GeneratedRegex(@"^\s*using\s+(static\s+)?[A-Za-z_][\w.]*(\s*=\s*[\w.<>, ]+)?\s*;\s*(//.*)?$")]
    private static partial Regex UsingDirective();
}
