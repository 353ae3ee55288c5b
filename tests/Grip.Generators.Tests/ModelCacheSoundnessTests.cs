using Grip.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Tests;

/// <summary>
/// The model cache (a handler's model is reused while its class's syntax node and the
/// SemanticInputs are unchanged) must never change what the generator produces: after every edit,
/// a long-lived driver gives exactly what a from-scratch run gives (see <see cref="IncrementalOracle"/>).
/// Each case below edits a file other than the handler's, where the cache answers without binding.
/// </summary>
public sealed class ModelCacheSoundnessTests
{
    internal const string NamesFile = "Names.cs";
    internal const string MessagesFile = "Messages.cs";
    internal const string JsonFile = "AppJson.cs";
    internal const string ServicesFile = "Services.cs";
    internal const string HandlerFile = "Handlers/ChatHandler.cs";
    internal const string UnrelatedFile = "Unrelated.cs";

    private const string Names = """
        namespace App;
        public static class Names
        {
            public const string Chat = "chat";
        }
        public static class Keys
        {
            public const int Audit = 7;
        }
        public enum Slot
        {
            Main = 1,
            Backup = 2,
        }
        """;

    private const string Messages = """
        namespace App.Messages;
        public static class Samples
        {
            public static int Count()
            {
                return 1;
            }
        }
        public sealed record Message1(string Text);
        public sealed record Reply1(int Count);
        """;

    private const string Json = """
        using System.Text.Json.Serialization;
        using App.Messages;
        namespace App.Json;
        [JsonSerializable(typeof(Message1))]
        [JsonSerializable(typeof(Reply1))]
        public partial class AppJson : JsonSerializerContext;
        """;

    private const string Services = """
        namespace App.Services;
        public static class Setup
        {
            public static int Configure()
            {
                return 1;
            }
        }
        public interface IAudit
        {
            void Write(string? line);
        }
        """;

    private const string Handler = """
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
                return 0;
            }

            [OnMessage(Names.Chat)]
            public Reply1 Chat(Message1 message) => new(message.Text.Length);

            [OnMessage]
            public void Text(string? text, [FromKeyedServices(Keys.Audit)] IAudit? other) => audit.Write(text);
        }
        """;

    private const string Unrelated = """
        namespace App.Other;
        internal static class Unrelated
        {
            public static int Twice(int value)
            {
                return value * 2;
            }
        }
        """;

    private const string Opener = """
        using Grip;
        namespace App.Handlers;
        public partial class Opener
        {
            [Open]
            public void Opened(GripConnection connection) { }
        }
        """;

    private const string SplitA = """
        using Grip;
        namespace App.Handlers;
        public partial class Split
        {
            [OnOpen] public void Opened(GripConnection connection) { }
            [OnMessage] public string Echo(string text) => text;
        }
        """;

    private const string SplitB = """
        using Grip;
        namespace App.Handlers;
        public partial class Split
        {
            public void Helper() { }
        }
        """;

    private const string HandlerHint = "Grip.App.Handlers.ChatHandler.g.cs";

    private static IncrementalOracle Project(params (string Path, string Text)[] extra) =>
        new([(NamesFile, Names), (MessagesFile, Messages), (JsonFile, Json), (ServicesFile, Services), (HandlerFile, Handler), (UnrelatedFile, Unrelated), .. extra]);

    private static string Replace(string text, string oldValue, string newValue)
    {
        Assert.Contains(oldValue, text, StringComparison.Ordinal);
        return text.Replace(oldValue, newValue, StringComparison.Ordinal);
    }

    [Fact]
    public void The_project_generates_a_valid_handler()
    {
        var oracle = Project();
        Assert.Equal([HandlerHint], oracle.HintNames);
        Assert.DoesNotContain("InvalidOperationException", oracle.Output, StringComparison.Ordinal);
        Assert.Contains("\"chat\"u8", oracle.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_method_body_edit_in_an_unrelated_file_reuses_every_model()
    {
        var oracle = Project();
        Assert.False(oracle.Edit("body edit", UnrelatedFile, t => Replace(t, "value * 2", "value + value")));
        GeneratorHarness.AssertStepsCached(oracle.LastRun);
        Assert.All(oracle.LastRun.TrackedSteps[TrackingNames.HandlerModels].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, o.Reason.ToString()));
        Assert.All(oracle.LastRun.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, o.Reason.ToString()));
    }

    [Fact]
    public void Removing_a_JsonSerializable_from_the_context_in_another_file()
    {
        var oracle = Project();
        string v0 = oracle.Output;
        Assert.True(oracle.Edit("remove [JsonSerializable(typeof(Message1))]", JsonFile, t => Replace(t, "[JsonSerializable(typeof(Message1))]\n", string.Empty)));
        Assert.Contains("GRIP0008", oracle.Output, StringComparison.Ordinal);
        Assert.True(oracle.Edit("restore it", JsonFile, _ => Json));
        Assert.Equal(v0, oracle.Output);
    }

