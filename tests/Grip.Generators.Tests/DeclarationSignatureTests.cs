using Grip.Generators.Parsing;
using Grip.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Generators.Tests;

/// <summary>
/// <see cref="DeclarationSignature"/> ignores what cannot change a declaration (trivia, bodies,
/// top-level statements' contents) and keeps everything that can (every other token, every
/// directive and its place), without two different inputs ever giving the same signature.
/// </summary>
public sealed class DeclarationSignatureTests
{
    private const string File = """
        using System;
        namespace App;
        public enum Slot { Main = 1, Backup = 2 }
        public sealed class Service
        {
            public const string Name = "chat";
            private static readonly Func<int, int> Twice = value => { return value * 2; };
            private readonly int _count = 3;

            public Service(int count) { _count = count; }

            public int Count { get { return _count; } set { } }

            public int Doubled => _count * 2;

            [Obsolete("old")]
            public int Add(int value, int other = 1)
            {
                int Local() => value + other;
                return Local();
            }

            public event EventHandler? Changed { add { } remove { } }

            public static Service operator +(Service left, Service right) => left;
        }
        """;

    private static string Signature(string source) =>
        DeclarationSignature.Compute((CompilationUnitSyntax)CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot(), CancellationToken.None);

    private static string Edit(string source, string oldValue, string newValue)
    {
        Assert.Contains(oldValue, source, StringComparison.Ordinal);
        return source.Replace(oldValue, newValue, StringComparison.Ordinal);
    }

    private static void Same(string edited) => Assert.Equal(Signature(File), Signature(edited));

    private static void Different(string edited) => Assert.NotEqual(Signature(File), Signature(edited));

    [Fact]
    public void Whitespace_and_line_breaks_do_not_count() =>
        Same(Edit(Edit(File, "public sealed class Service\n{", "public   sealed\tclass Service {"), "int value, int other = 1", "int value,\n        int  other=1"));

    [Fact]
    public void Comments_do_not_count() =>
        Same(Edit(Edit(Edit(File, "public enum Slot", "/// <summary>Slots.</summary>\n// a comment\npublic /* inline */ enum Slot"), "Main = 1, Backup", "Main = 1, /* first */ Backup"), "class Service\n", "class Service // trailing\n"));

    [Fact]
    public void A_method_body_edit_does_not_count() =>
        Same(Edit(File, "return Local();", "var result = Local();\n        Console.WriteLine(result);\n        return result;"));

    [Fact]
    public void A_local_function_edit_inside_a_body_does_not_count() =>
        Same(Edit(File, "int Local() => value + other;", "int Local() { return other + value; }"));

    [Fact]
    public void An_expression_body_edit_does_not_count()
    {
        Same(Edit(File, "public int Doubled => _count * 2;", "public int Doubled => _count + _count;"));
        Same(Edit(File, "operator +(Service left, Service right) => left;", "operator +(Service left, Service right) => right;"));
    }

    [Fact]
    public void Accessor_and_constructor_body_edits_do_not_count()
    {
        Same(Edit(File, "get { return _count; } set { }", "get { return _count + 0; } set { _ = value; }"));
        Same(Edit(File, "add { } remove { }", "add { Console.WriteLine(1); } remove { }"));
        Same(Edit(File, "public Service(int count) { _count = count; }", "public Service(int count) { _count = count + 1; }"));
    }

    [Fact]
    public void A_block_lambda_body_in_a_field_initializer_does_not_count() =>
        Same(Edit(File, "{ return value * 2; }", "{ return value + value; }"));

    [Fact]
    public void Top_level_statement_edits_do_not_count()
    {
        const string Program = "using System;\nConsole.WriteLine(1);\nreturn;\npublic sealed class After { }";
        Assert.Equal(Signature(Program), Signature(Program.Replace("Console.WriteLine(1);", "var x = 2;\nConsole.WriteLine(x);\nawait System.Threading.Tasks.Task.Yield();", StringComparison.Ordinal)));
    }

