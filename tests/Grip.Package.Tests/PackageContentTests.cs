using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Grip.Tests.Packaging;

namespace Grip.Package.Tests;

/// <summary>
/// What `dotnet pack` puts into each package: the metadata NuGet shows (README, description, tags),
/// nothing that points at a host while GripPublicBaseUrl is unset, the generator inside
/// Grip.Abstractions and flowing through Grip.Hosting and Grip.Testing, and symbol packages whose PDBs
/// match the assemblies, are deterministic and carry their sources.
/// </summary>
[Collection(PackagesDefinition.Name)]
public sealed class PackageContentTests(PackagesFixture packages)
{
    private static readonly string[] Libraries = ["Grip.Abstractions", "Grip.Hosting", "Grip.Testing"];

    // Custom debug information kinds of the Portable PDB format.
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    [Fact]
    public void Every_package_has_a_readme_a_description_and_tags_and_points_nowhere_while_the_project_has_no_public_host()
    {
        foreach (string id in Libraries.Append("Grip.Templates"))
        {
            using var zip = ZipFile.OpenRead(packages.Feed.Package(id));
            var metadata = Nuspec(zip).Root!.Element(Ns(zip) + "metadata")!;
            string Get(string name) => metadata.Element(Ns(zip) + name)?.Value ?? "";

            Assert.Equal(id, Get("id"));
            Assert.Equal("README.md", Get("readme"));
            string readme = Read(zip, "README.md");
            Assert.StartsWith("# " + id, readme, StringComparison.Ordinal);
            Assert.True(Get("description").Length > 40, id + ": description");
            string[] tags = Get("tags").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains("grip", tags);
            Assert.Contains("websocket", tags);

            // The licence is LICENSE's, as an SPDX expression; NuGet itself adds its licenses.nuget.org
            // page, the only link allowed while GripPublicBaseUrl is unset: no project URL, no
            // repository URL, no icon. The commit id alone is a fact, not a link.
            var license = metadata.Element(Ns(zip) + "license");
            Assert.NotNull(license);
            Assert.Equal("expression", license.Attribute("type")?.Value);
            Assert.Equal("MIT", license.Value);
            Assert.Null(metadata.Element(Ns(zip) + "projectUrl"));
            var repository = metadata.Element(Ns(zip) + "repository");
            Assert.Null(repository?.Attribute("url"));
            string links = Nuspec(zip).ToString()
                .Replace("http://schemas.microsoft.com/packaging/", "", StringComparison.Ordinal)
                .Replace("https://licenses.nuget.org/MIT", "", StringComparison.Ordinal);
            Assert.DoesNotContain("://", links, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_generator_ships_in_Grip_Abstractions_and_reaches_users_of_Grip_Hosting_and_Grip_Testing()
    {
        using (var zip = ZipFile.OpenRead(packages.Feed.Package("Grip.Abstractions")))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("analyzers/dotnet/cs/Grip.Generators.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/Grip.CodeFixes.dll", entries);
            Assert.Contains("lib/net10.0/Grip.Abstractions.dll", entries);
            Assert.Contains("lib/net10.0/Grip.Abstractions.xml", entries);
        }

        // A dependency that excludes Analyzers would keep the generator from `dotnet add package Grip.Hosting`.
        foreach (var (id, dependency) in new[] { ("Grip.Hosting", "Grip.Abstractions"), ("Grip.Testing", "Grip.Hosting") })
        {
            using var zip = ZipFile.OpenRead(packages.Feed.Package(id));
            var element = Nuspec(zip).Descendants(Ns(zip) + "dependency").Single(d => (string?)d.Attribute("id") == dependency);
            Assert.Equal(packages.Feed.Version, (string?)element.Attribute("version"));
            Assert.DoesNotContain("Analyzers", (string?)element.Attribute("exclude") ?? "", StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Grip_Hosting_carries_the_AsyncAPI_build_target_the_samples_import()
    {
        using var zip = ZipFile.OpenRead(packages.Feed.Package("Grip.Hosting"));
        Assert.Equal(
            File.ReadAllText(Path.Combine(PackageFeed.RepositoryRoot(), "src", "Grip.Hosting", "buildTransitive", "Grip.Hosting.targets")),
            Read(zip, "buildTransitive/Grip.Hosting.targets"));
    }

    [Fact]
    public void Symbol_packages_hold_matching_deterministic_pdbs_with_embedded_sources_and_no_source_link()
    {
        foreach (string id in Libraries)
        {
            using var nupkg = ZipFile.OpenRead(packages.Feed.Package(id));
            using var snupkg = ZipFile.OpenRead(packages.Feed.Package(id, ".snupkg"));
            Assert.DoesNotContain(nupkg.Entries, e => e.FullName.EndsWith(".pdb", StringComparison.Ordinal));

            using var peStream = Copy(nupkg, $"lib/net10.0/{id}.dll");
            using var pe = new PEReader(peStream);
            var debugDirectory = pe.ReadDebugDirectory();
            // Deterministic compilation stamps a Reproducible entry; the CodeView entry names the PDB.
            Assert.Contains(debugDirectory, e => e.Type == DebugDirectoryEntryType.Reproducible);
            var codeView = pe.ReadCodeViewDebugDirectoryData(debugDirectory.Single(e => e.Type == DebugDirectoryEntryType.CodeView));

            using var pdbStream = Copy(snupkg, $"lib/net10.0/{id}.pdb");
            using var provider = MetadataReaderProvider.FromPortablePdbStream(pdbStream);
            var pdb = provider.GetMetadataReader();
            Assert.Equal(codeView.Guid, new Guid(pdb.DebugMetadataHeader!.Id.AsSpan(0, 16)));

            // No public host: SourceLink is off (nothing to point at), so every source file is inside the PDB.
            Assert.DoesNotContain(pdb.GetCustomDebugInformation(EntityHandle.ModuleDefinition), h => pdb.GetGuid(pdb.GetCustomDebugInformation(h).Kind) == SourceLinkKind);
            int documents = 0;
            foreach (var handle in pdb.Documents)
            {
                documents++;
                string name = pdb.GetString(pdb.GetDocument(handle).Name);
                Assert.True(
                    pdb.GetCustomDebugInformation(handle).Any(h => pdb.GetGuid(pdb.GetCustomDebugInformation(h).Kind) == EmbeddedSourceKind),
                    $"{id}.pdb: {name} has no embedded source");
                // CI builds (CI=true) map paths to /_/ (ContinuousIntegrationBuild): no build machine's paths in the PDB.
                if (Environment.GetEnvironmentVariable("CI") == "true")
                {
                    Assert.StartsWith("/_/", name, StringComparison.Ordinal);
                }
            }

            Assert.True(documents > 3, $"{id}.pdb lists {documents} documents");
        }
    }

    [Fact]
    public void The_template_package_carries_grip_origin_stamped_with_the_packed_version()
    {
        using var zip = ZipFile.OpenRead(packages.Feed.Package("Grip.Templates"));
        Assert.Contains(Nuspec(zip).Descendants(Ns(zip) + "packageType"), t => (string?)t.Attribute("name") == "Template");
        var entries = zip.Entries.Select(e => e.FullName).ToArray();
        foreach (string file in new[]
        {
            ".template.config/template.json", ".gitignore", "GripOrigin.slnx", "src/GripOrigin/GripOrigin.csproj", "src/GripOrigin/ChatHandler.cs",
            "src/GripOrigin/Pages/index.html", "tests/GripOrigin.Tests/GripOrigin.Tests.csproj", "tests/GripOrigin.Tests/ChatTests.cs",
        })
        {
            Assert.Contains("content/grip-origin/" + file, entries);
        }

        Assert.DoesNotContain(entries, e => e.Contains("/bin/", StringComparison.Ordinal) || e.Contains("/obj/", StringComparison.Ordinal) || e.StartsWith("lib/", StringComparison.Ordinal));
        string template = Read(zip, "content/grip-origin/.template.config/template.json");
        Assert.Contains($"\"defaultValue\": \"{packages.Feed.Version}\"", template, StringComparison.Ordinal);
        Assert.DoesNotContain("@GRIP_VERSION@", template, StringComparison.Ordinal);
        Assert.Contains("\"shortName\": \"grip-origin\"", template, StringComparison.Ordinal);
        // The projects reference the packages through the parameter the stamped default fills in.
        Assert.Contains("Include=\"Grip.Hosting\" Version=\"GRIP_PACKAGE_VERSION\"", Read(zip, "content/grip-origin/src/GripOrigin/GripOrigin.csproj"), StringComparison.Ordinal);
        Assert.Contains("Include=\"Grip.Testing\" Version=\"GRIP_PACKAGE_VERSION\"", Read(zip, "content/grip-origin/tests/GripOrigin.Tests/GripOrigin.Tests.csproj"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_packable_project_is_a_shipped_package()
    {
        // .ci/run and the fixtures pack PackageFeed.ShippedProjects: a new package must be added there.
        string root = PackageFeed.RepositoryRoot();
        var packable = Directory.GetFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(root, "templates"), "*.csproj", SearchOption.AllDirectories))
            .Where(p => !p.Contains("/content/", StringComparison.Ordinal))
            .Where(p => !File.ReadAllText(p).Contains("<IsPackable>false</IsPackable>", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal(PackageFeed.ShippedProjects.Order(StringComparer.Ordinal), packable);
        string ci = File.ReadAllText(Path.Combine(root, ".ci", "run"));
        foreach (string project in PackageFeed.ShippedProjects)
        {
            Assert.Contains(Path.GetDirectoryName(project)!, ci, StringComparison.Ordinal);
        }
    }

    private static XDocument Nuspec(ZipArchive zip) =>
        XDocument.Parse(Read(zip, zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal)).FullName));

    private static XNamespace Ns(ZipArchive zip) => Nuspec(zip).Root!.Name.Namespace;

    private static string Read(ZipArchive zip, string entry)
    {
        using var reader = new StreamReader((zip.GetEntry(entry) ?? throw new InvalidOperationException("no " + entry)).Open());
        return reader.ReadToEnd();
    }

    private static MemoryStream Copy(ZipArchive zip, string entry)
    {
        var copy = new MemoryStream();
        using (var stream = (zip.GetEntry(entry) ?? throw new InvalidOperationException("no " + entry)).Open())
        {
            stream.CopyTo(copy);
        }

        copy.Position = 0;
        return copy;
    }
}
