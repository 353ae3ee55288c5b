using System.IO.Compression;
using Grip.Tests.Packaging;

namespace Grip.LanguageServer.Tests;

/// <summary>
/// Packs src/Grip.Abstractions once for the test class into a temporary folder feed (what users
/// install; tests/Shared/PackageFeed.cs), and checks the generator and the code fixes are inside under
/// analyzers/dotnet/cs.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    private PackageFeed? _feed;

    public string Feed => Packages.Directory;

    public PackageFeed Packages => _feed ?? throw new InvalidOperationException("not packed yet");

    public string Version => Packages.Version;

    public TimeSpan PackTime => Packages.PackTime;

    public async Task InitializeAsync()
    {
        _feed = await PackageFeed.PackAsync(["src/Grip.Abstractions/Grip.Abstractions.csproj"]);
        using var zip = ZipFile.OpenRead(_feed.Package("Grip.Abstractions"));
        var entries = zip.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("analyzers/dotnet/cs/Grip.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Grip.CodeFixes.dll", entries);
        Assert.Contains("lib/net10.0/Grip.Abstractions.dll", entries);
    }

    public Task DisposeAsync()
    {
        _feed?.Dispose();
        return Task.CompletedTask;
    }
}
