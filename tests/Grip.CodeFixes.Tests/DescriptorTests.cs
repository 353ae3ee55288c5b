using System.Collections.Immutable;
using Grip.Generators.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Grip.CodeFixes.Tests;

/// <summary>
/// Every GRIP diagnostic has its page under docs/diagnostics/ (linked only when the project has a
/// public base URL), has a category, and every code
/// fix targets a real id; the ids with a fix are exactly the ones docs/editor.md lists.
/// </summary>
public sealed class DescriptorTests
{
    private static readonly ImmutableArray<DiagnosticDescriptor> Descriptors =
    [
        .. new HandlerAnalyzer().SupportedDiagnostics,
        .. new ConstantArgumentAnalyzer().SupportedDiagnostics,
        .. new JsonContextOptionsAnalyzer().SupportedDiagnostics,
    ];

    private static readonly CodeFixProvider[] Fixes =
    [
        new AsyncVoidCodeFixProvider(),
        new MakeHandlerReachableCodeFixProvider(),
        new AddJsonSerializableCodeFixProvider(),
        new CloseCodeCodeFixProvider(),
        new AddMessageParameterCodeFixProvider(),
        new AddWebJsonOptionsCodeFixProvider(),
    ];

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GripHandlers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("GripHandlers.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>GripBuildInfo.PublicBaseUrl of the generator under test: the MSBuild property GripPublicBaseUrl it was built with.</summary>
    private static string PublicBaseUrl() =>
        (string)typeof(HandlerAnalyzer).Assembly.GetType("Grip.Generators.GripBuildInfo", throwOnError: true)!
            .GetField("PublicBaseUrl")!.GetRawConstantValue()!;

    [Fact]
    public void Every_diagnostic_has_a_page_and_a_category_and_a_help_link_only_when_the_project_has_a_public_base_url()
    {
        Assert.NotEmpty(Descriptors);
        string root = RepositoryRoot();
        string baseUrl = PublicBaseUrl();
        foreach (var descriptor in Descriptors)
        {
            // Unset (the repository's default: no public host) means no link at all; a build with
            // -p:GripPublicBaseUrl=... links every id to its page (tests/Grip.Package.Tests builds one).
            Assert.Equal(baseUrl.Length == 0 ? "" : baseUrl + "/docs/diagnostics/" + descriptor.Id + ".md", descriptor.HelpLinkUri);
            Assert.True(File.Exists(Path.Combine(root, "docs", "diagnostics", descriptor.Id + ".md")), descriptor.Id + " has no page");
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Category), descriptor.Id);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString(System.Globalization.CultureInfo.InvariantCulture)), descriptor.Id);
        }
    }

    [Fact]
    public void Every_fix_targets_a_reported_id_and_supports_fix_all_scopes()
    {
        var ids = Descriptors.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var fix in Fixes)
        {
            Assert.All(fix.FixableDiagnosticIds, id => Assert.Contains(id, ids));
            var fixAll = fix.GetFixAllProvider();
            Assert.NotNull(fixAll);
            Assert.Contains(FixAllScope.Document, fixAll.GetSupportedFixAllScopes());
            Assert.Contains(FixAllScope.Project, fixAll.GetSupportedFixAllScopes());
            Assert.Contains(FixAllScope.Solution, fixAll.GetSupportedFixAllScopes());
        }
    }

    [Fact]
    public void The_ids_with_a_fix_are_the_ones_the_editor_page_lists()
    {
        string[] fixable = Fixes.SelectMany(f => f.FixableDiagnosticIds).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["GRIP0003", "GRIP0006", "GRIP0008", "GRIP0010", "GRIP0012", "GRIP0017"], fixable);

        string page = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "editor.md"));
        foreach (var descriptor in Descriptors)
        {
            // Each id appears in the page's table with "yes" or "no" in its fix column.
            string expected = fixable.Contains(descriptor.Id) ? "| yes" : "| no";
            var row = page.Split('\n').FirstOrDefault(l => l.StartsWith("| [" + descriptor.Id + "]", StringComparison.Ordinal));
            Assert.True(row is not null, descriptor.Id + " is missing from docs/editor.md");
            Assert.Contains(expected, row, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Analyzers_are_not_in_the_code_fix_assembly()
    {
        // RS1038: analyzers must not ship in an assembly that references Workspaces.
        var types = typeof(AsyncVoidCodeFixProvider).Assembly.GetTypes();
        Assert.DoesNotContain(types, t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t));
        Assert.DoesNotContain(typeof(HandlerAnalyzer).Assembly.GetReferencedAssemblies(), a => a.Name!.Contains("Workspaces", StringComparison.Ordinal));
    }
}
