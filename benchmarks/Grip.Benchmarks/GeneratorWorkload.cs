using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Grip.Benchmarks;

/// <summary>
/// A generated "big project" for the generator benchmark and its incrementality test: N handler
/// classes, one file each, every one with [OnOpen], a typed [OnMessage] (its own message and reply
/// records), a text [OnMessage] and [OnClose]; one JSON context listing every type; and unrelated
/// files (a service and a few plain classes) that the edits touch.
/// </summary>
public static class GeneratorWorkload
{
    public const string UnrelatedPath = "Services/Clock.cs";

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    public static CSharpCompilation Create(int handlers, IEnumerable<MetadataReference> references)
    {
        var trees = new List<SyntaxTree>();
        for (int i = 0; i < handlers; i++)
        {
            trees.Add(Parse(Handler(i), HandlerPath(i)));
        }

        var context = new StringBuilder();
        context.AppendLine("using System.Text.Json.Serialization;");
        context.AppendLine("namespace App.Json;");
        for (int i = 0; i < handlers; i++)
        {
            context.AppendLine(CultureInfo.InvariantCulture, $"[JsonSerializable(typeof(App.Messages.Message{i}))]");
            context.AppendLine(CultureInfo.InvariantCulture, $"[JsonSerializable(typeof(App.Messages.Reply{i}))]");
        }

        context.AppendLine("internal partial class AppJson : JsonSerializerContext;");
        trees.Add(Parse(context.ToString(), "Json/AppJson.cs"));

        var messages = new StringBuilder("namespace App.Messages;\n");
        for (int i = 0; i < handlers; i++)
        {
            messages.AppendLine(CultureInfo.InvariantCulture, $"public sealed record Message{i}(int Value, string Text);");
            messages.AppendLine(CultureInfo.InvariantCulture, $"public sealed record Reply{i}(int Value);");
        }

        trees.Add(Parse(messages.ToString(), "Messages/Messages.cs"));
        trees.Add(Parse(Unrelated(0), UnrelatedPath));
        for (int i = 0; i < 20; i++)
        {
            trees.Add(Parse($$"""
                namespace App.Model;
                public sealed class Entity{{i}}
                {
                    public int Id { get; set; }
                    public string Name { get; set; } = "";
                    public override string ToString() => Name + Id;
                }
                """, $"Model/Entity{i}.cs"));
        }

        return CSharpCompilation.Create(
            "BigApp",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>The unrelated file after edit number <paramref name="version"/> (a method body changes).</summary>
    public static string Unrelated(int version) => $$"""
        namespace App.Services;
        public sealed class Clock
        {
            public System.DateTimeOffset Now() => System.DateTimeOffset.UnixEpoch.AddSeconds({{version}});
        }
        """;

    /// <summary>
    /// The unrelated file after a declaration edit number <paramref name="version"/>: a new member,
    /// so the file's declaration signature changes and every handler model must be recomputed.
    /// </summary>
    public static string UnrelatedDeclaration(int version) => $$"""
        namespace App.Services;
        public sealed class Clock
        {
            public System.DateTimeOffset Now() => System.DateTimeOffset.UnixEpoch;
            public int Added{{version}}() => {{version}};
        }
        """;

    /// <summary>The path of handler number <paramref name="i"/>'s file.</summary>
    public static string HandlerPath(int i) => $"Handlers/Handler{i:D3}.cs";

    /// <summary>Handler number <paramref name="i"/> after a body edit (its [OnMessage] text handler returns something else).</summary>
    public static string HandlerWithBodyEdit(int i, int version) =>
        Handler(i).Replace("public string OnText(string text) => text;", "public string OnText(string text) => text + \"" + version.ToString(CultureInfo.InvariantCulture) + "\";", StringComparison.Ordinal);

    /// <summary>The compilation with one file replaced.</summary>
    public static CSharpCompilation Replace(CSharpCompilation compilation, SyntaxTree editedTree)
    {
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == editedTree.FilePath);
        return compilation.ReplaceSyntaxTree(old, editedTree);
    }

    /// <summary>The same project with every file parsed again: new syntax trees, as after reopening it.</summary>
    public static CSharpCompilation Reparsed(CSharpCompilation compilation) =>
        compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees.Select(t => Parse(t.GetText().ToString(), t.FilePath)));

    /// <summary>The compilation with the unrelated file replaced, as the IDE produces on a keystroke.</summary>
    public static CSharpCompilation EditUnrelated(CSharpCompilation compilation, SyntaxTree editedTree)
    {
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == UnrelatedPath);
        return compilation.ReplaceSyntaxTree(old, editedTree);
    }

    public static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, ParseOptions, path, Encoding.UTF8);

    private static string Handler(int i) => $$"""
        using System.Threading;
        using System.Threading.Tasks;
        using Grip;
        using App.Json;
        using App.Messages;

        namespace App.Handlers;

        [GripJsonContext(typeof(AppJson))]
        public sealed partial class Handler{{i}}
        {
            [OnOpen]
            public void Open(GripConnection connection) => connection.Subscribe("room-{{i}}");

            [OnMessage("message{{i}}")]
            public Task<Reply{{i}}> OnTyped(Message{{i}} message, CancellationToken cancellationToken) =>
                Task.FromResult(new Reply{{i}}(message.Value + {{i}}));

            [OnMessage]
            public string OnText(string text) => text;

            [OnClose]
            public void Close(GripConnection connection, CloseStatus status) { }
        }
        """;

    /// <summary>Runs only <paramref name="generator"/>, with step tracking (as the IDE does) unless told otherwise.</summary>
    public static GeneratorDriver CreateDriver(IIncrementalGenerator generator, bool trackSteps = true) =>
        CSharpGeneratorDriver.Create(
            [generator.AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    public static ImmutableArray<MetadataReference> References(params Type[] anchors)
    {
        // The running framework's own assemblies, plus the assemblies the anchors live in.
        string directory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = Directory.GetFiles(directory, "*.dll")
            .Where(f => Path.GetFileName(f).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(f) is "mscorlib.dll" or "netstandard.dll")
            .Where(IsManaged)
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))
            .ToList();
        references.AddRange(anchors.Select(a => MetadataReference.CreateFromFile(a.Assembly.Location)));
        return [.. references];
    }

    private static bool IsManaged(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
