using Grip.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Tests;

/// <summary>
/// One golden file per scenario (Snapshots/&lt;scenario&gt;/). Every scenario also proves the output
/// compiles without warnings, caches on an unrelated edit and holds no compiler objects.
/// </summary>
public sealed class GeneratorSnapshotTests
{
    [Fact]
    public void Echo_text_handler_with_a_reply()
    {
        const string source = """
            using Grip;
            namespace Demo;
            public partial class EchoHandler
            {
                [OnMessage] public string Echo(string text) => text;
            }
            """;
        GeneratorHarness.VerifyScenario("Echo", ["Grip.Demo.EchoHandler.g.cs"], source);
    }

    [Fact]
    public void Every_binding_and_return_shape()
    {
        const string source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Grip;
            using Grip.Publishing;
            namespace Demo;
            public interface IClock { DateTimeOffset Now { get; } }
            public interface IAudit { void Write(string line); }
            public sealed partial class ChatHandler(IGripPublisher publisher, IClock clock)
            {
                [OnOpen]
                public Task Open(GripConnection connection, IAudit? audit, CancellationToken cancellationToken)
                {
                    audit?.Write(connection.Id + clock.Now.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                    connection.Subscribe("all");
                    return Task.CompletedTask;
                }

                [OnMessage]
                public Task Text(string text, CancellationToken cancellationToken) => publisher.PublishAsync("all", text, cancellationToken);

                [OnMessage]
                public ValueTask<ReadOnlyMemory<byte>> Binary(ReadOnlyMemory<byte> data) => new(data);

                [OnClose]
                public static void Close(GripConnection connection, CloseStatus status, IAudit audit, [Microsoft.Extensions.DependencyInjection.FromKeyedServices("backup")] IAudit backup) => audit.Write(status.ToString());
            }
            """;
        GeneratorHarness.VerifyScenario("AllBindings", ["Grip.Demo.ChatHandler.g.cs"], source);
    }

    [Fact]
    public void Request_user_and_logger_bindings()
    {
        // HttpContext and Grip.Hosting's accessor are stand-ins: this project does not reference ASP.NET Core.
        const string source = """
            namespace Microsoft.AspNetCore.Http { public abstract class HttpContext { } }
            namespace Grip
            {
                public static class GripConnectionHttpExtensions
                {
                    public static Microsoft.AspNetCore.Http.HttpContext GetHttpContext(this GripConnection connection) => throw new System.InvalidOperationException();
                }
            }
            namespace Demo
            {
                using System.Security.Claims;
                using Grip;
                using Microsoft.AspNetCore.Http;
                using Microsoft.Extensions.Logging;
                public sealed partial class Who(ILogger log)
                {
                    [OnOpen]
                    public void Open(GripConnection connection, HttpContext context, ClaimsPrincipal user, ILogger logger) => log.LogDebug("{Path}", context.ToString());

                    [OnMessage]
                    public string Hello(string text, ClaimsPrincipal user) => text + user.Identity?.Name;
                }
            }
            """;
        GeneratorHarness.VerifyScenario("RequestBindings", ["Grip.Demo.Who.g.cs"], source);
    }

    [Fact]
    public void Typed_messages_routed_by_discriminator_with_fallback()
    {
        const string source = """
            using System.Text.Json.Serialization;
            using System.Threading.Tasks;
            using Grip;
            namespace Demo.Typed;
            public sealed record ChatSend(string Text);
            public sealed record ChatAck(int Count);
            public sealed record Leave(string Reason);

            [JsonSerializable(typeof(ChatSend))]
            [JsonSerializable(typeof(ChatAck))]
            [JsonSerializable(typeof(Leave))]
            public partial class ChatJson : JsonSerializerContext;

            [GripJsonContext(typeof(ChatJson), DiscriminatorProperty = "kind")]
            public partial class TypedHandler
            {
                [OnMessage("chat.send")]
                public ChatAck Send(ChatSend message) => new(message.Text.Length);

                [OnMessage("chat.leave")]
                public async Task<ChatAck?> LeaveAsync(Leave leave, GripConnection connection)
                {
                    await Task.Yield();
                    connection.Close(1000, leave.Reason);
                    return null;
                }

                [OnMessage("raw")]
                public void Raw(byte[] json) { }

                [OnMessage]
                public void Fallback(GripMessage message) { }
            }
            """;
        GeneratorHarness.VerifyScenario("Typed", ["Grip.Demo.Typed.TypedHandler.g.cs"], source);
    }

    [Fact]
    public void Nested_handler_in_the_global_namespace_with_a_record()
    {
        const string source = """
            using Grip;
            public static partial class Outer
            {
                public partial record Inner
                {
                    [OnMessage] private void Bytes(byte[] data) { }
                    [OnClose] private void Closed() { }
                }
            }
            """;
        GeneratorHarness.VerifyScenario("Nested", ["Grip.Outer.Inner.g.cs"], source);
    }

    [Fact]
    public void Literals_are_escaped()
    {
        const string source = """
            using Grip;
            namespace Demo;
            [GripJsonContext(typeof(Ctx), DiscriminatorProperty = "t\"y\\pe")]
            public partial class Escapes
            {
                [OnMessage("say \"hi\"\n")] public void Quote(string raw) { }
                [OnMessage("caf\u00e9")] public void Cafe(string raw) { }
            }
            [System.Text.Json.Serialization.JsonSerializable(typeof(int))]
            public partial class Ctx : System.Text.Json.Serialization.JsonSerializerContext;
            """;
        GeneratorHarness.VerifyScenario("Escapes", ["Grip.Demo.Escapes.g.cs"], source);
    }

    [Fact]
    public void A_malformed_handler_gets_a_throwing_fallback_and_no_cascade()
    {
        const string source = """
            using Grip;
            namespace Demo;
            public partial class Broken
            {
                [OnMessage] public async void Message(string text) { await System.Threading.Tasks.Task.Yield(); }
            }
            public static class Uses
            {
                public static System.Threading.Tasks.ValueTask Run<T>(GripConnection c) where T : IGripHandler => T.DispatchAsync(c, default, default);
                public static System.Threading.Tasks.ValueTask RunBroken(GripConnection c) => Run<Broken>(c);
            }
            """;
        GeneratorHarness.VerifyScenario("Fallback", ["Grip.Demo.Broken.g.cs"], source);
    }

    [Fact]
    public void A_static_only_handler_creates_no_instance()
    {
        const string source = """
            using System;
            using Grip;
            namespace Demo;
            public sealed partial class Counter
            {
                [OnMessage] public static void Bytes(ReadOnlyMemory<byte> data) { }
                [OnMessage] public static ReadOnlyMemory<byte> Text(string text, GripConnection connection) => System.Text.Encoding.UTF8.GetBytes(text);
            }
            """;
        GeneratorHarness.VerifyScenario("StaticOnly", ["Grip.Demo.Counter.g.cs"], source);
    }

    [Fact]
    public void Names_from_user_code_never_collide_with_generated_ones()
    {
        // Locals are named after parameters and invokers after methods: a parameter named like the
        // invoker's own parameters, a member of the invoker, a keyword or a discard, and overloads
        // and a method named like an overload's invoker, must all still compile (the harness
        // requires no warning at all).
        const string source = """
            using System.Text.Json.Serialization;
            using System.Threading.Tasks;
            using Grip;
            using Microsoft.Extensions.DependencyInjection;
            namespace Demo;
            public interface IStore { }
            public sealed record Note(string Text);

            [JsonSerializable(typeof(Note))]
            public partial class NamesJson : JsonSerializerContext;

            [GripJsonContext(typeof(NamesJson))]
            public partial class Names(IStore services, [FromKeyedServices(7)] IStore handler)
            {
                public IStore[] Stores => [services, handler];

                [OnMessage("note")]
                public async Task<Note?> Note(Note message, IStore connection, IStore reply, IStore await, IStore _, IStore s_note)
                {
                    await Task.Yield();
                    return message;
                }

                [OnMessage]
                public void Note(string text, IStore InvokeNote, IStore @event, IStore value) { }

                [OnMessage]
                public void @class(byte[] data) { }

                [OnClose]
                public static void Note_2(IStore status, IStore cancellationToken) { }
            }
            """;
        GeneratorHarness.VerifyScenario("Names", ["Grip.Demo.Names.g.cs"], source);
    }

    [Fact]
    public void A_class_that_is_not_partial_gets_nothing()
    {
        const string source = """
            using Grip;
            namespace Demo;
            public class NotPartial
            {
                [OnMessage] public void Message(string text) { }
            }
            """;
        GeneratorHarness.VerifyScenario("NotPartial", [], source);
    }

    [Fact]
    public void Handler_methods_spread_over_partial_parts_make_one_file()
    {
        const string source = """
            using Grip;
            namespace Demo;
            public partial class Split
            {
                [OnOpen] public void Open() { }
            }
            public partial class Split
            {
                [OnMessage] public void Message(string text) { }
                [OnClose] public void Close() { }
            }
            """;
        GeneratorHarness.VerifyScenario("Split", ["Grip.Demo.Split.g.cs"], source);
    }

    [Fact]
    public void Compilation_without_Grip_Abstractions_generates_nothing()
    {
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "NoGrip",
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace Grip { public sealed class OnMessageAttribute : System.Attribute {} } partial class X { [Grip.OnMessage] void M(string s) {} }")],
            Basic.Reference.Assemblies.Net100.References.All);
        var (result, _, _) = GeneratorHarness.Run(compilation);
        Assert.Empty(result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator)).GeneratedSources);
        Assert.Empty(result.Diagnostics);
    }
}