    [Fact]
    public void Adding_or_removing_top_level_statements_counts()
    {
        const string Declarations = "using System;\npublic sealed class After { }";
        Assert.NotEqual(Signature(Declarations), Signature("using System;\nConsole.WriteLine(1);\npublic sealed class After { }"));
        Assert.NotEqual(Signature(Declarations), Signature("using System;\nreturn;\npublic sealed class After { }"));
    }

    [Fact]
    public void Signature_edits_count()
    {
        Different(Edit(File, "public int Add(int value, int other = 1)", "public long Add(int value, int other = 1)"));
        Different(Edit(File, "public int Add(int value, int other = 1)", "public int Add(int value, int other = 2)"));
        Different(Edit(File, "public int Add(int value, int other = 1)", "internal int Add(int value, int other = 1)"));
        Different(Edit(File, "public sealed class Service", "public sealed class Service : IDisposable"));
        Different(Edit(File, "public sealed class Service", "public sealed record Service"));
        Different(Edit(File, "public int Doubled => _count * 2;", "public int Doubled { get; }"));
    }

    [Fact]
    public void Attribute_edits_count()
    {
        Different(Edit(File, "[Obsolete(\"old\")]", "[Obsolete(\"older\")]"));
        Different(Edit(File, "[Obsolete(\"old\")]", string.Empty));
        Different(Edit(File, "[Obsolete(\"old\")]", "[Obsolete(\"old\")][CLSCompliant(false)]"));
    }

    [Fact]
    public void Constant_and_enum_values_count()
    {
        Different(Edit(File, "\"chat\"", "\"talk\""));
        Different(Edit(File, "Backup = 2", "Backup = 3"));
        Different(Edit(File, "Main = 1, Backup = 2", "Main = 1, Backup"));
    }

    [Fact]
    public void Field_initializers_count_conservatively()
    {
        Different(Edit(File, "_count = 3;", "_count = 4;"));
        Different(Edit(File, "value => { return value * 2; }", "value => value * 2"));
    }

    [Fact]
    public void A_directive_counts_wherever_it_is()
    {
        Different(Edit(File, "using System;", "#nullable disable\nusing System;"));
        Different(Edit(File, "return Local();", "#nullable disable\n        return Local();"));
        Different(Edit(File, "return Local();", "#pragma warning disable CS0168\n        return Local();"));
        Different(Edit(File, "{ return value * 2; }", "{\n#nullable enable\n        return value * 2; }"));
        Different(Edit(File, "public int Count", "#region Count\n    public int Count"));
    }

    [Fact]
    public void A_directive_moved_across_a_declaration_counts()
    {
        string before = Edit(File, "    public int Add(", "#nullable disable\n    public int Add(");
        string after = Edit(File, "    public event", "#nullable disable\n    public event");
        Assert.NotEqual(Signature(before), Signature(after));
    }

    [Fact]
    public void A_directive_moved_within_a_body_does_not_count()
    {
        // Only statements lie between the two places: no declaration changes its context.
        string first = Edit(File, "        int Local()", "#nullable disable\n        int Local()");
        string second = Edit(File, "        return Local();", "#nullable disable\n        return Local();");
        Assert.Equal(Signature(first), Signature(second));
    }

    [Fact]
    public void Disabled_text_counts_through_its_directives_only()
    {
        string disabled = Edit(File, "public int Doubled", "#if NEVER\n    public int Hidden;\n#endif\n    public int Doubled");
        Assert.Equal(Signature(disabled), Signature(disabled.Replace("public int Hidden;", "public string Other;", StringComparison.Ordinal)));
        Assert.NotEqual(Signature(disabled), Signature(disabled.Replace("#if NEVER", "#if !NEVER", StringComparison.Ordinal)));
    }

    [Fact]
    public void Token_boundaries_are_unambiguous()
    {
        Assert.NotEqual(Signature("class ab { }"), Signature("class a b { }"));
        Assert.NotEqual(Signature("class C { const string S = \"1:a1:b\"; }"), Signature("class C { const string S = a b; }"));
        Assert.NotEqual(Signature("class C { }\n#define X\n"), Signature("class C { }\nclass D { }"));
        Assert.NotEqual(Signature("#nullable enable\nclass C { }"), Signature("class C { }\n#nullable enable"));
    }
}
