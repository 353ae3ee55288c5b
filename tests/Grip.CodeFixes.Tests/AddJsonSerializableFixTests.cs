using Verify = Grip.CodeFixes.Tests.CodeFixVerifier<Grip.Generators.Analyzers.HandlerAnalyzer, Grip.CodeFixes.AddJsonSerializableCodeFixProvider>;

namespace Grip.CodeFixes.Tests;

/// <summary>GRIP0008: a typed message or reply missing from the JSON context gets [JsonSerializable].</summary>
public sealed class AddJsonSerializableFixTests
{
    private const string Types = """

        public sealed record Ping(int N);
        public sealed record Pong(int N);
        public sealed record Join(string Room);
        """;

    private static string Missing(string context, string type) => $"'{context}' has no [JsonSerializable(typeof({type}))]; add it to the context";

    [Fact]
    public Task A_message_type_is_added_after_the_listed_types() => Verify.VerifyAsync(
        """
        using System.Text.Json.Serialization;
        using Grip;

        [JsonSerializable(typeof(Pong))]
        public partial class Ctx : JsonSerializerContext;

        [GripJsonContext(typeof(Ctx))]
        public partial class H
        {
            [OnMessage("ping")] public Pong M(Ping {|#0:ping|}) => new(ping.N);
        }
        """ + Types,
        """
        using System.Text.Json.Serialization;
        using Grip;

        [JsonSerializable(typeof(Pong))]
        [JsonSerializable(typeof(Ping))]
        public partial class Ctx : JsonSerializerContext;

        [GripJsonContext(typeof(Ctx))]
        public partial class H
        {
            [OnMessage("ping")] public Pong M(Ping ping) => new(ping.N);
        }
        """ + Types,
        [Verify.Diagnostic("GRIP0008").WithLocation(0).WithArguments("Ping", Missing("Ctx", "Ping"))]);

