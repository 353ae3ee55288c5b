using Grip.Generators.Emitting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Generators.Tests;

/// <summary>The emitter's building blocks: line wrapping, generated names, and split string constants.</summary>
public sealed class EmitterTests
{
    private static readonly string[] ShortParameters = ["int a", "int b"];

    private static readonly string[] LongParameters =
    [
        "global::System.Collections.Generic.IReadOnlyDictionary<string, string> headers",
        "global::System.Threading.CancellationToken cancellationToken",
    ];

    [Fact]
    public void A_parameter_list_that_fits_stays_on_one_line()
    {
        var w = new SourceWriter();
        w.WriteParameters("void M", ShortParameters, string.Empty);
        Assert.Equal("void M(int a, int b)\n", w.ToString());
    }

    [Fact]
    public void A_long_parameter_list_gets_one_parameter_per_line()
    {
        var w = new SourceWriter();
        w.WriteParameters("public static global::System.Threading.Tasks.ValueTask SomethingLong", LongParameters, " =>");
        Assert.Equal(
            """
            public static global::System.Threading.Tasks.ValueTask SomethingLong(
                global::System.Collections.Generic.IReadOnlyDictionary<string, string> headers,
                global::System.Threading.CancellationToken cancellationToken) =>

            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            w.ToString());
    }

    [Fact]
    public void A_long_call_puts_its_arguments_on_the_next_line_and_then_one_per_line()
    {
        string head = "return global::Some.Very.Long.Namespace.Name.With.A.Type.Name.DispatchAsync<global::App.Handlers.ChatHandler>";
        var together = new SourceWriter();
        together.WriteArguments(head, ["connection", "events", "default", "cancellationToken"], ";");
        Assert.Equal(head + "(\n    connection, events, default, cancellationToken);\n", together.ToString());

        string[] wide = [new string('a', 60), new string('b', 60)];
        var apart = new SourceWriter();
        apart.WriteArguments(head, wide, ";");
        Assert.Equal(head + "(\n    " + wide[0] + ",\n    " + wide[1] + ");\n", apart.ToString());
    }

    [Fact]
    public void Wrapping_counts_the_indentation()
    {
        var w = new SourceWriter();
        string line = new('x', SourceWriter.MaxLineLength - 4);
        using (w.Block())
        {
            Assert.True(w.Fits(line));
            Assert.False(w.Fits(line + "x"));
        }
    }

    [Fact]
    public void Unbalanced_blocks_are_an_error_not_output()
    {
        var w = new SourceWriter();
        w.Block("class C");
        Assert.Throws<InvalidOperationException>(w.ToString);
        Assert.Throws<InvalidOperationException>(new SourceWriter().Unindent);
    }

    [Fact]
    public void Locals_avoid_taken_names_keywords_and_the_discard()
    {
        var locals = new NameAllocator(["connection", "s_chatSend"]);
        Assert.Equal("audit", locals.Claim("audit", "Service"));
        Assert.Equal("connectionService", locals.Claim("connection", "Service"));
        Assert.Equal("connectionService2", locals.Claim("connection", "Service"));
        Assert.Equal("s_chatSendService", locals.Claim("s_chatSend", "Service"));
        Assert.Equal("_Value", locals.Claim("_", "Value"));
        Assert.Equal("@event", locals.Claim("event", "Service"));
        Assert.Equal("@await", locals.Claim("await", "Service"));
        Assert.Equal("value", locals.Claim("value", "Service"));
        Assert.Equal("eventService", locals.Claim("event", "Service"));
    }

    [Fact]
    public void Members_with_the_same_preferred_name_are_numbered_in_claim_order()
    {
        var members = new NameAllocator([]);
        Assert.Equal("InvokeSend", members.ClaimNumbered("InvokeSend"));
        Assert.Equal("InvokeSend_2", members.ClaimNumbered("InvokeSend"));
        Assert.Equal("InvokeSend_3", members.ClaimNumbered("InvokeSend"));
        Assert.Equal("InvokeSend_2_2", members.ClaimNumbered("InvokeSend_2"));
    }

    public static TheoryData<string> Constants() =>
    [
        string.Empty,
        "short",
        "The GripHandlers handler 'Broken' has build errors and cannot dispatch (GRIP0003: 'Message' is async void: the response would be sent before it finishes and its exceptions would crash the process; return Task or ValueTask instead). Fix the GRIP diagnostics reported for it.",
        new string('w', 300) + " and then some words after one very long word that cannot be split anywhere",
        string.Concat(Enumerable.Repeat("say \"hi\"\n\ttab\\ café 😀 ", 20)),
        "   leading and trailing spaces, and  double  spaces   ",
    ];

    [Theory]
    [MemberData(nameof(Constants))]
    public void A_string_constant_split_over_lines_is_the_same_constant(string text)
    {
        var w = new SourceWriter();
        using (w.Block("class C"))
        {
            w.WriteLine("public const string Value =");
            w.Indent();
            HandlerEmitter.WriteStringLiteral(w, text, ";");
            w.Unindent();
        }

        string source = w.ToString();
        var tree = CSharpSyntaxTree.ParseText(source);
        var compilation = CSharpCompilation.Create("Constant", [tree], Basic.Reference.Assemblies.Net100.References.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var declarator = tree.GetRoot().DescendantNodes().OfType<VariableDeclaratorSyntax>().Single();
        var field = (IFieldSymbol)compilation.GetSemanticModel(tree).GetDeclaredSymbol(declarator)!;
        Assert.Equal(text, field.ConstantValue);

        // Every line fits, except one that holds a single word too long for any line.
        foreach (string line in source.Split('\n'))
        {
            string words = line.Length <= SourceWriter.MaxLineLength ? string.Empty : line[(line.IndexOf('"', StringComparison.Ordinal) + 1)..line.LastIndexOf('"')].Trim();
            Assert.False(words.Contains(' ', StringComparison.Ordinal), line);
        }
    }
}
