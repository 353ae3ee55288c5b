using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Grip.Tests.Packaging;
using Microsoft.CodeAnalysis;

namespace Grip.Package.Tests;

/// <summary>
/// GripPublicBaseUrl (Directory.Build.props) is the one source of every link the project publishes.
/// Unset (today): diagnostics carry no help link and the package README lists every id with its fix.
/// Set: every diagnostic links to &lt;base&gt;/docs/diagnostics/GRIPnnnn.md. No tracked file names a host
/// that does not exist.
/// </summary>
public sealed partial class HelpLinkTests(ITestOutputHelper output)
{
    private const string TestBaseUrl = "https://docs.griphandlers.test/base";

    [Fact]
    public void In_the_repository_build_no_diagnostic_has_a_help_link()
    {
        var descriptors = Descriptors(typeof(Grip.Generators.Analyzers.HandlerAnalyzer).Assembly);
        Assert.True(descriptors.Count >= 15, $"{descriptors.Count} descriptors");
        Assert.All(descriptors, d => Assert.Equal("", d.HelpLinkUri));
    }

    [Fact]
    public async Task With_GripPublicBaseUrl_set_every_diagnostic_links_to_its_page()
    {
        // A build of the generator alone, with the property set (a trailing slash is trimmed), into its
        // own artifacts folder: the repository's obj/ and bin/ are not touched.
        using var work = new TempDirectory("grip-baseurl-");
        string root = PackageFeed.RepositoryRoot();
        var timer = Stopwatch.StartNew();
        await Dotnet.RunAsync(
            "dotnet",
            ["build", Path.Combine(root, "src", "Grip.Generators", "Grip.Generators.csproj"), "-c", "Release", "--artifacts-path", work.Path, "-p:GripPublicBaseUrl=" + TestBaseUrl + "/", "-nodeReuse:false", "-p:UseSharedCompilation=false", "--nologo"],
            root,
            TimeSpan.FromMinutes(10));
        output.WriteLine($"built the generator with GripPublicBaseUrl in {timer.Elapsed.TotalSeconds:F1} s");
        string dll = Directory.GetFiles(work.Path, "Grip.Generators.dll", SearchOption.AllDirectories).Single(p => p.Contains("/bin/", StringComparison.Ordinal));

        var context = new AssemblyLoadContext("grip-generators-with-base-url", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(dll);
            Assert.Equal(TestBaseUrl, assembly.GetType("Grip.Generators.GripBuildInfo", throwOnError: true)!.GetField("PublicBaseUrl")!.GetRawConstantValue());
            var linked = Descriptors(assembly);
            var unlinked = Descriptors(typeof(Grip.Generators.Analyzers.HandlerAnalyzer).Assembly);
            Assert.Equal(unlinked.Select(d => d.Id).Order(StringComparer.Ordinal), linked.Select(d => d.Id).Order(StringComparer.Ordinal));
            foreach (var descriptor in linked)
            {
                Assert.Equal($"{TestBaseUrl}/docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri);
                Assert.True(File.Exists(Path.Combine(root, "docs", "diagnostics", descriptor.Id + ".md")), descriptor.Id + " has no page");
            }
        }
        finally
        {
            context.Unload();
        }
    }

    [Theory]
    [InlineData("ftp://griphandlers.test/x")]
    [InlineData("griphandlers.test")]
    [InlineData("https://griphandlers.test/a b")]
    [InlineData("https://griphandlers.test/?q=1")]
    public async Task A_GripPublicBaseUrl_that_is_not_a_plain_http_url_fails_the_build_with_a_clear_error(string value)
    {
        using var work = new TempDirectory("grip-baseurl-");
        string root = PackageFeed.RepositoryRoot();
        string log = await Dotnet.RunAsync(
            "dotnet",
            ["build", Path.Combine(root, "src", "Grip.Generators", "Grip.Generators.csproj"), "-c", "Release", "--artifacts-path", work.Path, "-p:GripPublicBaseUrl=" + value, "-nodeReuse:false", "--nologo"],
            root,
            TimeSpan.FromMinutes(10),
            expectFailure: true);
        Assert.Contains($"error : GripPublicBaseUrl must be an absolute http(s) URL without a query, fragment, quotes, backslashes or spaces, such as https://github.com/OWNER/griphandlers; got '{value}'.", log, StringComparison.Ordinal);
    }

    [Fact]
    public void The_package_readme_lists_every_diagnostic_with_its_severity_title_and_fix()
    {
        // src/Grip.Abstractions/README.md ships inside the package that carries the generator: while
        // diagnostics have no help link, this table is where an id leads.
        var descriptors = Descriptors(typeof(Grip.Generators.Analyzers.HandlerAnalyzer).Assembly).ToDictionary(d => d.Id, StringComparer.Ordinal);
        string root = PackageFeed.RepositoryRoot();
        var rows = DiagnosticRows(File.ReadAllText(Path.Combine(root, "src", "Grip.Abstractions", "README.md")));
        Assert.Equal(descriptors.Keys.Order(StringComparer.Ordinal), rows.Select(r => r[0]).Order(StringComparer.Ordinal));
        foreach (string[] row in rows)
        {
            var descriptor = descriptors[row[0]];
            Assert.Equal(4, row.Length);
            Assert.Equal(descriptor.DefaultSeverity.ToString(), row[1]);
            Assert.Equal(descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture), row[2]);
            Assert.True(row[3].Length >= 15, row[0] + ": no fix in the package README");
        }

        // docs/diagnostics/README.md, the index of the per-id pages, lists the same ids, severities and titles.
        var index = DiagnosticRows(File.ReadAllText(Path.Combine(root, "docs", "diagnostics", "README.md")));
        Assert.Equal(descriptors.Keys.Order(StringComparer.Ordinal), index.Select(r => IndexId().Match(r[0]).Groups[1].Value).Order(StringComparer.Ordinal));
        foreach (string[] row in index)
        {
            var descriptor = descriptors[IndexId().Match(row[0]).Groups[1].Value];
            Assert.Equal(descriptor.DefaultSeverity.ToString(), row[1]);
            Assert.Equal(descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture), row[2]);
        }
    }

    [Fact]
    public async Task No_tracked_file_names_a_host_under_the_invalid_top_level_domain()
    {
        // The links that pointed nowhere (help links, the repository URL) used such a host. Built from
        // parts so this file does not match itself.
        string root = PackageFeed.RepositoryRoot();
        string listing = await Dotnet.RunAsync("git", ["ls-files", "-z"], root, TimeSpan.FromMinutes(1));
        string[] files = listing.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(files.Length > 100, $"git ls-files listed {files.Length} files");
        var pattern = new Regex("example" + @"\.invalid|https?://[^\s/""'<>)]*\." + "invalid" + @"\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        var hits = new List<string>();
        foreach (string file in files)
        {
            string path = Path.Combine(root, file);
            if (!File.Exists(path) || new FileInfo(path).Length > 4_000_000)
            {
                continue;
            }

            string text = File.ReadAllText(path);
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                continue; // binary
            }

            hits.AddRange(pattern.Matches(text).Select(m => $"{file}: {m.Value}"));
        }

        Assert.True(hits.Count == 0, "links to hosts that do not exist:\n" + string.Join("\n", hits));
    }

    /// <summary>Every DiagnosticDescriptor in Grip.Generators.Diagnostics.DiagnosticDescriptors of <paramref name="generator"/>.</summary>
    private static List<DiagnosticDescriptor> Descriptors(Assembly generator) =>
        generator.GetType("Grip.Generators.Diagnostics.DiagnosticDescriptors", throwOnError: true)!
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToList();

    /// <summary>The cells of the markdown table rows whose first cell names a GRIP id.</summary>
    private static List<string[]> DiagnosticRows(string markdown) =>
        markdown.Split('\n')
            .Where(l => l.StartsWith("| GRIP", StringComparison.Ordinal) || l.StartsWith("| [GRIP", StringComparison.Ordinal))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .ToList();

    [GeneratedRegex(@"^\[(GRIP\d{4})\]")]
    private static partial Regex IndexId();
}