    [Fact]
    public Task A_reply_type_in_a_task_and_a_nullable_message_are_unwrapped()
    {
        // A context that lists nothing yet gets no code from the JSON generator and does not compile
        // (CS0534): compiler errors are not compared here; the GRIP0008s are.
        var test = Verify.Create();
        test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
        test.TestCode = 
        """
        using System.Text.Json.Serialization;
        using System.Threading.Tasks;
        using Grip;

        // The context.
        public partial class Ctx : JsonSerializerContext;

        [GripJsonContext(typeof(Ctx))]
        public partial class H
        {
            [OnMessage("ping")] public {|#0:ValueTask<Pong>|} M(Ping? {|#1:ping|}) => new(new Pong(ping?.N ?? 0));
        }
        """ + Types;
        test.FixedCode = """
        using System.Text.Json.Serialization;
        using System.Threading.Tasks;
        using Grip;

        // The context.
        [JsonSerializable(typeof(Pong))]
        [JsonSerializable(typeof(Ping))]
        public partial class Ctx : JsonSerializerContext;

        [GripJsonContext(typeof(Ctx))]
        public partial class H
        {
            [OnMessage("ping")] public ValueTask<Pong> M(Ping? ping) => new(new Pong(ping?.N ?? 0));
        }
        """ + Types;
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("GRIP0008").WithLocation(0).WithArguments("Pong", Missing("Ctx", "Pong")));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("GRIP0008").WithLocation(1).WithArguments("Ping?", Missing("Ctx", "Ping")));
        return test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_adds_each_type_once_to_a_context_in_another_file()
    {
        var test = Verify.Create();
        test.TestState.Sources.Add(("Context.cs", """
            using System.Text.Json.Serialization;

            namespace App.Json
            {
                [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
                [JsonSerializable(typeof(int))]
                internal partial class AppJson : JsonSerializerContext
                {
                }
            }
            """));
        test.TestState.Sources.Add(("Handlers.cs", """
            using Grip;
            using App.Json;
            using App.Messages;

            namespace App
            {
                [GripJsonContext(typeof(AppJson))]
                public partial class Chat
                {
                    [OnMessage("join")] public {|#4:Pong|} OnJoin(Join {|#0:join|}) => new(join.Room.Length);
                    [OnMessage("ping")] public {|#1:Pong|} OnPing(Ping {|#2:ping|}) => new(ping.N);
                }

                [GripJsonContext(typeof(AppJson))]
                public partial class Game
                {
                    [OnMessage("ping")] public void OnPing(Ping {|#3:ping|}) { }
                }
            }

            namespace App.Messages
            {
                public sealed record Ping(int N);
                public sealed record Pong(int N);
                public sealed record Join(string Room);
            }
            """));
        test.FixedState.Sources.Add(("Context.cs", """
            using System.Text.Json.Serialization;

            namespace App.Json
            {
                [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
                [JsonSerializable(typeof(int))]
                [JsonSerializable(typeof(Messages.Pong))]
                [JsonSerializable(typeof(Messages.Join))]
                [JsonSerializable(typeof(Messages.Ping))]
                internal partial class AppJson : JsonSerializerContext
                {
                }
            }
            """));
        test.FixedState.Sources.Add(("Handlers.cs", test.TestState.Sources[1].content.ToString().Replace("{|#0:join|}", "join", StringComparison.Ordinal).Replace("{|#1:Pong|}", "Pong", StringComparison.Ordinal).Replace("{|#4:Pong|}", "Pong", StringComparison.Ordinal).Replace("{|#2:ping|}", "ping", StringComparison.Ordinal).Replace("{|#3:ping|}", "ping", StringComparison.Ordinal)));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("GRIP0008").WithLocation(0).WithArguments("App.Messages.Join", Missing("AppJson", "App.Messages.Join")));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("GRIP0008").WithLocation(1).WithArguments("App.Messages.Pong", Missing("AppJson", "App.Messages.Pong")));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("GRIP0008").WithLocation(2).WithArguments("App.Messages.Ping", Missing("AppJson", "App.Messages.Ping")));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("GRIP0008").WithLocation(3).WithArguments("App.Messages.Ping", Missing("AppJson", "App.Messages.Ping")));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("GRIP0008").WithLocation(4).WithArguments("App.Messages.Pong", Missing("AppJson", "App.Messages.Pong")));
        await test.RunAsync();
    }

    [Fact]
    public async Task The_context_can_live_in_a_referenced_project()
    {
        var test = Verify.Create();
        test.TestState.AdditionalProjects["Contracts"].Sources.Add(("Json.cs", """
            using System.Text.Json.Serialization;

            namespace Contracts;

            public sealed record Ping(int N);
            public sealed record Pong(int N);

            [JsonSerializable(typeof(Pong))]
            public partial class ContractsJson : JsonSerializerContext;
            """));
        test.TestState.AdditionalProjects["Contracts"].AdditionalReferences.AddRange(Verify.AllReferences);
        test.TestState.AdditionalProjectReferences.Add("Contracts");
        const string handler = """
            using Contracts;
            using Grip;

            [GripJsonContext(typeof(ContractsJson))]
            public partial class H
            {
                [OnMessage("ping")] public Pong M(Ping {|#0:ping|}) => new(ping.N);
            }
            """;
        test.TestCode = handler;
        test.FixedState.AdditionalProjects["Contracts"].Sources.Add(("Json.cs", """
            using System.Text.Json.Serialization;

            namespace Contracts;

            public sealed record Ping(int N);
            public sealed record Pong(int N);

            [JsonSerializable(typeof(Pong))]
            [JsonSerializable(typeof(Ping))]
            public partial class ContractsJson : JsonSerializerContext;
            """));
        test.FixedState.AdditionalProjects["Contracts"].AdditionalReferences.AddRange(Verify.AllReferences);
        test.FixedState.AdditionalProjectReferences.Add("Contracts");
        test.FixedCode = handler.Replace("{|#0:ping|}", "ping", StringComparison.Ordinal);
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("GRIP0008").WithLocation(0).WithArguments("Contracts.Ping", Missing("ContractsJson", "Contracts.Ping")));
        // The harness runs source generators in the primary project only, so the referenced
        // project's context lacks its JSON-generated members (CS0117 on Default): compiler errors
        // are not compared here, the GRIP diagnostics are. Its default iteration count is derived
        // from the primary project too; one pass fixes it.
        test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
        test.NumberOfFixAllInDocumentIterations = 1;
        await test.RunAsync();
    }

    [Fact]
    public Task A_handler_without_a_json_context_gets_no_fix() => Verify.VerifyNoFixAsync(
        """
        using Grip;

        public partial class H
        {
            [OnMessage] public void M(Ping {|#0:ping|}) { }
        }
        """ + Types,
        Verify.Diagnostic("GRIP0008").WithLocation(0).WithArguments("Ping", "the handler class has no valid [GripJsonContext(typeof(MyJsonContext))] naming the JsonSerializerContext that holds its metadata (method 'M')"));
}
