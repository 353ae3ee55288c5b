using Microsoft.CodeAnalysis;

namespace Grip.Docs.Tests;

/// <summary>
/// Every C# block in docs/*.md and in the package READMEs compiles as shown against the real
/// assemblies, with the GripHandlers generator and analyzers attached (the convention for fragments:
/// <see cref="DocSnippets"/>).
/// </summary>
public sealed class DocsCompileTests
{
    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        foreach (string document in DocumentPaths())
        {
            data.Add(document);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Every_csharp_block_compiles_as_shown(string document)
    {
        string root = RepositoryRoot();
        var snippets = DocSnippets.Parse(document, File.ReadAllText(Path.Combine(root, document)));
        Assert.NotEmpty(snippets);
        var diagnostics = await DocSnippets.CompileAsync(snippets, root);
        Assert.True(diagnostics.Count == 0, $"{document}: {diagnostics.Count} problem(s):\n" + string.Join("\n", diagnostics.Select(Describe)));
    }

    [Fact]
    public void The_documents_with_csharp_blocks_are_the_ones_compiled()
    {
        // The theory above runs per document that has a C# block; this keeps the list from silently
        // shrinking (a renamed folder, a glob that stopped matching).
        string root = RepositoryRoot();
        var documents = DocumentPaths();
        Assert.Contains("docs/handlers.md", documents);
        Assert.Contains("docs/testing.md", documents);
        Assert.Contains("src/Grip.Abstractions/README.md", documents);
        int blocks = documents.Sum(d => DocSnippets.Parse(d, File.ReadAllText(Path.Combine(root, d))).Count);
        int compiled = documents.Sum(d => DocSnippets.Parse(d, File.ReadAllText(Path.Combine(root, d))).Count(s => s.Kind != SnippetKind.Pending));
        Assert.True(blocks >= 20, $"{blocks} C# blocks found");
        Assert.True(compiled >= blocks - 2, $"only {compiled} of {blocks} C# blocks are compiled; the rest are marked pending");
    }

    [Fact]
    public void Markers_choose_how_a_block_is_wrapped()
    {
        var snippets = DocSnippets.Parse("doc.md", """
            Text.

            ```csharp
            public sealed class A;
            ```

            <!-- snippet: statements(Grip.IGripPublisher publisher, string text) with samples/Chat -->
            ```csharp
            using Grip.Publishing;

            await publisher.PublishAsync("room", text);
            ```

            <!-- snippet: members(int x) -->
            ```csharp
            public int X => x;
            ```

            <!-- snippet: pending: not built yet -->
            ```csharp
            [Future] class B { ... }
            ```

            ```sh
            echo not csharp
            ```
            """);

        Assert.Equal([SnippetKind.File, SnippetKind.Statements, SnippetKind.Members, SnippetKind.Pending], snippets.Select(s => s.Kind));
        Assert.Equal([4, 9, 16, 21], snippets.Select(s => s.Line));
        Assert.Equal("Grip.IGripPublisher publisher, string text", snippets[1].Parameters);
        Assert.Equal(["samples/Chat"], snippets[1].With);
        Assert.Equal("not built yet", snippets[3].Reason);

        string statements = DocSnippets.Wrap(snippets[1]);
        Assert.StartsWith("#line 9 \"doc.md\"\nusing Grip.Publishing;\n", statements, StringComparison.Ordinal);
        Assert.Contains("internal static async Task Run(Grip.IGripPublisher publisher, string text)", statements, StringComparison.Ordinal);
        Assert.Contains("#line 11 \"doc.md\"\nawait publisher.PublishAsync", statements, StringComparison.Ordinal);
        Assert.Contains("public sealed partial class __DocSnippet_L16(int x)", DocSnippets.Wrap(snippets[2]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<!-- snippet: statement() -->", "is not a snippet marker")]
    [InlineData("<!-- snippet: statements -->", "need a parameter list")]
    [InlineData("<!-- snippet: pending -->", "says why")]
    [InlineData("<!-- snippet: file(int x) -->", "takes no parameters")]
    [InlineData("<!-- snippet: members() using Grip -->", "only 'with <project folder>'")]
    public void A_malformed_marker_is_an_error_naming_the_line(string marker, string message)
    {
        var error = Assert.Throws<FormatException>(() => DocSnippets.Parse("doc.md", "Text.\n\n" + marker + "\n```csharp\nint x = 1;\n```\n"));
        Assert.Contains("doc.md:3:", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_block_that_would_not_build_fails_with_its_document_line()
    {
        // The mistakes issue 16 found in docs/handlers.md: an unused constructor parameter (CS9113) and
        // a handler the GRIP analyzers reject; also a missing using. Each is reported at its line.
        var snippets = DocSnippets.Parse("docs/broken.md", """
            ```csharp
            using Grip;
            using Grip.Publishing;

            public sealed partial class ChatHandler(IGripPublisher publisher)
            {
                [OnMessage] public async void Text(string text) => await Task.Yield();
            }
            ```

            <!-- snippet: statements(string url) -->
            ```csharp
            var config = GripUrl.Parse(url);
            ```
            """);
        var diagnostics = await DocSnippets.CompileAsync(snippets, RepositoryRoot());
        var found = diagnostics.Select(d => (d.Id, d.Location.GetMappedLineSpan().Path, d.Location.GetMappedLineSpan().StartLinePosition.Line + 1)).ToArray();
        Assert.Contains(("CS9113", "docs/broken.md", 5), found);
        Assert.Contains(("GRIP0003", "docs/broken.md", 7), found);
        Assert.Contains(("CS0103", "docs/broken.md", 13), found);
    }

    [Fact]
    public async Task A_block_may_use_a_sample_it_names()
    {
        var snippets = DocSnippets.Parse("doc.md", """
            <!-- snippet: statements(WebApplication app) with samples/Chat -->
            ```csharp
            using Chat;

            app.MapGripHandler<ChatHandler>("/chat");
            ```
            """);
        Assert.Empty(await DocSnippets.CompileAsync(snippets, RepositoryRoot()));

        var without = DocSnippets.Parse("doc.md", """
            <!-- snippet: statements(WebApplication app) -->
            ```csharp
            app.MapGripHandler<ChatHandler>("/chat");
            ```
            """);
        Assert.Contains(await DocSnippets.CompileAsync(without, RepositoryRoot()), d => d.Id == "CS0246");
    }

    private static string Describe(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        return $"  {span.Path}:{span.StartLinePosition.Line + 1}: {diagnostic.Severity} {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    /// <summary>docs/*.md, the README and the packages' READMEs that contain at least one C# block.</summary>
    private static List<string> DocumentPaths()
    {
        string root = RepositoryRoot();
        var candidates = Directory.GetFiles(Path.Combine(root, "docs"), "*.md")
            .Append(Path.Combine(root, "README.md"))
            .Concat(Directory.GetFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories))
            .Concat(Directory.GetFiles(Path.Combine(root, "templates"), "README.md", SearchOption.AllDirectories));
        return candidates
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Where(p => !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal) && !p.Contains("node_modules", StringComparison.Ordinal))
            .Where(p => DocSnippets.Parse(p, File.ReadAllText(Path.Combine(root, p))).Count > 0)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

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
}
