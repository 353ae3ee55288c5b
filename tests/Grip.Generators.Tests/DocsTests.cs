using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Grip.Generators.Tests;

/// <summary>docs/lifecycle.md names a test for every rule; each named test must exist.</summary>
public sealed partial class DocsTests
{
    [Fact]
    public void Every_test_named_in_lifecycle_md_exists()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "lifecycle.md"));
        var testMethods = typeof(DocsTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods().Where(m => m.GetCustomAttributes<FactAttribute>().Any()).Select(m => (Type: t.Name, m.Name)))
            .ToList();

        int rules = 0;
        foreach (string line in doc.Split('\n').Where(l => RuleRow().IsMatch(l)))
        {
            rules++;
            string testCell = line.TrimEnd().TrimEnd('|').Split('|')[^1];
            var names = Backticked().Matches(testCell).Select(m => m.Groups[1].Value).ToList();
            Assert.True(names.Count > 0, "A lifecycle rule names no test: " + line);
            foreach (string name in names)
            {
                string[] parts = name.Split('.');
                bool found = parts.Length == 2
                    ? testMethods.Contains((parts[0], parts[1]))
                    : testMethods.Any(m => m.Type == "LifecycleTests" && m.Name == name);
                Assert.True(found, $"docs/lifecycle.md names '{name}', which is not a test.");
            }
        }

        Assert.True(rules >= 17, $"Expected the lifecycle table, found {rules} rules.");
    }

    private static string RepositoryRoot([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

    [GeneratedRegex(@"^\| \d+ \|")]
    private static partial Regex RuleRow();

    [GeneratedRegex("`([A-Za-z0-9_.]+)`")]
    private static partial Regex Backticked();
}
