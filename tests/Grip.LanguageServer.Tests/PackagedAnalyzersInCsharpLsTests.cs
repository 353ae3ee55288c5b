using System.Diagnostics;
using System.Text.Json.Nodes;
using Grip.Tests.Packaging;

namespace Grip.LanguageServer.Tests;

/// <summary>
/// The user's editor experience, end to end: pack Grip.Abstractions, reference the .nupkg from a
/// local folder feed in a fresh consumer project, install csharp-ls 0.28.0 (a real Roslyn language
/// server) and drive it over LSP stdio. Checks the GRIP diagnostic's exact position and message, that
/// it goes away when the file is fixed through didChange, that code using the generated
/// IGripHandler implementation compiles in the editor, and that hover answers on it.
/// </summary>
public sealed class PackagedAnalyzersInCsharpLsTests(PackageFixture package, ITestOutputHelper output) : IClassFixture<PackageFixture>
{
    private const string CsharpLsVersion = "0.28.0";
    private static readonly TimeSpan FirstDiagnosticTimeout = TimeSpan.FromMinutes(4);

    private const string Handler = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Grip;

        namespace Consumer;

        public partial class EchoHandler
        {
            [OnMessage]
            public async void Bad(string m) => await Task.Yield();
        }

        public static class Usage
        {
            public static ValueTask Dispatch<T>(GripConnection connection, ReadOnlyMemory<byte> events)
                where T : IGripHandler =>
                T.DispatchAsync(connection, events, CancellationToken.None);

