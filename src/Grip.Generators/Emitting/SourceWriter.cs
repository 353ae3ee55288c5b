using System;
using System.Text;

namespace Grip.Generators.Emitting;

/// <summary>
/// The one writer all generated code goes through: lines with four-space indentation and
/// disposable blocks, so braces always balance (checked when the text is taken).
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public void WriteLine(string line)
    {
        if (line.Length != 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(line);
        }

        _builder.Append('\n');
    }

    public void WriteLine() => _builder.Append('\n');

    /// <summary>Writes several lines (a raw string fragment), indenting each.</summary>
    public void WriteLines(string text)
    {
        foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
        {
            WriteLine(line);
        }
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and returns a scope that closes it.</summary>
    public Block Block(string header, string close = "}")
    {
        WriteLine(header);
        WriteLine("{");
        _indent++;
        return new Block(this, close);
    }

    public void Indent() => _indent++;

    public void Unindent()
    {
        if (_indent == 0)
        {
            throw new InvalidOperationException("Unbalanced indentation in generated code.");
        }

        _indent--;
    }

    public override string ToString()
    {
        if (_indent != 0)
        {
            throw new InvalidOperationException("Generated code ended with " + _indent + " unclosed blocks.");
        }

        return _builder.ToString();
    }

    internal void CloseBlock(string close)
    {
        Unindent();
        WriteLine(close);
    }
}

/// <summary>Closes a <see cref="SourceWriter.Block"/> when disposed.</summary>
internal readonly struct Block : IDisposable
{
    private readonly SourceWriter _writer;
    private readonly string _close;

    public Block(SourceWriter writer, string close)
    {
        _writer = writer;
        _close = close;
    }

    public void Dispose() => _writer.CloseBlock(_close);
}
