using System.Text.Json;

namespace Grip.Protocol;

/// <summary><c>session</c>: associate a GRIP session id with the connection (null or empty clears it).</summary>
public sealed class SessionControlMessage(string? id) : GripControlMessage
{
    /// <summary>The session id, or <see langword="null"/> to clear.</summary>
    public string? Id { get; } = id;

    /// <inheritdoc />
    public override string Type => "session";

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        if (!string.IsNullOrEmpty(Id))
        {
            writer.WriteString("id"u8, Id);
        }
    }
}
