using Microsoft.CodeAnalysis;
using MessageParameter = Grip.CodeFixes.Tests.CodeFixVerifier<Grip.Generators.Analyzers.HandlerAnalyzer, Grip.CodeFixes.AsyncVoidCodeFixProvider>;
using AsyncVoid = Grip.CodeFixes.Tests.CodeFixVerifier<Grip.Generators.Analyzers.HandlerAnalyzer, Grip.CodeFixes.AddMessageParameterCodeFixProvider>;

namespace Grip.CodeFixes.Tests;

/// <summary>
/// What docs/editor.md promises about .editorconfig: GRIP0012 can be silenced; errors cannot. (Raising
/// GRIP0012 to an error is checked in a real build of the packed package in
/// tests/Grip.LanguageServer.Tests: the analyzer test harness does not apply raised severities.)
/// </summary>
public sealed class EditorConfigSeverityTests
{
    private const string NoMessageParameter = """
        using Grip;

        public partial class H
        {
            [OnMessage] public void {|#0:M|}() { }
        }
        """;

    private static string Config(string line) => "root = true\n\n[*.cs]\n" + line + "\n";

    [Fact]
    public Task GRIP0012_can_be_silenced()
    {
        var test = MessageParameter.Create();
        test.TestCode = NoMessageParameter.Replace("{|#0:M|}", "M", StringComparison.Ordinal);
        test.FixedCode = test.TestState.Sources[0].content.ToString();
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", Config("dotnet_diagnostic.GRIP0012.severity = none")));
        return test.RunAsync();
    }

    [Fact]
    public Task GRIP_errors_are_not_configurable()
    {
        const string source = """
            using System.Threading.Tasks;
            using Grip;

            public partial class H
            {
                [OnMessage] public async void {|#0:M|}(string m) => await Task.Yield();
            }
            """;
        var test = AsyncVoid.Create();
        test.TestCode = source;
        test.FixedCode = source;
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", Config("dotnet_diagnostic.GRIP0003.severity = none\ndotnet_analyzer_diagnostic.category-GripHandlers.severity = none")));
        test.ExpectedDiagnostics.Add(AsyncVoid.Diagnostic("GRIP0003").WithLocation(0).WithArguments("M").WithSeverity(DiagnosticSeverity.Error));
        return test.RunAsync();
    }
}