    [Fact]
    public void A_message_record_in_another_file_becoming_a_readonly_record_struct()
    {
        var oracle = Project();
        string v0 = oracle.Output;
        Assert.True(oracle.Edit("record -> readonly record struct", MessagesFile, t => Replace(t, "public sealed record Message1", "public readonly record struct Message1")));
        Assert.True(oracle.Edit("back to a record", MessagesFile, _ => Messages));
        Assert.Equal(v0, oracle.Output);
    }

    [Fact]
    public void A_const_used_as_the_message_type_changing_in_another_file()
    {
        var oracle = Project();
        Assert.True(oracle.Edit("Names.Chat = \"talk\"", NamesFile, t => Replace(t, "\"chat\"", "\"talk\"")));
        Assert.Contains("\"talk\"u8", oracle.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"chat\"u8", oracle.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Keyed_service_keys_changing_in_another_file()
    {
        var oracle = Project();
        Assert.True(oracle.Edit("enum member value", NamesFile, t => Replace(t, "Backup = 2", "Backup = 5")));
        Assert.Contains("(global::App.Slot)5", oracle.Output, StringComparison.Ordinal);
        Assert.True(oracle.Edit("int const value", NamesFile, t => Replace(t, "Audit = 7", "Audit = 8")));
        Assert.True(oracle.Edit("enum member renamed away", NamesFile, t => Replace(t, "Backup = 5", "Spare = 5")));
    }

    [Fact]
    public void A_new_type_in_another_file_shadowing_the_message_type()
    {
        var oracle = Project();
        string v0 = oracle.Output;
        Assert.True(oracle.Add("App.Handlers.Message1 added", "Shadow.cs", "namespace App.Handlers { public sealed record Message1(int X); }"));
        Assert.Contains("GRIP0008", oracle.Output, StringComparison.Ordinal);
        Assert.True(oracle.Remove("shadow removed", "Shadow.cs"));
        Assert.Equal(v0, oracle.Output);
    }

    [Fact]
    public void A_global_using_alias_in_another_file_makes_a_class_a_handler_and_back()
    {
        var oracle = Project(("Handlers/Opener.cs", Opener));
        Assert.Equal([HandlerHint], oracle.HintNames);
        Assert.True(oracle.Add("global alias added", "GlobalUsings.cs", "global using Open = Grip.OnOpenAttribute;"));
        Assert.Equal([HandlerHint, "Grip.App.Handlers.Opener.g.cs"], oracle.HintNames);
        Assert.True(oracle.Edit("alias now names OnClose", "GlobalUsings.cs", t => Replace(t, "OnOpenAttribute", "OnCloseAttribute")));
        Assert.True(oracle.Edit("alias names something else", "GlobalUsings.cs", t => Replace(t, "Grip.OnCloseAttribute", "System.ObsoleteAttribute")));
        Assert.Equal([HandlerHint], oracle.HintNames);
        Assert.True(oracle.Edit("alias back", "GlobalUsings.cs", t => Replace(t, "System.ObsoleteAttribute", "Grip.OnOpenAttribute")));
        Assert.True(oracle.Remove("global alias removed", "GlobalUsings.cs"));
        Assert.Equal([HandlerHint], oracle.HintNames);
    }

    [Fact]
    public void The_json_context_in_another_file_changing_shape()
    {
        var oracle = Project();
        string v0 = oracle.Output;
        Assert.True(oracle.Edit("base type changed", JsonFile, t => Replace(t, ": JsonSerializerContext", ": System.Attribute")));
        Assert.Contains("GRIP0009", oracle.Output, StringComparison.Ordinal);
        oracle.Edit("base type back, not partial", JsonFile, _ => Replace(Json, "public partial class", "public class"));
        Assert.True(oracle.Edit("abstract", JsonFile, _ => Replace(Json, "public partial class", "public abstract partial class")));
        Assert.True(oracle.Edit("generic", JsonFile, _ => Replace(Json, "class AppJson", "class AppJson<T>")));
        Assert.True(oracle.Edit("back", JsonFile, _ => Json));
        Assert.Equal(v0, oracle.Output);
    }

    [Fact]
    public void Handler_methods_moving_between_partial_parts_in_two_files()
    {
        const string A = "Handlers/Split.A.cs";
        const string B = "Handlers/Split.B.cs";
        const string SplitHint = "Grip.App.Handlers.Split.g.cs";
        const string Methods = "    [OnOpen] public void Opened(GripConnection connection) { }\n    [OnMessage] public string Echo(string text) => text;\n";
        var oracle = Project((A, SplitA), (B, SplitB));
        string v0 = oracle.Output;
        Assert.Contains(SplitHint, oracle.HintNames);

        // Both files change in one version: the first part loses the methods, the second gains them.
        var next = oracle.Compilation
            .ReplaceSyntaxTree(oracle.Compilation.SyntaxTrees.Single(t => t.FilePath == A), IncrementalOracle.Parse(A, Replace(SplitA, Methods, string.Empty)))
            .ReplaceSyntaxTree(oracle.Compilation.SyntaxTrees.Single(t => t.FilePath == B), IncrementalOracle.Parse(B, Replace(SplitB, "{\n", "{\n" + Methods)));
        oracle.Step("methods moved to the second part", next);
        Assert.Contains(SplitHint, oracle.HintNames);
        Assert.Equal(v0, oracle.Output);

        // One file at a time: both parts have handler methods for a moment, then only the first.
        oracle.Edit("first part gets one back", A, t => Replace(t, "{\n", "{\n    [OnClose] public void Closed() { }\n"));
        oracle.Edit("second part loses its methods", B, _ => SplitB);
        oracle.Edit("first part complete again", A, _ => SplitA);
        Assert.Equal(v0, oracle.Output);

        oracle.Remove("second part deleted", B);
        Assert.Contains(SplitHint, oracle.HintNames);
        oracle.Add("second part back with a handler method", B, Replace(SplitB, "{\n", "{\n    [OnClose] public void Closed() { }\n"));
        oracle.Remove("first part deleted", A);
        Assert.Contains(SplitHint, oracle.HintNames);
        Assert.True(oracle.Edit("last part not partial", B, t => Replace(t, "public partial class", "public class")));
        Assert.DoesNotContain(SplitHint, oracle.HintNames);
    }

    [Fact]
    public void Nullable_directives_inside_method_bodies()
    {
        var oracle = Project();
        string v0 = oracle.Output;
        oracle.Edit("#nullable disable in a body of the services file", ServicesFile, t => Replace(t, "return 1;", "#nullable disable\n        return 1;"));
        oracle.Edit("#nullable disable in a body of the messages file", MessagesFile, t => Replace(t, "return 1;", "#nullable disable\n        return 1;"));
        oracle.Edit("#nullable disable in a body of the handler file", HandlerFile, t => Replace(t, "return 0;", "#nullable disable\n        return 0;"));
        oracle.Edit("#nullable enable in that body", HandlerFile, t => Replace(t, "#nullable disable", "#nullable enable"));
        oracle.Edit("services file back", ServicesFile, _ => Services);
        oracle.Edit("messages file back", MessagesFile, _ => Messages);
        oracle.Edit("handler file back", HandlerFile, _ => Handler);
        Assert.Equal(v0, oracle.Output);
    }

    [Fact]
    public void Compilation_options_and_references_changing()
    {
        var oracle = Project();
        string v0 = oracle.Output;
        oracle.WithNullable("nullable disabled", NullableContextOptions.Disable);
        oracle.WithNullable("nullable enabled", NullableContextOptions.Enable);
        Assert.True(oracle.WithAbstractions("Grip.Abstractions removed", referenced: false));
        Assert.Empty(oracle.HintNames);
        Assert.True(oracle.WithAbstractions("Grip.Abstractions back (the same reference object)", referenced: true));
        Assert.Equal(v0, oracle.Output);
    }

    [Fact]
    public void Files_removed_added_and_reordered()
    {
        var oracle = Project();
        string v0 = oracle.Output;
        Assert.True(oracle.Remove("constants file removed", NamesFile));
        Assert.True(oracle.Add("constants file added back", NamesFile, Names));
        Assert.Equal(v0, oracle.Output);
        Assert.False(oracle.Remove("unrelated file removed", UnrelatedFile));
        Assert.False(oracle.Add("new unrelated file", "New.cs", "namespace App.Other; public sealed class Fresh { public int X => 1; }"));
        // After a reorder only file-count changes follow: Roslyn 4.14's driver pairs a same-count
        // replacement with the input at the same index, so after a reorder it can hand a syntax
        // provider one tree twice (duplicate hint names in any generator; see RandomProject).
        oracle.Reorder("reversed", [.. oracle.Compilation.SyntaxTrees.Select(t => t.FilePath).Reverse()]);
        oracle.Reorder("handler first", [HandlerFile, .. oracle.Compilation.SyntaxTrees.Select(t => t.FilePath).Where(p => p != HandlerFile)]);
        Assert.Equal(v0, oracle.Output);
        Assert.True(oracle.Remove("messages file removed", MessagesFile));
        Assert.True(oracle.Add("messages file added at the end", MessagesFile, Messages));
        Assert.Equal(v0, oracle.Output);
    }

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    /// <summary>
    /// Random walks (40 seeds, 10 edits each) over <see cref="RandomProject"/>'s edits: after each,
    /// the long-lived driver must agree with a fresh one. The seeds are fixed, so a failure reproduces.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_edits_keep_the_incremental_output_equal_to_a_fresh_run(int seed)
    {
        const int Steps = 10;
        var random = new Random(seed);
        var project = new RandomProject();
        var oracle = new IncrementalOracle(trackSteps: false, [.. project.Files()]);
        var history = new List<string>();
        for (int step = 1; step <= Steps; step++)
        {
            var edit = RandomProject.Edits[random.Next(RandomProject.Edits.Length)];
            history.Add(edit.Name);
            edit.Apply(project, random);
            try
            {
                oracle.Step(edit.Name, project.Apply(oracle.Compilation));
            }
            catch (Xunit.Sdk.XunitException ex)
            {
                Assert.Fail($"seed {seed}, step {step} ({string.Join(" -> ", history)}): {ex.Message}");
            }
        }
    }
}
