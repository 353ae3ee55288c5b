using System.Text.Json;
using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Tests.Packaging;

namespace Grip.EndToEnd.Tests;

/// <summary>
/// GripNativeAotPgo (src/Grip.Hosting/buildTransitive/Grip.Hosting.targets, docs/configuration.md): with
/// it, a Native AOT publish hands the compiler the .NET runtime pack's StandardOptimizationData.mibc (the
/// profile the JIT build's framework assemblies were precompiled with); a project's own profiles stay.
/// Off by default, off without Native AOT. Evaluated on a throwaway project that imports the targets the
/// way the package's buildTransitive/ does (the compiler turns each MibcFile item into --mibc).
/// </summary>
public sealed class NativeAotPgoTests
{
    private const string ProfileSuffix = "/tools/StandardOptimizationData.mibc";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task GripNativeAotPgo_adds_the_runtime_packs_profile_and_keeps_the_projects_own()
    {
        using var project = new PgoProject();
        string own = Path.Combine(project.Directory, "mine.mibc");
        File.WriteAllBytes(own, []);

        var profiles = await project.MibcFilesAsync("-p:PublishAot=true", "-p:GripNativeAotPgo=true", "-p:OwnProfile=" + own);

        Assert.Equal(2, profiles.Length);
        Assert.Contains(own, profiles);
        string runtimePack = Assert.Single(profiles, p => p != own);
        Assert.EndsWith(ProfileSuffix, runtimePack.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.Contains("microsoft.netcore.app.runtime.linux-x64", runtimePack, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(runtimePack), runtimePack);
    }

    [Fact]
    public async Task Without_GripNativeAotPgo_or_without_Native_AOT_no_profile_is_added()
    {
        using var project = new PgoProject();

        Assert.Empty(await project.MibcFilesAsync("-p:PublishAot=true"));
        Assert.Empty(await project.MibcFilesAsync("-p:PublishAot=true", "-p:GripNativeAotPgo=false"));
        Assert.Empty(await project.MibcFilesAsync("-p:PublishAot=false", "-p:GripNativeAotPgo=true"));
    }

    /// <summary>
    /// A throwaway project that imports the repository's Grip.Hosting.targets the way the package's
    /// buildTransitive/ does, for the linux-x64 runtime (whose runtime pack the AOT publish restores).
    /// </summary>
    private sealed class PgoProject : IDisposable
    {
        private readonly TempDirectory _directory = new("grip-pgo-");

        public PgoProject()
        {
            string targets = Path.Combine(SampleBinaries.RepoRoot, "src", "Grip.Hosting", "buildTransitive", "Grip.Hosting.targets");
            File.WriteAllText(Path.Combine(Directory, "Pgo.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <OutputType>Exe</OutputType>
                    <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
                  </PropertyGroup>
                  <ItemGroup>
                    <MibcFile Include="$(OwnProfile)" Condition="'$(OwnProfile)' != ''" />
                  </ItemGroup>
                  <Import Project="{targets}" />
                </Project>
                """);
        }

        public string Directory => _directory.Path;

        /// <summary>The compiler's MibcFile items once the targets ran before the response file is written.</summary>
        public async Task<string[]> MibcFilesAsync(params string[] properties)
        {
            string output = await Dotnet.RunAsync(
                "dotnet",
                ["msbuild", "-restore", "-nologo", "-nodeReuse:false", "-t:ResolveFrameworkReferences;_GripAddNativeAotPgoData", "-getItem:MibcFile", .. properties],
                Directory,
                CommandTimeout);

            // -getItem prints JSON ({"Items":{"MibcFile":[{"Identity":...}]}}), or nothing when there is no item.
            int start = output.IndexOf('{', StringComparison.Ordinal);
            if (start < 0)
            {
                return [];
            }

            using var json = JsonDocument.Parse(output[start..(output.LastIndexOf('}') + 1)]);
            return json.RootElement.GetProperty("Items").TryGetProperty("MibcFile", out var items)
                ? items.EnumerateArray().Select(i => i.GetProperty("FullPath").GetString()!).ToArray()
                : [];
        }

        public void Dispose() => _directory.Dispose();
    }
}
