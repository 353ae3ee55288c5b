using System.Text;

namespace Grip.Testing;

/// <summary>One thing a fake client received: a message, a ping or pong, or the close.</summary>
public sealed class GripTestMessage
{
    internal GripTestMessage(GripTestMessageKind kind, byte[] data, int? closeCode = null, string? closeReason = null)
    {
        Kind = kind;
        Data = data;
        CloseCode = closeCode;
        CloseReason = closeReason;
    }

    /// <summary>The kind.</summary>
    public GripTestMessageKind Kind { get; }

    /// <summary>The payload bytes (UTF-8 for text).</summary>
    public byte[] Data { get; }

    /// <summary>The payload as text.</summary>
    public string Text => Encoding.UTF8.GetString(Data);

    /// <summary>For <see cref="GripTestMessageKind.Close"/>: the close code.</summary>
    public int? CloseCode { get; }

    /// <summary>For <see cref="GripTestMessageKind.Close"/>: the close reason.</summary>
    public string? CloseReason { get; }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        GripTestMessageKind.Text => "text: " + Text,
        GripTestMessageKind.Close => $"close {CloseCode} {CloseReason}",
        _ => $"{Kind.ToString().ToLowerInvariant()}: {Data.Length} bytes",
    };
}