            public static ValueTask Echo(GripConnection connection, ReadOnlyMemory<byte> events) =>
                Dispatch<EchoHandler>(connection, events);
        }
        """;

    [Fact]
    public async Task Grip_diagnostics_fixes_and_generated_code_reach_the_editor_from_the_package()
    {
        using var work = new TempDirectory("grip-lsp-");
        output.WriteLine($"packed Grip.Abstractions {package.Version} in {package.PackTime.TotalSeconds:F1} s");
        var timer = Stopwatch.StartNew();
        string consumer = await CreateConsumerAsync(work.Path, Handler);
        string file = Path.Combine(consumer, "EchoHandler.cs");
        output.WriteLine($"restored the consumer in {timer.Elapsed.TotalSeconds:F1} s");
        string tools = Directory.CreateDirectory(Path.Combine(work.Path, "tools")).FullName;

        // The language server, as a NuGet dotnet tool in a private folder.
        timer.Restart();
        await Run("dotnet", ["tool", "install", "csharp-ls", "--version", CsharpLsVersion, "--tool-path", tools], work.Path, TimeSpan.FromMinutes(5));
        output.WriteLine($"installed csharp-ls {CsharpLsVersion} in {timer.Elapsed.TotalSeconds:F1} s");

        // Drive it.
        var serverStart = Stopwatch.StartNew();
        await using var lsp = LspClient.Start(Path.Combine(tools, "csharp-ls"), consumer, CleanEnvironment(PackagesEnvironment(work.Path)));
        string uri = new Uri(file).AbsoluteUri;
        await lsp.RequestAsync("initialize", new JsonObject
        {
            ["processId"] = Environment.ProcessId,
            ["rootUri"] = new Uri(consumer + "/").AbsoluteUri,
            ["workspaceFolders"] = new JsonArray(new JsonObject { ["uri"] = new Uri(consumer + "/").AbsoluteUri, ["name"] = "consumer" }),
            ["capabilities"] = new JsonObject
            {
                // Without workspace/configuration support csharp-ls keeps third-party analyzers off.
                ["workspace"] = new JsonObject { ["configuration"] = true, ["workspaceFolders"] = true },
                ["textDocument"] = new JsonObject
                {
                    ["synchronization"] = new JsonObject { ["didSave"] = true },
                    ["publishDiagnostics"] = new JsonObject(),
                    ["diagnostic"] = new JsonObject { ["dynamicRegistration"] = false },
                    ["hover"] = new JsonObject { ["contentFormat"] = new JsonArray("markdown", "plaintext") },
                },
            },
        }, TimeSpan.FromMinutes(2));
        await lsp.NotifyAsync("initialized", new JsonObject());
        await lsp.NotifyAsync("workspace/didChangeConfiguration", new JsonObject
        {
            ["settings"] = new JsonObject { ["csharp"] = new JsonObject { ["analyzersEnabled"] = true } },
        });
        await lsp.NotifyAsync("textDocument/didOpen", new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri, ["languageId"] = "csharp", ["version"] = 1, ["text"] = Handler },
        });

        // The GRIP0003 error, at the method name, with the descriptor's message.
        var first = await WaitForDiagnosticsAsync(lsp, uri, items => items.Any(d => Code(d) == "GRIP0003"), FirstDiagnosticTimeout);
        var timeToFirst = serverStart.Elapsed;
        output.WriteLine($"server start -> first GRIP diagnostic: {timeToFirst.TotalSeconds:F1} s");
        var grip = first.Single(d => Code(d) == "GRIP0003");
        var (line, column) = Position(Handler, "public async void Bad", "Bad");
        Assert.Equal(line, (int)grip["range"]!["start"]!["line"]!);
        Assert.Equal(column, (int)grip["range"]!["start"]!["character"]!);
        Assert.Equal(line, (int)grip["range"]!["end"]!["line"]!);
        Assert.Equal(column + "Bad".Length, (int)grip["range"]!["end"]!["character"]!);
        Assert.Equal(
            "'Bad' is async void: the response would be sent before it finishes and its exceptions would crash the process; return Task or ValueTask instead",
            (string?)grip["message"]);
        Assert.Equal(1, (int?)grip["severity"]); // Error
        // The generated IGripHandler implementation is visible: Dispatch<EchoHandler> compiles.
        AssertNoGeneratedCodeErrors(first);

        // The check above can fail: a class the generator does not touch is rejected right there.
        string notAHandler = Handler.Replace("Dispatch<EchoHandler>", "Dispatch<Usage2>", StringComparison.Ordinal) + "\npublic sealed class Usage2;\n";
        await ChangeAsync(lsp, uri, 2, notAHandler);
        var broken = await WaitForDiagnosticsAsync(lsp, uri, items => items.Any(d => Code(d) is "CS0311" or "CS0315"), TimeSpan.FromMinutes(1));
        Assert.Contains(broken, d => Code(d) is "CS0311" or "CS0315");

        // Fix the file through didChange: async void -> async Task. The GRIP error disappears and
        // nothing else appears. The #warning marks the new text: an empty report taken before the
        // server analyzed version 3 cannot pass for a clean one.
        string fixedText = Handler.Replace("public async void Bad", "public async Task Bad", StringComparison.Ordinal) + "\n#warning fixed-version\n";
        await ChangeAsync(lsp, uri, 3, fixedText);
        var clean = await WaitForDiagnosticsAsync(lsp, uri, items => items.Any(d => Code(d) == "CS1030" && ((string?)d["message"])?.Contains("fixed-version", StringComparison.Ordinal) == true), TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(clean, d => Code(d)?.StartsWith("GRIP", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(clean, d => (int?)d["severity"] == 1);
        AssertNoGeneratedCodeErrors(clean);

        // Hover on the call through the generated implementation answers.
        var (dispatchLine, dispatchColumn) = Position(fixedText, "Dispatch<EchoHandler>(connection, events)", "Dispatch");
        var hover = await lsp.RequestAsync("textDocument/hover", new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri },
            ["position"] = new JsonObject { ["line"] = dispatchLine, ["character"] = dispatchColumn + 2 },
        }, TimeSpan.FromMinutes(1));
        string hoverText = hover?["contents"]?.ToJsonString() ?? "";
        output.WriteLine("hover: " + hoverText);
        Assert.Contains("Dispatch", hoverText, StringComparison.Ordinal);
        Assert.Contains("EchoHandler", hoverText, StringComparison.Ordinal);

        Assert.NotEmpty(lsp.ConfigurationRequests);
        output.WriteLine($"total {serverStart.Elapsed.TotalSeconds:F1} s in the server");
    }

    [Fact]
    public async Task Editorconfig_raises_the_warning_and_cannot_hide_the_errors_in_a_real_build()
    {
        // docs/editor.md: GRIP0012 is configurable, GRIP errors are not. A command-line build of a
        // consumer of the packed package is the judge (the analyzer test harness ignores raised
        // severities).
        using var work = new TempDirectory("grip-lsp-");
        string consumer = await CreateConsumerAsync(work.Path, """
            using System.Threading.Tasks;
            using Grip;

            namespace Consumer;

            public partial class EchoHandler
            {
                [OnMessage] public async void Bad(string m) => await Task.Yield();
            }

            public partial class Quiet
            {
                [OnMessage] public void NoMessage() { }
            }
            """);
        File.WriteAllText(Path.Combine(consumer, ".editorconfig"), """
            root = true

