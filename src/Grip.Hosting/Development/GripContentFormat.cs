using System.Buffers;
using System.Globalization;
using System.Text;

namespace Grip.Hosting.Development;

/// <summary>
/// Pushpin's <c>%</c>-directive content format (its Format::process), used by the <c>var-subst</c>
/// and <c>build-id</c> publish filters. It works on bytes: <c>%%</c> is a literal <c>%</c>;
/// <c>%x</c> (an ASCII letter) is directive <c>x</c> without an argument; <c>%(arg)x</c> is directive
/// <c>x</c> with argument <c>arg</c>, in which a backslash makes the next byte literal (so
/// <c>\)</c> and <c>\\</c>); an empty argument counts as none. A trailing <c>%</c>, an unterminated
/// <c>%(</c>, a missing directive after <c>)</c>, a non-letter directive, or a directive the handler
/// refuses is an error, and then nothing is produced.
/// </summary>
internal static class GripContentFormat
{
    /// <summary>Handles one directive: appends its output, or returns an error message.</summary>
    /// <param name="directive">The directive byte (an ASCII letter).</param>
    /// <param name="argument">The unescaped argument bytes, or <see langword="null"/> when there is none (or it is empty).</param>
    /// <param name="output">Where the directive's output goes.</param>
    public delegate string? DirectiveHandler(byte directive, byte[]? argument, IBufferWriter<byte> output);

    /// <summary>Processes <paramref name="content"/>; on failure <paramref name="error"/> says why, as Pushpin would.</summary>
    public static bool TryProcess(ReadOnlySpan<byte> content, DirectiveHandler handler, out byte[] result, out string? error)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(content.Length, 1));
        result = [];
        int n = 0;
        while (n < content.Length)
        {
            int percent = content[n..].IndexOf((byte)'%');
            if (percent < 0)
            {
                output.Write(content[n..]);
                break;
            }

            output.Write(content.Slice(n, percent));
            n += percent;
            if (n + 1 >= content.Length)
            {
                error = Invariant($"Expected directive after '%' at position {n}");
                return false;
            }

            n++;
            byte c = content[n];
            if (c == (byte)'%')
            {
                output.Write("%"u8);
                n++;
                continue;
            }

            byte[]? argument = null;
            if (c == (byte)'(')
            {
                int fieldStart = n;
                if (n + 1 >= content.Length)
                {
                    error = Invariant($"Expected character after '(' at position {n}");
                    return false;
                }

                n++;
                var arg = new List<byte>();
                bool terminated = false;
                for (; n < content.Length; n++)
                {
                    c = content[n];
                    if (c == (byte)'\\')
                    {
                        if (n + 1 >= content.Length)
                        {
                            error = Invariant($"Expected character after '\\' at position {n}");
                            return false;
                        }

                        n++;
                        arg.Add(content[n]);
                    }
                    else if (c == (byte)')')
                    {
                        terminated = true;
                        break;
                    }
                    else
                    {
                        arg.Add(c);
                    }
                }

                if (!terminated)
                {
                    error = Invariant($"Unterminated field starting at position {fieldStart}");
                    return false;
                }

                if (n + 1 >= content.Length)
                {
                    error = Invariant($"Expected directive after ')' at position {n}");
                    return false;
                }

                n++;
                c = content[n];

                // Pushpin's argument starts as a null byte array: an empty one is still "no argument".
                argument = arg.Count > 0 ? [.. arg] : null;
            }
            else if (!IsAsciiLetter(c))
            {
                error = Invariant($"Unknown directive '{Describe(c)}' at position {n}");
                return false;
            }

            // After '(...)' Pushpin hands any byte to the handler; the handlers accept letters only.
            if (handler(c, argument, output) is { } handlerError)
            {
                error = Invariant($"{handlerError} at position {n}");
                return false;
            }

            n++;
        }

        result = output.WrittenSpan.ToArray();
        error = null;
        return true;
    }

    /// <summary>
    /// The <c>var-subst</c> filter: <c>%(name)s</c> becomes the UTF-8 of subscription meta
    /// <c>name</c>; a missing variable or any other directive is an error.
    /// </summary>
    public static bool TrySubstituteVariables(ReadOnlySpan<byte> content, IReadOnlyDictionary<string, string> subscriptionMeta, out byte[] result, out string? error) =>
        TryProcess(content, (directive, argument, output) =>
        {
            if (directive != (byte)'s')
            {
                return $"Unknown directive '{Describe(directive)}'";
            }

            if (argument is null)
            {
                return "Directive 's' requires argument";
            }

            string name = Encoding.UTF8.GetString(argument);
            if (!subscriptionMeta.TryGetValue(name, out string? value))
            {
                return $"No such variable '{name}'";
            }

            output.Write(Encoding.UTF8.GetBytes(value));
            return null;
        }, out result, out error);

    /// <summary>
    /// The <c>build-id</c> filter on WebSocket content, as Pushpin 1.36 runs it: it needs
    /// subscription meta <c>id_format</c> (not otherwise used: a WebSocket subscription has no
    /// previous ids to render it with), optional <c>id_encoding</c> must be <c>hex</c>, and
    /// <c>%(id)I</c> becomes <c>id</c> (hex-encoded with <c>id_encoding=hex</c>); a bare <c>%I</c>
    /// fails (no default id), as does any other directive.
    /// </summary>
    public static bool TryBuildIds(ReadOnlySpan<byte> content, IReadOnlyDictionary<string, string> subscriptionMeta, out byte[] result, out string? error)
    {
        result = [];
        if (!subscriptionMeta.ContainsKey("id_format"))
        {
            error = "no sub meta 'id_format'";
            return false;
        }

        bool hex = false;
        if (subscriptionMeta.TryGetValue("id_encoding", out string? encoding))
        {
            if (!string.Equals(encoding, "hex", StringComparison.Ordinal))
            {
                error = $"unsupported encoding: {encoding}";
                return false;
            }

            hex = true;
        }

        return TryProcess(content, (directive, argument, output) =>
        {
            if (directive != (byte)'I')
            {
                return $"Unknown directive '{Describe(directive)}'";
            }

            if (argument is null)
            {
                return "No ID specified and no default ID in context";
            }

            output.Write(hex ? Encoding.ASCII.GetBytes(Convert.ToHexStringLower(argument)) : argument);
            return null;
        }, out result, out error);
    }

    private static bool IsAsciiLetter(byte c) => c is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z');

    private static string Describe(byte c) => c is >= 0x20 and < 0x7F ? ((char)c).ToString() : Invariant($"\\x{c:x2}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
