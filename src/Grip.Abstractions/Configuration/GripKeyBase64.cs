using System.Buffers;

namespace Grip.Configuration;

/// <summary>
/// Base64 decoding as GRIP key strings need it (grip-spec §8.9): standard or URL-safe alphabet,
/// padding optional, and a space read as <c>+</c> (form-decoding a URL turns <c>+</c> into a space).
/// </summary>
/// <remarks>
/// Written here because Configuration must not wait for a shared helper; if
/// <c>Grip.Protocol.GripBase64</c> lands with the same rules this can delegate to it.
/// </remarks>
internal static class GripKeyBase64
{
    public static bool TryDecode(ReadOnlySpan<char> input, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        int length = input.Length;
        char[] rented = ArrayPool<char>.Shared.Rent(Math.Max(4, length + 3));
        try
        {
            int n = 0;
            int padding = 0;
            foreach (char c in input)
            {
                char mapped = c switch
                {
                    ' ' => '+',
                    '-' => '+',
                    '_' => '/',
                    _ => c,
                };

                if (mapped == '=')
                {
                    padding++;
                    continue;
                }

                if (padding > 0)
                {
                    // Nothing may follow padding.
                    return false;
                }

                bool valid = mapped is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '/';
                if (!valid)
                {
                    return false;
                }

                rented[n++] = mapped;
            }

            int remainder = n % 4;
            if (remainder == 1)
            {
                return false;
            }

            if (padding > 0 && (padding > 2 || (n + padding) % 4 != 0))
            {
                return false;
            }

            if (remainder != 0)
            {
                int pad = 4 - remainder;
                for (int i = 0; i < pad; i++)
                {
                    rented[n++] = '=';
                }
            }

            byte[] output = new byte[n / 4 * 3];
            if (!Convert.TryFromBase64Chars(rented.AsSpan(0, n), output, out int written))
            {
                return false;
            }

            bytes = written == output.Length ? output : output.AsSpan(0, written).ToArray();
            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }
}