            [*.cs]
            dotnet_diagnostic.GRIP0012.severity = error
            dotnet_diagnostic.GRIP0003.severity = none
            dotnet_analyzer_diagnostic.category-GripHandlers.severity = none
            """);
        string log = await Run("dotnet", ["build", "--nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false"], consumer, TimeSpan.FromMinutes(5), PackagesEnvironment(work.Path), expectFailure: true);
        Assert.Matches(@"EchoHandler\.cs\(8,\d+\): error GRIP0003", log);
        Assert.Matches(@"EchoHandler\.cs\(13,\d+\): error GRIP0012", log);
    }

    /// <summary>
    /// A consumer project as a user writes it: a PackageReference, a nuget.config with the local feed
    /// for Grip.* and nuget.org for the rest, and an empty package folder (NUGET_PACKAGES) so no stale
    /// Grip.Abstractions from an earlier run can be used. Restored before returning.
    /// </summary>
    private async Task<string> CreateConsumerAsync(string workPath, string source)
    {
        string consumer = Directory.CreateDirectory(Path.Combine(workPath, "consumer")).FullName;
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Grip.Abstractions" Version="{package.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), package.Packages.NuGetConfig());
        // The consumer lives under /tmp, far from the repository's build rules; be explicit anyway.
        Dotnet.IsolateFromParentBuildFiles(consumer);
        File.WriteAllText(Path.Combine(consumer, "EchoHandler.cs"), source);

        await Run("dotnet", ["restore", "--nologo"], consumer, TimeSpan.FromMinutes(5), PackagesEnvironment(workPath));
        Assert.True(Directory.Exists(Path.Combine(workPath, "packages", "grip.abstractions", package.Version)), "Grip.Abstractions was not restored from the local feed");
        return consumer;
    }

    private static Dictionary<string, string?> PackagesEnvironment(string workPath) => Dotnet.IsolatedPackages(workPath);

    private static void AssertNoGeneratedCodeErrors(IReadOnlyList<JsonNode> diagnostics)
    {
        string[] missingGenerated = ["CS0103", "CS1061", "CS0117", "CS0311", "CS0315", "CS0535", "CS8920"];
        var bad = diagnostics.Where(d => missingGenerated.Contains(Code(d))).Select(d => d.ToJsonString()).ToArray();
        Assert.True(bad.Length == 0, "the generated code is not visible to the editor:\n" + string.Join("\n", bad));
    }

    private static Task ChangeAsync(LspClient lsp, string uri, int version, string text) =>
        lsp.NotifyAsync("textDocument/didChange", new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri, ["version"] = version },
            ["contentChanges"] = new JsonArray(new JsonObject { ["text"] = text }),
        });

    /// <summary>
    /// Pulls textDocument/diagnostic (and reads any pushed publishDiagnostics) until
    /// <paramref name="done"/> holds for the latest report.
    /// </summary>
    private async Task<IReadOnlyList<JsonNode>> WaitForDiagnosticsAsync(LspClient lsp, string uri, Func<IReadOnlyList<JsonNode>, bool> done, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        IReadOnlyList<JsonNode> last = [];
        while (deadline.Elapsed < timeout)
        {
            var report = await lsp.RequestAsync("textDocument/diagnostic", new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = uri },
            }, TimeSpan.FromMinutes(2));
            last = report?["items"]?.AsArray().Where(i => i is not null).Select(i => i!).ToArray() ?? [];
            if (done(last))
            {
                return last;
            }

            while (lsp.Pushed.TryDequeue(out var pushed))
            {
                if ((string?)pushed["uri"] == uri)
                {
                    var items = pushed["diagnostics"]!.AsArray().Where(i => i is not null).Select(i => i!).ToArray();
                    if (done(items))
                    {
                        return items;
                    }
                }
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"diagnostics did not reach the expected state in {timeout.TotalSeconds} s; last: "
            + string.Join("\n", last.Select(d => d.ToJsonString())) + "\nserver stderr:\n" + lsp.StandardError);
    }

    private static string? Code(JsonNode diagnostic) => diagnostic["code"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)diagnostic["code"] : diagnostic["code"]?.ToJsonString();

    /// <summary>0-based line and UTF-16 column of <paramref name="token"/> inside the first line containing <paramref name="context"/>.</summary>
    private static (int Line, int Column) Position(string text, string context, string token)
    {
        string[] lines = text.Split('\n');
        int line = Array.FindIndex(lines, l => l.Contains(context, StringComparison.Ordinal));
        Assert.True(line >= 0, context);
        return (line, lines[line].IndexOf(context, StringComparison.Ordinal) + context.IndexOf(token, StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> CleanEnvironment(IDictionary<string, string?>? extra) => Dotnet.CleanEnvironment(extra);

    private static Task<string> Run(string fileName, string[] arguments, string workingDirectory, TimeSpan timeout, IDictionary<string, string?>? environment = null, bool expectFailure = false) =>
        Dotnet.RunAsync(fileName, arguments, workingDirectory, timeout, environment, expectFailure);
}
