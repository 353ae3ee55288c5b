using Grip.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Tests;

/// <summary>
/// The syntactic pre-check (attribute names spelled like OnOpen/OnMessage/OnClose, or an alias to
/// them) lets every real handler through and the semantic check drops look-alikes quietly.
/// </summary>
public sealed class HandlerRecognitionTests
{
    private static GeneratorRunResult Run(params string[] sources)
    {
        var compilation = GeneratorHarness.CreateCompilation(sources);
        var (result, _, driver) = GeneratorHarness.Run(compilation);
        GeneratorHarness.AssertIncremental(compilation, driver);
        return result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator));
    }

    private static object?[] Models(GeneratorRunResult run) =>
        [.. run.TrackedSteps[TrackingNames.HandlerModels].SelectMany(s => s.Outputs).Select(o => o.Value)];

    [Fact]
    public void A_file_local_alias_to_a_handler_attribute_generates_the_handler()
    {
        var run = Run("""
            using Grip;
            using Open = Grip.OnOpenAttribute;
            using Said = Grip.OnMessageAttribute;
            namespace Demo;
            public partial class Aliased
            {
                [Open] public void Opened(GripConnection connection) { }
                [Said] public string Echo(string text) => text;
            }
            """);
        Assert.Empty(run.Diagnostics);
        var source = Assert.Single(run.GeneratedSources, s => !s.HintName.EndsWith(".Contract.g.cs", StringComparison.Ordinal));
        Assert.Equal("Grip.Demo.Aliased.g.cs", source.HintName);
        Assert.Contains("handler.Opened(", source.SourceText.ToString(), StringComparison.Ordinal);
        Assert.Contains("handler.Echo(", source.SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_declared_inside_a_namespace_generates_the_handler()
    {
        var run = Run("""
            namespace Demo
            {
                using Grip;
                using Open = Grip.OnOpenAttribute;
                public partial class Aliased
                {
                    [Open] public void Opened(GripConnection connection) { }
                }
            }
            """);
        Assert.Equal("Grip.Demo.Aliased.g.cs", Assert.Single(run.GeneratedSources, s => !s.HintName.EndsWith(".Contract.g.cs", StringComparison.Ordinal)).HintName);
    }

    [Fact]
    public void An_alias_to_an_alias_generates_the_handler()
    {
        // A using alias inside a namespace may name an alias of the file or a global one. The
        // analyzer (symbols) sees these methods as handlers, so the generator must too.
        string[] sources =
        [
            "global using Open = Grip.OnOpenAttribute;",
            """
            using Said = Grip.OnMessageAttribute;
            namespace Demo
            {
                using Grip;
                using Begin = Open;
                using Heard = Said;
                public partial class Chained
                {
                    [Begin] public void Opened(GripConnection connection) { }
                    [Heard] public string Echo(string text) => text;
                }
            }
            """,
        ];
        Assert.DoesNotContain(GeneratorHarness.CreateCompilation(sources).GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        var run = Run(sources);
        var source = Assert.Single(run.GeneratedSources, s => !s.HintName.EndsWith(".Contract.g.cs", StringComparison.Ordinal));
        Assert.Equal("Grip.Demo.Chained.g.cs", source.HintName);
        Assert.Contains("handler.Opened(", source.SourceText.ToString(), StringComparison.Ordinal);
        Assert.Contains("handler.Echo(", source.SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_users_own_OnOpenAttribute_produces_no_output_and_no_diagnostic()
    {
        var run = Run("""
            using System;
            namespace Mine
            {
                [AttributeUsage(AttributeTargets.Method)] public sealed class OnOpenAttribute : Attribute { }
                [AttributeUsage(AttributeTargets.Method)] public sealed class OnMessageAttribute(string? type = null) : Attribute { public string? Type { get; } = type; }
            }
            namespace Demo
            {
                using Mine;
                public partial class LooksLikeAHandler
                {
                    [OnOpen] public void Opened() { }
                    [OnMessage("chat")] public void Chat(string text) { }
                    [Mine.OnMessage] public void Text(string text) { }
                }
            }
            """);
        Assert.Empty(run.GeneratedSources);
        Assert.Empty(run.Diagnostics);
        Assert.Null(run.Exception);
        Assert.All(Models(run), Assert.Null);
    }

    [Fact]
    public void A_class_with_only_foreign_method_attributes_produces_no_output()
    {
        var run = Run("""
            using System;
            namespace Web
            {
                [AttributeUsage(AttributeTargets.Method)] public sealed class HttpGetAttribute(string template) : Attribute { public string Template { get; } = template; }
                [AttributeUsage(AttributeTargets.Method)] public sealed class FactAttribute : Attribute { }
                public partial class OrdersController
                {
                    [HttpGet("orders")] public string List() => "[]";
                    [Fact, Obsolete] public void Test() { }
                }
            }
            """);
        Assert.Empty(run.GeneratedSources);
        Assert.Empty(run.Diagnostics);
        Assert.All(Models(run), Assert.Null);
    }
}
