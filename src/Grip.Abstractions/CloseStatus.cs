namespace Grip;

/// <summary>How a connection ended, as seen by <c>[OnClose]</c>.</summary>
public readonly struct CloseStatus : IEquatable<CloseStatus>
{
    /// <summary>Creates a close status.</summary>
    /// <param name="code">The close code, or <see langword="null"/> when the close frame carried none.</param>
    /// <param name="reason">The close reason, or <see langword="null"/>.</param>
    /// <param name="isDisconnect"><see langword="true"/> when the connection vanished without a close handshake (DISCONNECT).</param>
    public CloseStatus(int? code, string? reason, bool isDisconnect)
    {
        Code = code;
        Reason = reason;
        IsDisconnect = isDisconnect;
    }

    /// <summary>A connection that vanished without a close frame (a <c>DISCONNECT</c> event).</summary>
    public static CloseStatus Disconnected => new(null, null, isDisconnect: true);

    /// <summary>The close code the peer sent, or <see langword="null"/> when it sent none (or on disconnect).</summary>
    public int? Code { get; }

    /// <summary>The close reason the peer sent, or <see langword="null"/>.</summary>
    public string? Reason { get; }

    /// <summary><see langword="true"/> when the connection vanished without a close handshake (DISCONNECT).</summary>
    public bool IsDisconnect { get; }

    /// <summary><see langword="true"/> for a clean close (a CLOSE event), <see langword="false"/> for a DISCONNECT.</summary>
    public bool IsClean => !IsDisconnect;

    /// <inheritdoc />
    public bool Equals(CloseStatus other) => Code == other.Code && Reason == other.Reason && IsDisconnect == other.IsDisconnect;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CloseStatus other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Code, Reason, IsDisconnect);

    /// <summary>Equality by code, reason and kind.</summary>
    public static bool operator ==(CloseStatus left, CloseStatus right) => left.Equals(right);

    /// <summary>Inequality by code, reason and kind.</summary>
    public static bool operator !=(CloseStatus left, CloseStatus right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() =>
        IsDisconnect ? "disconnect" : Code is null ? "close (no code)" : $"close {Code} {Reason}";
}
