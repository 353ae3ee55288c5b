using Grip.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Tests;

/// <summary>
/// The generated contract registration (<c>*.Contract.g.cs</c>, docs/asyncapi.md): golden files under
/// Snapshots/Contract*/, and the output compiles without warnings.
/// </summary>
public sealed class ContractSnapshotTests
{
    [Fact]
    public void Typed_routes_replies_sends_queries_publishes_and_docs()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Text.Json.Serialization;
            using System.Threading.Tasks;
            using Grip;
            namespace Demo;

            /// <summary>A <c>join</c> request for <see cref="Room"/>.</summary>
            /// <param name="Room">The room &amp; its <paramref name="Room"/> name.</param>
            public sealed record Join([property: JsonPropertyName("room")] string? Room);

            /// <summary>A room.</summary>
            public sealed class Room
            {
                /// <summary>Who is in it.</summary>
                public List<Member> Members { get; set; } = [];

                /// <summary>Its kind.</summary>
                public RoomKind Kind { get; set; }
            }

            /// <summary>A member.</summary>
            /// <param name="Name">Shown to others.</param>
            public sealed record Member(string Name);

            /// <summary>Kinds of room.</summary>
            public enum RoomKind { Open, Closed }

            /// <summary>An error.</summary>
            /// <param name="Code">Stable.</param>
            public sealed record Oops(string Code);

            /// <summary>A chat line.</summary>
            /// <param name="Text">The words.</param>
            public sealed record Line(string Text);

            [JsonSerializable(typeof(Join))]
            [JsonSerializable(typeof(Room))]
            [JsonSerializable(typeof(Oops))]
            [JsonSerializable(typeof(Line))]
            internal sealed partial class DemoJson : JsonSerializerContext;

            /// <summary>
            /// Rooms: <c>/rooms?token=t</c>.
            /// </summary>
            [GripJsonContext(typeof(DemoJson), DiscriminatorProperty = "op")]
            [GripPublishes(typeof(Line), Channel = "room:{room}")]
            [GripPublishes(typeof(string), Channel = "all")]
            public sealed partial class RoomsHandler
            {
                /// <summary>Checks the token.</summary>
                [OnOpen]
                public static void Open(GripConnection connection)
                {
                    if (connection.Request.GetQueryValue("token") is null)
                    {
                        connection.Reject(401, "no");
                    }
                }

                /// <summary>Joins a room; answers with the room.</summary>
                [OnMessage("room.join")]
                public Task<Room> Join(GripConnection connection, Join request)
                {
                    if (request.Room is null)
                    {
                        connection.SendJson(new Oops("no-room"), DemoJson.Default.Oops);
                    }

                    return Task.FromResult(new Room());
                }

                [OnMessage("ping")]
                public static string Ping(string raw) => raw;

                [OnMessage]
                public void Bytes(GripConnection connection, byte[] data) => connection.SendJson(new Oops(connection.Request.GetQueryValue("token") ?? "binary"), DemoJson.Default.Oops);
            }
            """;
        VerifyContract("Contract", "Grip.Demo.RoomsHandler.Contract.g.cs", source);
    }

    [Fact]
    public void Text_handler_sending_json_through_a_context_it_does_not_name()
    {
        const string source = """
            using System.Text.Json.Serialization;
            using Grip;
            namespace Demo;

            public sealed record Hello(bool Connected);

            [JsonSerializable(typeof(Hello))]
            internal sealed partial class HelloJson : JsonSerializerContext;

            [GripPublishes(typeof(string), Channel = "lobby")]
            [GripPublishes(typeof(byte[]), Channel = "blobs")]
            public sealed partial class LobbyHandler
            {
                [OnOpen]
                public static void Open(GripConnection connection) => connection.SendJson(new Hello(true), HelloJson.Default.Hello);

                [OnMessage]
                public static void Message(GripMessage message) { }
            }
            """;
        VerifyContract("ContractText", "Grip.Demo.LobbyHandler.Contract.g.cs", source);
    }

    [Fact]
    public void Close_codes_from_every_partial_part_in_source_order()
    {
        const string first = """
            using Grip;
            namespace Demo;

            [GripCloseCode(4001, "banned", Description = "The user was \"banned\".", Reconnect = false)]
            [GripCloseCode(4000, "tokenExpired", Reason = "Token expired")]
            public sealed partial class GuardedHandler
            {
                [OnMessage]
                public static void Message(string text) { }
            }
            """;
        const string second = """
            using Grip;
            namespace Demo;

            [GripCloseCode(4100, "roomFull", Reason = "Full", Description = "The room has no seat left.", Reconnect = true)]
            [GripCloseCode(4100, "duplicate")]
            public sealed partial class GuardedHandler;
            """;
        VerifyContract("ContractCloseCodes", "Grip.Demo.GuardedHandler.Contract.g.cs", first, second);
    }

    [Fact]
    public void A_handler_typeof_cannot_reach_gets_no_contract()
    {
        const string source = """
            using Grip;
            namespace Demo;
            public partial class Outer
            {
                private sealed partial class HiddenHandler
                {
                    [OnMessage] public static void M(string text) { }
                }
            }
            """;
        var (result, _, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source));
        var hints = result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator)).GeneratedSources.Select(s => s.HintName).ToArray();
        Assert.Contains("Grip.Demo.Outer.HiddenHandler.g.cs", hints);
        Assert.DoesNotContain(hints, h => h.EndsWith(".Contract.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void An_invalid_handler_gets_no_contract()
    {
        const string source = """
            using Grip;
            namespace Demo;
            public partial class BadHandler
            {
                [OnMessage] public static void M(string text) { }
                [OnMessage] public static void N(string text) { }
            }
            """;
        var (result, _, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source));
        Assert.DoesNotContain(result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator)).GeneratedSources, s => s.HintName.EndsWith(".Contract.g.cs", StringComparison.Ordinal));
    }

    private static void VerifyContract(string scenario, string hintName, string source, string? secondSource = null, [System.Runtime.CompilerServices.CallerFilePath] string callerPath = "")
    {
        var compilation = secondSource is null ? GeneratorHarness.CreateCompilation(source) : GeneratorHarness.CreateCompilation(source, secondSource);
        var (result, output, _) = GeneratorHarness.Run(compilation);
        var file = result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator)).GeneratedSources.Single(s => s.HintName == hintName);
        string actual = GeneratorHarness.Scrub(file.SourceText.ToString());
        string path = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots", scenario, hintName + ".txt");
        if (Environment.GetEnvironmentVariable(GeneratorHarness.RegenerateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            Assert.Fail($"{GeneratorHarness.RegenerateVariable}=1 rewrote {path}: review the diff and run again without it.");
        }

        Assert.True(File.Exists(path), $"No golden file {path}; run with {GeneratorHarness.RegenerateVariable}=1 once and review the diff.");
        GeneratorHarness.CompareLines(File.ReadAllText(path), actual, path);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", problems.Select(p => p.ToString())));
    }
}
