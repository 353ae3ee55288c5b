using System.Diagnostics;
using System.IO.Compression;

namespace Grip.LanguageServer.Tests;

/// <summary>
/// Packs src/Grip.Abstractions once for the test class into a temporary folder feed (what users
/// install), and checks the generator and the code fixes are inside under analyzers/dotnet/cs.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    private readonly PackagedAnalyzersInCsharpLsTests.TempDirectory _directory = new();

    public string Feed => Path.Combine(_directory.Path, "feed");

    public string Version { get; private set; } = "";

    public TimeSpan PackTime { get; private set; }

    public async Task InitializeAsync()
    {
        string root = PackagedAnalyzersInCsharpLsTests.RepositoryRoot();
        Directory.CreateDirectory(Feed);
        var timer = Stopwatch.StartNew();
        await PackagedAnalyzersInCsharpLsTests.Run(
            "dotnet",
            ["pack", Path.Combine(root, "src", "Grip.Abstractions"), "-c", "Release", "-o", Feed, "-nodeReuse:false", "--nologo"],
            root,
            TimeSpan.FromMinutes(9));
        PackTime = timer.Elapsed;

        string nupkg = Directory.GetFiles(Feed, "Grip.Abstractions.*.nupkg").Single();
        using (var zip = ZipFile.OpenRead(nupkg))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("analyzers/dotnet/cs/Grip.Generators.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/Grip.CodeFixes.dll", entries);
            Assert.Contains("lib/net10.0/Grip.Abstractions.dll", entries);
        }

        Version = Path.GetFileNameWithoutExtension(nupkg)["Grip.Abstractions.".Length..];
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
