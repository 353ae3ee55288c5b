using System;
using System.Collections.Generic;
using System.Text;

namespace Grip.Generators.Emitting;

/// <summary>
/// The one writer all generated code goes through: lines with four-space indentation, disposable
/// blocks (braces always balance, checked when the text is taken), and the wrapping of long
/// parameter and argument lists at <see cref="MaxLineLength"/> characters.
/// </summary>
internal sealed class SourceWriter
{
    /// <summary>Where lists wrap. Lines the writer cannot break (a long type name) may be longer.</summary>
    public const int MaxLineLength = 120;

    private const int IndentSize = 4;

    private readonly StringBuilder _builder = new();
    private int _indent;

    public void WriteLine(string line)
    {
        if (line.Length != 0)
        {
            _builder.Append(' ', _indent * IndentSize);
            _builder.Append(line);
        }

        _builder.Append('\n');
    }

    public void WriteLine() => _builder.Append('\n');

    // Several lines (a raw string template), each indented.
    public void WriteLines(string text)
    {
        foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
        {
            WriteLine(line);
        }
    }

    public bool Fits(string line) => (_indent * IndentSize) + line.Length <= MaxLineLength;

    /// <summary><c>head(p1, p2)tail</c> on one line when it fits, else one parameter per line.</summary>
    public void WriteParameters(string head, IReadOnlyList<string> parameters, string tail)
    {
        string line = head + "(" + string.Join(", ", parameters) + ")" + tail;
        if (Fits(line) || parameters.Count == 0)
        {
            WriteLine(line);
            return;
        }

        WriteLine(head + "(");
        Indent();
        for (int i = 0; i < parameters.Count; i++)
        {
            WriteLine(parameters[i] + (i == parameters.Count - 1 ? ")" + tail : ","));
        }

        Unindent();
    }

    /// <summary><c>head(a, b)tail</c> on one line, else the arguments on the next line, else one per line.</summary>
    public void WriteArguments(string head, IReadOnlyList<string> arguments, string tail)
    {
        string joined = string.Join(", ", arguments);
        string line = head + "(" + joined + ")" + tail;
        if (Fits(line) || arguments.Count == 0)
        {
            WriteLine(line);
            return;
        }

        WriteLine(head + "(");
        Indent();
        if (Fits(joined + ")" + tail))
        {
            WriteLine(joined + ")" + tail);
        }
        else
        {
            for (int i = 0; i < arguments.Count; i++)
            {
                WriteLine(arguments[i] + (i == arguments.Count - 1 ? ")" + tail : ","));
            }
        }

        Unindent();
    }

    /// <summary>Writes the header (if any) and an opening brace; disposing the result closes it.</summary>
    public Block Block(string? header = null)
    {
        if (header is not null)
        {
            WriteLine(header);
        }

        WriteLine("{");
        _indent++;
        return new Block(this);
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

    internal void CloseBlock()
    {
        Unindent();
        WriteLine("}");
    }
}

/// <summary>Closes a <see cref="SourceWriter.Block"/> when disposed.</summary>
internal readonly struct Block : IDisposable
{
    private readonly SourceWriter _writer;

    public Block(SourceWriter writer)
    {
        _writer = writer;
    }

    public void Dispose() => _writer.CloseBlock();
}
