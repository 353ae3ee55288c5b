using System.Text.RegularExpressions;
using System.Xml.Linq;
using Grip.Tests.Packaging;

namespace Grip.Package.Tests;

/// <summary>
/// tests/PackageConsumer, a user's test project, built and tested from the packed packages only (a
/// folder feed and an empty NuGet packages folder; no project references): the generator that builds
/// its handlers comes from the Grip.Abstractions package, and its tests drive them through the test
/// kit behind the development proxy. Its README says how to add tests.
/// </summary>
[Collection(PackagesDefinition.Name)]
public sealed partial class ConsumerTests(PackagesFixture packages, ITestOutputHelper output)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task The_consumer_builds_from_the_packages_without_warnings_and_all_its_tests_pass()
    {
        string consumer = CopyConsumer("run");
        string results = Path.Combine(consumer, "TestResults");
        string log = await Dotnet.RunAsync(
            "dotnet",
            ["test", "-c", "Release", "-p:GripVersion=" + packages.Feed.Version, "--logger", "trx;LogFileName=consumer.trx", "--results-directory", results, "-nodeReuse:false", "-p:UseSharedCompilation=false"],
            consumer,
            CommandTimeout,
            Dotnet.IsolatedPackages(packages.Work.Path),
            expectFailure: false);
        output.WriteLine(log);

        // Built from the feed: the restored Grip.Abstractions is the packed one, generator included.
        string restored = Path.Combine(packages.Work.Path, "packages", "grip.abstractions", packages.Feed.Version);
        Assert.True(File.Exists(Path.Combine(restored, "analyzers", "dotnet", "cs", "Grip.Generators.dll")), "Grip.Abstractions was not restored from the feed");
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(restored, "grip.abstractions." + packages.Feed.Version + ".nupkg")),
            File.ReadAllBytes(packages.Feed.Package("Grip.Abstractions")));

        Assert.DoesNotMatch(WarningLine(), log);

        // The packaged generator wrote the handlers' dispatch code.
        string generated = Path.Combine(consumer, "obj", "Release", "net10.0", "generated", "Grip.Generators");
        Assert.True(Directory.Exists(generated), "no generated code under " + generated);
        var files = Directory.GetFiles(generated, "*.g.cs", SearchOption.AllDirectories).Select(Path.GetFileName).ToArray();
        foreach (string handler in new[] { "EchoHandler", "OrderHandler", "RoomHandler" })
        {
            Assert.Contains(files, f => f!.Contains(handler, StringComparison.Ordinal));
        }

        // Every test in the consumer ran and passed: none skipped, none missing.
        var trx = XDocument.Load(Directory.GetFiles(results, "consumer.trx", SearchOption.AllDirectories).Single());
        XNamespace ns = trx.Root!.Name.Namespace;
        var outcomes = trx.Descendants(ns + "UnitTestResult")
            .Select(r => ((string)r.Attribute("testName")!, (string)r.Attribute("outcome")!))
            .ToArray();
        foreach (var (name, outcome) in outcomes)
        {
            output.WriteLine($"{outcome,-8} {name}");
        }

        Assert.All(outcomes, o => Assert.Equal("Passed", o.Item2));
        int declared = Directory.GetFiles(ConsumerSource(), "*.cs", SearchOption.AllDirectories)
            .Sum(f => TestAttribute().Count(File.ReadAllText(f)));
        Assert.True(declared >= 3, $"tests/PackageConsumer declares {declared} tests");
        Assert.True(outcomes.Length >= declared, $"{outcomes.Length} results for {declared} declared tests");
    }

    [Fact]
    public async Task A_mistake_in_a_consumer_fails_its_build_with_the_GRIP_id_and_no_help_link()
    {
        // GripPublicBaseUrl is unset: the diagnostic has no help link, so the compiler prints no
        // "(https://...)" after the message; the id leads to the package README's list instead.
        string consumer = CopyConsumer("broken");
        File.WriteAllText(Path.Combine(consumer, "Broken.cs"), """
            using Grip;

            namespace PackageConsumer;

            public sealed partial class BrokenHandler
            {
                [OnMessage]
                public async void Text(string text) => await Task.Yield();
            }

            // Issue 16's second run-time failure, now a build error: a second message parameter.
            [GripJsonContext(typeof(BrokenJson))]
            public sealed partial class BrokenJsonHandler
            {
                [OnMessage("chat.send")]
                public string Send(ChatSend m, string raw) => raw + m.Text;
            }

            public sealed record ChatSend(string Id, string Text);

            [System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
            [System.Text.Json.Serialization.JsonSerializable(typeof(ChatSend))]
            public sealed partial class BrokenJson : System.Text.Json.Serialization.JsonSerializerContext;
            """);
        string log = await Dotnet.RunAsync(
            "dotnet",
            ["build", "-c", "Release", "-p:GripVersion=" + packages.Feed.Version, "-nodeReuse:false", "-p:UseSharedCompilation=false"],
            consumer,
            CommandTimeout,
            Dotnet.IsolatedPackages(packages.Work.Path),
            expectFailure: true);

        var line = log.Split('\n').FirstOrDefault(l => l.Contains("error GRIP0003:", StringComparison.Ordinal));
        Assert.True(line is not null, "no GRIP0003 in the build output:\n" + log);
        Assert.Matches(@"Broken\.cs\(8,\d+\): error GRIP0003: 'Text' is async void: .*return Task or ValueTask instead \[", line);
        Assert.DoesNotContain("http", line, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"error GRIP0015: Parameter 'raw' of 'Send' is a second message: 'm' already receives the message", log);
        Assert.Contains("| GRIP0003 |", File.ReadAllText(Path.Combine(packages.Work.Path, "packages", "grip.abstractions", packages.Feed.Version, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_web_app_referencing_Grip_Hosting_writes_its_AsyncAPI_document_when_built_with_GripAsyncApiDocument()
    {
        // The package's buildTransitive/Grip.Hosting.targets, as `dotnet add package Grip.Hosting` gives it:
        // GripAsyncApiDocument=true writes bin/.../<AssemblyName>.asyncapi.json after the build.
        string app = Path.Combine(packages.Work.Path, "webapp");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "WebApp.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <GripAsyncApiDocument>true</GripAsyncApiDocument>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Grip.Hosting" Version="$(GripVersion)" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using WebApp;

            var builder = WebApplication.CreateSlimBuilder(args);
            builder.Services.AddGrip(builder.Configuration);
            var app = builder.Build();
            app.MapGripHandler<EchoHandler>("/api/echo");
            app.MapGripAsyncApi();
            app.Run();
            """);
        File.WriteAllText(Path.Combine(app, "EchoHandler.cs"), """
            using Grip;

            namespace WebApp;

            public sealed partial class EchoHandler
            {
                [OnMessage]
                public static string Text(string text) => text;
            }
            """);
        File.WriteAllText(Path.Combine(app, "nuget.config"), packages.Feed.NuGetConfig());
        Dotnet.IsolateFromParentBuildFiles(app);
        string log = await Dotnet.RunAsync(
            "dotnet",
            ["build", "-c", "Release", "-p:GripVersion=" + packages.Feed.Version, "-nodeReuse:false", "-p:UseSharedCompilation=false"],
            app,
            CommandTimeout,
            Dotnet.IsolatedPackages(packages.Work.Path),
            expectFailure: false);
        output.WriteLine(log);

        string document = Path.Combine(app, "bin", "Release", "net10.0", "WebApp.asyncapi.json");
        Assert.True(File.Exists(document), "no document at " + document + ":\n" + log);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(document));
        Assert.Equal("3.0.0", json.RootElement.GetProperty("asyncapi").GetString());
        Assert.Equal("WebApp", json.RootElement.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal("/api/echo", json.RootElement.GetProperty("channels").GetProperty("echo").GetProperty("address").GetString());
        Assert.DoesNotMatch(WarningLine(), log);
    }

    /// <summary>A copy of tests/PackageConsumer (no bin/obj) next to the feed, with its nuget.config.</summary>
    private string CopyConsumer(string name)
    {
        string source = ConsumerSource();
        string target = Path.Combine(packages.Work.Path, name);
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj" or "TestResults")
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }

        File.WriteAllText(Path.Combine(target, "nuget.config"), packages.Feed.NuGetConfig());
        Dotnet.IsolateFromParentBuildFiles(target);
        return target;
    }

    private static string ConsumerSource() => Path.Combine(PackageFeed.RepositoryRoot(), "tests", "PackageConsumer");

    [GeneratedRegex(@"\[(Fact|Theory)\b")]
    private static partial Regex TestAttribute();

    [GeneratedRegex(@": warning [A-Z]+[0-9]+")]
    private static partial Regex WarningLine();
}
