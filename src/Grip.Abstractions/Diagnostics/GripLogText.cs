using System.Globalization;
using System.Text;

namespace Grip.Diagnostics;

/// <summary>
/// Makes text that came from a client safe to write to a log: control characters (C0, DEL, C1),
/// line and paragraph separators and the bidirectional-override family are written as visible
/// <c>\uXXXX</c> escapes, so a close reason or a header cannot move the cursor, recolour a
/// terminal, forge a log line or reorder what a reader sees; and the text is cut to a bounded length.
/// GripHandlers passes every client-controlled value it logs through this (docs/security.md); do
/// the same in handlers: <c>logger.LogInformation("closed: {Reason}", GripLogText.Escape(status.Reason))</c>.
/// </summary>
public static class GripLogText
{
    /// <summary>The default longest text kept, in characters (before escaping).</summary>
    public const int DefaultMaxLength = 256;

    /// <summary>Escapes and bounds <paramref name="value"/> for a log line.</summary>
    /// <param name="value">Text from a client (or <see langword="null"/>, returned as is).</param>
    /// <param name="maxLength">The most characters of <paramref name="value"/> kept; the rest is replaced by <c>…(+N chars)</c>.</param>
    /// <returns>The text itself when nothing needs escaping or cutting (no allocation), else an escaped copy.</returns>
    public static string? Escape(string? value, int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        if (value is null)
        {
            return null;
        }

        int keep = Math.Min(value.Length, maxLength);
        int first = IndexOfUnsafe(value.AsSpan(0, keep));
        if (first < 0 && keep == value.Length)
        {
            return value;
        }

        var sb = new StringBuilder(keep + 16);
        for (int i = 0; i < keep; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 == keep && i + 1 < value.Length)
            {
                // Do not cut a surrogate pair in half at the bound.
                keep--;
                break;
            }

            if (NeedsEscape(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        if (keep < value.Length)
        {
            sb.Append("…(+").Append((value.Length - keep).ToString(CultureInfo.InvariantCulture)).Append(" chars)");
        }

        return sb.ToString();
    }

    /// <summary>Whether <paramref name="c"/> is written as an escape.</summary>
    public static bool NeedsEscape(char c) => c switch
    {
        < ' ' or '\x7f' => true,                 // C0 controls (ESC, CR, LF, BEL, ...) and DEL
        >= '\x80' and <= '\x9f' => true,         // C1 controls (0x9b is a one-byte CSI on some terminals)
        '\u2028' or '\u2029' => true,            // line and paragraph separators
        >= '\u202a' and <= '\u202e' => true,     // bidirectional embeddings and overrides
        >= '\u2066' and <= '\u2069' => true,     // bidirectional isolates
        '\u200e' or '\u200f' or '\u061c' => true, // direction marks
        '\ufeff' => true,                        // zero-width no-break space / BOM
        _ => false,
    };

    private static int IndexOfUnsafe(ReadOnlySpan<char> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (NeedsEscape(text[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
