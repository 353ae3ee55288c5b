using System.Text;

namespace Grip;

/// <summary>WebSocket close codes (RFC 6455 §7.4) and the rules for sending them.</summary>
public static class CloseCodes
{
    /// <summary>1000: normal closure.</summary>
    public const int Normal = 1000;

    /// <summary>1001: the endpoint is going away.</summary>
    public const int GoingAway = 1001;

    /// <summary>1002: protocol error.</summary>
    public const int ProtocolError = 1002;

    /// <summary>1003: the endpoint received a message type or message it cannot accept.</summary>
    public const int UnsupportedData = 1003;

    /// <summary>1007: a message was not consistent with its type (for example invalid UTF-8 or JSON).</summary>
    public const int InvalidPayload = 1007;

    /// <summary>1008: policy violation.</summary>
    public const int PolicyViolation = 1008;

    /// <summary>1009: message too big.</summary>
    public const int MessageTooBig = 1009;

    /// <summary>1011: the server met an unexpected condition.</summary>
    public const int InternalError = 1011;

    /// <summary>The largest close reason, in UTF-8 bytes, that fits a control frame (125 − 2 code bytes).</summary>
    public const int MaxReasonBytes = 123;

    /// <summary>
    /// Whether <paramref name="code"/> may be sent in a close frame: 1000-1003, 1007-1014 and
    /// 3000-4999. Codes 0-999, 1004-1006, 1015 and above 4999 are refused (RFC 6455 §7.4.1).
    /// </summary>
    public static bool IsValidToSend(int code) => code switch
    {
        >= 1000 and <= 1003 => true,
        >= 1007 and <= 1014 => true,
        >= 3000 and <= 4999 => true,
        _ => false,
    };

    /// <summary>Throws <see cref="ArgumentException"/> unless the code and reason may be sent.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The code is reserved or out of range.</exception>
    /// <exception cref="ArgumentException">The reason is longer than 123 UTF-8 bytes.</exception>
    public static void Validate(int code, string? reason)
    {
        if (!IsValidToSend(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code,
                "A close code must be 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 §7.4); 0-999, 1004-1006, 1015 and codes above 4999 cannot be sent.");
        }

        if (reason is not null && Encoding.UTF8.GetByteCount(reason) > MaxReasonBytes)
        {
            throw new ArgumentException($"A close reason must be at most {MaxReasonBytes} UTF-8 bytes.", nameof(reason));
        }
    }
}
