using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Grip.Configuration;

/// <summary>
/// Base64 the way GRIP keys and <c>content-bin</c> fields travel (grip-spec §4.1, §8.9): encoding
/// is standard padded base64; decoding also accepts base64url (<c>-</c>, <c>_</c>), missing
/// padding, and spaces in place of <c>+</c> (a <c>+</c> in a GRIP_URL query string becomes a space
/// when the query is form-decoded; js-grip turns it back).
/// </summary>
internal static class GripBase64
{
    /// <summary>Encodes bytes as standard padded base64.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes);

    /// <summary>Decodes standard or url-safe base64 (see the class remarks).</summary>
    /// <exception cref="FormatException">The text is not base64, with the position of the first bad character.</exception>
    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryDecode(text, out byte[]? bytes, out string? error))
        {
            throw new FormatException($"Invalid base64: {error}");
        }

        return bytes;
    }

    /// <summary>Decodes standard or url-safe base64 (see the class remarks).</summary>
    /// <returns><see langword="false"/> when the text is not base64.</returns>
    public static bool TryDecode(string text, [NotNullWhen(true)] out byte[]? bytes) => TryDecode(text, out bytes, out _);

    private static bool TryDecode(string text, [NotNullWhen(true)] out byte[]? bytes, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        bytes = null;

        // Padding: at most two '=' and only at the end.
        int dataLength = text.Length;
        while (dataLength > 0 && text[dataLength - 1] == '=')
        {
            dataLength--;
        }

        // Report the first character that is not base64 before any length problem: it is the likelier mistake.
        for (int i = 0; i < dataLength; i++)
        {
            char c = text[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or ' ' or '-' or '_'))
            {
                error = $"character '{c}' (U+{(int)c:X4}) at position {i} is not base64";
                return false;
            }
        }

        int padding = text.Length - dataLength;
        if (padding > 2)
        {
            error = $"more than two '=' at position {dataLength}";
            return false;
        }

        if (padding > 0 && text.Length % 4 != 0)
        {
            error = $"the padded length {text.Length} is not a multiple of 4";
            return false;
        }

        if (dataLength % 4 == 1)
        {
            error = $"{dataLength} base64 characters cannot encode whole bytes";
            return false;
        }

        int padded = (dataLength + 3) / 4 * 4;
        char[]? rented = null;
        Span<char> normal = padded <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(padded));
        try
        {
            for (int i = 0; i < dataLength; i++)
            {
                char c = text[i];
                normal[i] = c switch
                {
                    ' ' or '-' => '+',
                    '_' => '/',
                    _ => c,
                };
            }

            normal[dataLength..padded].Fill('=');
            byte[] output = new byte[padded / 4 * 3];
            if (!Convert.TryFromBase64Chars(normal[..padded], output, out int written))
            {
                error = "the text does not decode";
                return false;
            }

            bytes = written == output.Length ? output : output[..written];
            error = null;
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
