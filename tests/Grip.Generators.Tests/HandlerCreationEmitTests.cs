using Grip.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Generators.Tests;

/// <summary>
/// What the generated invoker does with the handler slot, for every static/instance combination of
/// <c>[OnOpen]</c>, the text and binary <c>[OnMessage]</c> methods and <c>[OnClose]</c>: a lifecycle
/// entry passes <c>handler ??= Create(connection.Services)</c> exactly to the invokers of instance
/// methods, an invoker takes a handler parameter exactly when its method is an instance method, and
/// <c>Create</c> exists exactly when some method is. The output compiles without warnings.
/// </summary>
public sealed class HandlerCreationEmitTests
{
    private const string CreatedHandler = "handler ??= Create(connection.Services)";

    public static TheoryData<bool, bool, bool, bool> Combinations()
    {
        var data = new TheoryData<bool, bool, bool, bool>();
        for (int i = 0; i < 16; i++)
        {
            data.Add((i & 1) != 0, (i & 2) != 0, (i & 4) != 0, (i & 8) != 0);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Each_entry_creates_the_handler_only_for_an_instance_method(bool openIsStatic, bool textIsStatic, bool binaryIsStatic, bool closeIsStatic)
    {
        string source = $$"""
            using System;
            using Grip;
            namespace Demo;
            public interface IDependency { }
            public sealed partial class Mixed(IDependency dependency)
            {
                [OnOpen] public {{Static(openIsStatic)}}void Open(GripConnection connection) { }
                [OnMessage] public {{Static(textIsStatic)}}string Text(string text) => text;
                [OnMessage] public {{Static(binaryIsStatic)}}byte[] Bytes(byte[] data) => data;
                [OnClose] public {{Static(closeIsStatic)}}void Close(CloseStatus status) { }
                public IDependency Dependency => dependency;
            }
            """;
        var invoker = GenerateInvoker(source);

        var isStatic = new Dictionary<string, bool>
        {
            ["InvokeOpen"] = openIsStatic,
            ["InvokeText"] = textIsStatic,
            ["InvokeBytes"] = binaryIsStatic,
            ["InvokeClose"] = closeIsStatic,
        };
        Assert.Equal(isStatic.Keys.Order(StringComparer.Ordinal), EntryCalls(invoker).Select(c => c.Invoker).Distinct().Order(StringComparer.Ordinal));
        foreach (var (name, creates) in EntryCalls(invoker))
        {
            Assert.True(creates == !isStatic[name], $"{name}: the entry {(creates ? "creates" : "does not create")} the handler.");
        }

        foreach (var (name, methodIsStatic) in isStatic)
        {
            Assert.Equal(!methodIsStatic, TakesHandler(invoker, name));
        }

        bool anyInstance = isStatic.Values.Any(s => !s);
        Assert.Equal(anyInstance, invoker.Members.OfType<MethodDeclarationSyntax>().Any(m => m.Identifier.Text == "Create"));
    }

    [Fact]
    public void A_typed_route_takes_the_instance_when_its_fallback_is_an_instance_method_and_passes_it_on()
    {
        const string source = """
            using Grip;
            using System.Text.Json;
            using System.Text.Json.Serialization;
            namespace Demo;
            public sealed record Hello(string Name);
            [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
            [JsonSerializable(typeof(Hello))]
            public sealed partial class HelloJson : JsonSerializerContext;
            [GripJsonContext(typeof(HelloJson))]
            public sealed partial class Typed
            {
                [OnMessage("hello")] public static string Greet(Hello hello) => hello.Name;
                [OnMessage("raw")] public static string Raw(GripMessage message) => "raw";
                [OnMessage] public string Fallback(string text) => text;
                [OnMessage] public static byte[] Bytes(byte[] data) => data;
            }
            """;
        var invoker = GenerateInvoker(source);

        // Greet is static, but a message it cannot deserialize goes to the instance Fallback.
        var creates = EntryCalls(invoker).ToLookup(c => c.Invoker, c => c.Creates);
        Assert.Equal([true], creates["InvokeGreet"]);
        Assert.Equal([false], creates["InvokeRaw"]);
        Assert.Equal([true], creates["InvokeFallback"]);
        Assert.Equal([false], creates["InvokeBytes"]);
        Assert.True(TakesHandler(invoker, "InvokeGreet"));
        Assert.False(TakesHandler(invoker, "InvokeRaw"));
        Assert.False(TakesHandler(invoker, "InvokeBytes"));

        // Inside Greet's invoker, the fallback gets the instance it was given.
        var greet = Method(invoker, "InvokeGreet");
        var fallbackCalls = greet.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(i => i.Expression is IdentifierNameSyntax { Identifier.Text: "InvokeFallback" }).ToArray();
        Assert.Equal(2, fallbackCalls.Length);
        Assert.All(fallbackCalls, call => Assert.Equal("handler", call.ArgumentList.Arguments[0].ToString()));
    }

    [Fact]
    public void A_static_typed_route_with_a_static_fallback_takes_no_instance()
    {
        const string source = """
            using Grip;
            using System.Text.Json;
            using System.Text.Json.Serialization;
            namespace Demo;
            public sealed record Hello(string Name);
            [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
            [JsonSerializable(typeof(Hello))]
            public sealed partial class HelloJson : JsonSerializerContext;
            [GripJsonContext(typeof(HelloJson))]
            public sealed partial class Typed
            {
                [OnMessage("hello")] public static string Greet(Hello hello) => hello.Name;
                [OnMessage] public static string Fallback(string text) => text;
                [OnClose] public void Close() { }
            }
            """;
        var invoker = GenerateInvoker(source);
        Assert.All(EntryCalls(invoker).Where(c => c.Invoker != "InvokeClose"), c => Assert.False(c.Creates, c.Invoker));
        Assert.Contains(EntryCalls(invoker), c => c is { Invoker: "InvokeClose", Creates: true });
        Assert.False(TakesHandler(invoker, "InvokeGreet"));
        Assert.False(TakesHandler(invoker, "InvokeFallback"));
    }

    private static string Static(bool isStatic) => isStatic ? "static " : string.Empty;

    /// <summary>Generates, requires a warning-free compilation with no unused private member, and returns the invoker struct.</summary>
    private static StructDeclarationSyntax GenerateInvoker(string source)
    {
        var (result, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source));
        Assert.Empty(result.Diagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", problems.Select(p => p.ToString())));

        var tree = result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(GripHandlerGenerator)).GeneratedSources
            .Single(s => !s.HintName.EndsWith(".Contract.g.cs", StringComparison.Ordinal)).SyntaxTree;
        GeneratorHarness.AssertEveryPrivateMemberIsUsed(output, [tree]);
        return tree.GetRoot().DescendantNodes().OfType<StructDeclarationSyntax>().Single(s => s.Identifier.Text == "__GripInvoker");
    }

    private static MethodDeclarationSyntax Method(StructDeclarationSyntax invoker, string name) =>
        invoker.Members.OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == name);

    /// <summary>Every invoker call in OnOpenAsync/OnMessageAsync/OnCloseAsync, and whether it creates the handler.</summary>
    private static List<(string Invoker, bool Creates)> EntryCalls(StructDeclarationSyntax invoker)
    {
        var calls = new List<(string, bool)>();
        foreach (string entry in new[] { "OnOpenAsync", "OnMessageAsync", "OnCloseAsync" })
        {
            var method = Method(invoker, entry);
            Assert.StartsWith("ref ", method.ParameterList.Parameters[0].ToString(), StringComparison.Ordinal);
            foreach (var call in method.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (call.Expression is IdentifierNameSyntax { Identifier.Text: var name } && name.StartsWith("Invoke", StringComparison.Ordinal))
                {
                    string first = call.ArgumentList.Arguments[0].ToString();
                    Assert.True(first is CreatedHandler or "connection", $"{name}: unexpected first argument '{first}'.");
                    calls.Add((name, first == CreatedHandler));
                }
            }
        }

        return calls;
    }

    private static bool TakesHandler(StructDeclarationSyntax invoker, string name) =>
        Method(invoker, name).ParameterList.Parameters.Any(p => p.Identifier.Text == "handler");
}
