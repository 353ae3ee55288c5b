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

    // Most handlers' files are a few thousand characters: one buffer, grown rarely.
    private readonly StringBuilder _builder = new(8192);
    private int _indent;

    public void WriteLine(string line) => WriteLine(line, string.Empty);

    public void WriteLine() => _builder.Append('\n');

    // Several lines (a raw string template), each indented; copied from the text without splitting it.
    public void WriteLines(string text)
    {
        int start = 0;
        while (true)
        {
            int end = text.IndexOf('\n', start);
            int length = (end < 0 ? text.Length : end) - start;
            if (length > 0 && text[start + length - 1] == '\r')
            {
                length--;
            }

            if (length != 0)
            {
                _builder.Append(' ', _indent * IndentSize).Append(text, start, length);
            }

            _builder.Append('\n');
            if (end < 0)
            {
                return;
            }

            start = end + 1;
        }
    }

    public bool Fits(string line) => (_indent * IndentSize) + line.Length <= MaxLineLength;

    /// <summary><c>head(p1, p2)tail</c> on one line when it fits, else one parameter per line.</summary>
    public void WriteParameters(string head, IReadOnlyList<string> parameters, string tail)
    {
        if (parameters.Count == 0 || FitsList(head.Length + 2 + tail.Length, parameters))
        {
            WriteLine(head + "(" + string.Join(", ", parameters) + ")" + tail);
            return;
        }

        WriteLine(head + "(");
        Indent();
        for (int i = 0; i < parameters.Count; i++)
        {
            WriteLine(parameters[i], i == parameters.Count - 1 ? ")" + tail : ",");
        }

        Unindent();
    }

    /// <summary><c>head(a, b)tail</c> on one line, else the arguments on the next line, else one per line.</summary>
    public void WriteArguments(string head, IReadOnlyList<string> arguments, string tail)
    {
        if (arguments.Count == 0 || FitsList(head.Length + 2 + tail.Length, arguments))
        {
            WriteLine(head + "(" + string.Join(", ", arguments) + ")" + tail);
            return;
        }

        WriteLine(head + "(");
        Indent();
        if (FitsList(1 + tail.Length, arguments))
        {
            WriteLine(string.Join(", ", arguments) + ")" + tail);
        }
        else
        {
            for (int i = 0; i < arguments.Count; i++)
            {
                WriteLine(arguments[i], i == arguments.Count - 1 ? ")" + tail : ",");
            }
        }

        Unindent();
    }

    // Whether the items joined by ", " plus fixedLength more characters fit, counted without building
    // the line (every signature is tried on one line first, and most do not fit).
    private bool FitsList(int fixedLength, IReadOnlyList<string> items)
    {
        int length = (_indent * IndentSize) + fixedLength + (2 * (items.Count - 1));
        for (int i = 0; i < items.Count && length <= MaxLineLength; i++)
        {
            length += items[i].Length;
        }

        return length <= MaxLineLength;
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

    private void WriteLine(string line, string end)
    {
        if (line.Length + end.Length != 0)
        {
            _builder.Append(' ', _indent * IndentSize).Append(line).Append(end);
        }

        _builder.Append('\n');
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
