using Grip.Tests.Packaging;

namespace Grip.Package.Tests;

/// <summary>Every shipped package (tests/Shared/PackageFeed.cs), packed once for the collection.</summary>
public sealed class PackagesFixture : IAsyncLifetime
{
    private PackageFeed? _feed;

    public PackageFeed Feed => _feed ?? throw new InvalidOperationException("not packed yet");

    /// <summary>A NuGet packages folder shared by the collection's consumers: restored once, empty at first.</summary>
    public TempDirectory Work { get; } = new("grip-consumer-");

    public async Task InitializeAsync() => _feed = await PackageFeed.PackAsync(PackageFeed.ShippedProjects);

    public Task DisposeAsync()
    {
        _feed?.Dispose();
        Work.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class PackagesDefinition : ICollectionFixture<PackagesFixture>
{
    public const string Name = "packed packages";
}
