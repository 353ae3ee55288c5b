using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Grip.Generators.Tests.Infrastructure;

/// <summary>
/// A small multi-file project described by a few switches, for random edit walks: handlers that
/// depend on constants, messages, a JSON context, services and aliases in other files. An edit flips
/// a switch; <see cref="Apply"/> turns the switches into the next compilation, re-parsing only the
/// files whose text changed (the others keep their tree objects, as in the IDE).
/// </summary>
/// <remarks>
/// Files keep their place in the compilation and a new file goes last, as the IDE does. Reordering
/// is left to the named tests: after a reorder, Roslyn's own driver (4.14) can hand a syntax
/// provider the same tree twice on the next same-count edit (InputNode pairs a replaced tree with the
/// input at the same index), so any generator emits a duplicate hint name; that is not this
/// generator's doing, and a random walk would keep tripping over it.
/// </remarks>
internal sealed class RandomProject
{
    private static readonly string[] ChatNames = ["chat", "talk", "say"];

    private static readonly string[] AliasTargets = ["Grip.OnOpenAttribute", "Grip.OnCloseAttribute", "System.ObsoleteAttribute"];

    private static readonly string[] AllPaths =
    [
        "Names.cs", "Messages.cs", "AppJson.cs", "Services.cs", "Handlers/ChatHandler.cs", "Handlers/Opener.cs",
        "Handlers/Split.A.cs", "Handlers/Split.B.cs", "Shadow.cs", "GlobalUsings.cs", "Unrelated.cs",
    ];

    public static readonly RandomEdit[] Edits =
    [
        new("unrelated body edit", static (p, _) => p.UnrelatedBody++),
        new("handler body edit", static (p, _) => p.HandlerBody++),
        new("toggle [JsonSerializable(typeof(Message1))]", static (p, _) => p.ListsMessage1 = !p.ListsMessage1),
        new("toggle Message1 record / readonly record struct", static (p, _) => p.Message1IsStruct = !p.Message1IsStruct),
        new("next Names.Chat value", static (p, _) => p.ChatIndex = (p.ChatIndex + 1) % ChatNames.Length),
        new("new Slot.Backup value", static (p, r) => p.BackupValue = r.Next(2, 6)),
        new("new Keys.Audit value", static (p, r) => p.AuditKey = r.Next(0, 4)),
        new("toggle a shadowing App.Handlers.Message1", static (p, _) => p.Shadow = !p.Shadow),
        new("toggle global using Open alias", static (p, _) => p.GlobalAlias = !p.GlobalAlias),
        new("retarget the global alias", static (p, _) => p.GlobalAliasTarget = (p.GlobalAliasTarget + 1) % AliasTargets.Length),
        new("new JSON context shape", static (p, r) => p.ContextShape = r.Next(4)),
        new("move Split's handler methods to the other part", static (p, _) => p.SplitMethodsInB = !p.SplitMethodsInB),
        new("toggle Split part B file", static (p, _) => p.PartBPresent = !p.PartBPresent),
        new("toggle #nullable disable in a services body", static (p, _) => p.NullableInServicesBody = !p.NullableInServicesBody),
        new("toggle #nullable disable in a messages body", static (p, _) => p.NullableInMessagesBody = !p.NullableInMessagesBody),
        new("toggle #nullable disable in a handler body", static (p, _) => p.NullableInHandlerBody = !p.NullableInHandlerBody),
        new("toggle the nullable option", static (p, _) => p.NullableOption = !p.NullableOption),
        new("toggle the Grip.Abstractions reference", static (p, _) => p.GripReference = !p.GripReference),
        new("toggle the unrelated file", static (p, _) => p.UnrelatedPresent = !p.UnrelatedPresent),
        new("toggle the constants file", static (p, _) => p.NamesPresent = !p.NamesPresent),
    ];

    public int UnrelatedBody { get; set; } = 2;

    public int HandlerBody { get; set; }

    public bool ListsMessage1 { get; set; } = true;

    public bool Message1IsStruct { get; set; }

    public int ChatIndex { get; set; }

    public int BackupValue { get; set; } = 2;

    public int AuditKey { get; set; } = 1;

    public bool Shadow { get; set; }

    public bool GlobalAlias { get; set; }

    public int GlobalAliasTarget { get; set; }

    public int ContextShape { get; set; }

    public bool SplitMethodsInB { get; set; }

    public bool PartBPresent { get; set; } = true;

    public bool NullableInServicesBody { get; set; }

    public bool NullableInMessagesBody { get; set; }

    public bool NullableInHandlerBody { get; set; }

    public bool NullableOption { get; set; } = true;

    public bool GripReference { get; set; } = true;

    public bool UnrelatedPresent { get; set; } = true;

    public bool NamesPresent { get; set; } = true;

    /// <summary>The project's files in their first order.</summary>
    public IEnumerable<(string Path, string Text)> Files()
    {
        foreach (string path in AllPaths)
        {
            if (Text(path) is { } text)
            {
                yield return (path, text);
            }
        }
    }

    /// <summary>
    /// The compilation after <paramref name="current"/> for the present switches: a removed file is
    /// removed, a changed one replaced in place, a new one added last.
    /// </summary>
    public CSharpCompilation Apply(CSharpCompilation current)
    {
        var files = Files().ToDictionary(f => f.Path, f => f.Text, StringComparer.Ordinal);
        var next = current;
        foreach (var tree in current.SyntaxTrees)
        {
            if (!files.TryGetValue(tree.FilePath, out string? text))
            {
                next = next.RemoveSyntaxTrees(tree);
            }
            else if (tree.GetText().ToString() != text)
            {
                next = next.ReplaceSyntaxTree(tree, IncrementalOracle.Parse(tree.FilePath, text));
            }
        }

        var present = current.SyntaxTrees.Select(t => t.FilePath).ToHashSet(StringComparer.Ordinal);
        foreach (var (path, text) in files)
        {
            if (!present.Contains(path))
            {
                next = next.AddSyntaxTrees(IncrementalOracle.Parse(path, text));
            }
        }

        var nullable = NullableOption ? NullableContextOptions.Enable : NullableContextOptions.Disable;
        if (next.Options.NullableContextOptions != nullable)
        {
            next = next.WithOptions(next.Options.WithNullableContextOptions(nullable));
        }

        if (next.ExternalReferences.Length != IncrementalOracle.References(GripReference).Count())
        {
            next = next.WithReferences(IncrementalOracle.References(GripReference));
        }

        return next;
    }

    private string? Text(string path) => path switch
    {
        "Names.cs" when NamesPresent => $$"""
            namespace App;
            public static class Names { public const string Chat = "{{ChatNames[ChatIndex]}}"; }
            public static class Keys { public const int Audit = {{AuditKey}}; }
            public enum Slot { Main = 1, Backup = {{BackupValue}} }
            """,
        "Messages.cs" => $$"""
            namespace App.Messages;
            public static class Samples
            {
                public static int Count()
                {
            {{(NullableInMessagesBody ? "#nullable disable" : string.Empty)}}
                    return 1;
                }
            }
            public {{(Message1IsStruct ? "readonly record struct" : "sealed record")}} Message1(string Text);
            public sealed record Reply1(int Count);
            """,
        "AppJson.cs" => $$"""
            using System.Text.Json.Serialization;
            using App.Messages;
            namespace App.Json;
            {{(ListsMessage1 ? "[JsonSerializable(typeof(Message1))]" : string.Empty)}}
            [JsonSerializable(typeof(Reply1))]
            {{ContextShape switch
            {
                1 => "public abstract partial class AppJson : JsonSerializerContext;",
                2 => "public class AppJson : JsonSerializerContext;",
                3 => "public partial class AppJson : System.Attribute;",
                _ => "public partial class AppJson : JsonSerializerContext;",
            }}}
            """,
        "Services.cs" => $$"""
            namespace App.Services;
            public static class Setup
            {
                public static int Configure()
                {
            {{(NullableInServicesBody ? "#nullable disable" : string.Empty)}}
                    return 1;
                }
            }
            public interface IAudit { void Write(string? line); }
            public sealed class Audit : IAudit { public void Write(string? line) { } }
            """,
        "Handlers/ChatHandler.cs" => $$"""
            using Grip;
            using App.Messages;
            using App.Services;
            using Microsoft.Extensions.DependencyInjection;
            namespace App.Handlers;
            [GripJsonContext(typeof(App.Json.AppJson))]
            public sealed partial class ChatHandler([FromKeyedServices(Slot.Backup)] IAudit audit)
            {
                private static int Helper()
                {
            {{(NullableInHandlerBody ? "#nullable disable" : string.Empty)}}
                    return {{HandlerBody}};
                }

                [OnMessage(Names.Chat)]
                public Reply1 Chat(Message1 message) => new(message.Text.Length);

                [OnMessage]
                public void Text(string? text, [FromKeyedServices(Keys.Audit)] IAudit? other, Audit? concrete) => audit.Write(text);
            }
            """,
        "Handlers/Opener.cs" => """
            using Grip;
            namespace App.Handlers;
            public partial class Opener
            {
                [Open] public void Opened(GripConnection connection) { }
            }
            """,
        "Handlers/Split.A.cs" => SplitPart(!SplitMethodsInB),
        "Handlers/Split.B.cs" when PartBPresent => SplitPart(SplitMethodsInB),
        "Shadow.cs" when Shadow => "namespace App.Handlers { public sealed record Message1(int X); }",
        "GlobalUsings.cs" when GlobalAlias => "global using Open = " + AliasTargets[GlobalAliasTarget] + ";",
        "Unrelated.cs" when UnrelatedPresent => $$"""
            namespace App.Other;
            internal static class Unrelated
            {
                public static int Twice(int value)
                {
                    return value * {{UnrelatedBody}};
                }
            }
            """,
        _ => null,
    };

    private static string SplitPart(bool withMethods) => $$"""
        using Grip;
        namespace App.Handlers;
        public partial class Split
        {
            {{(withMethods ? "[OnOpen] public void Opened(GripConnection connection) { }\n    [OnMessage] public string Echo(string text) => text;" : "public void Helper() { }")}}
        }
        """;
}

/// <summary>One kind of random edit: a name for failure messages and what it changes.</summary>
internal sealed record RandomEdit(string Name, Action<RandomProject, Random> Apply);
