using System.Text.Json;

namespace Grip.Protocol;

/// <summary>
/// <c>set-meta</c>: set subscription meta used by publish filters (for example <c>user</c> for
/// skip-self). This is not the WebSocket-over-HTTP <c>Meta-*</c> header meta.
/// </summary>
public sealed class SetMetaControlMessage(string name, string? value) : GripControlMessage
{
    /// <summary>The meta name.</summary>
    public string Name { get; } = name;

    /// <summary>The value, or <see langword="null"/> to delete (the <c>value</c> field is then omitted).</summary>
    public string? Value { get; } = value;

    /// <inheritdoc />
    public override string Type => "set-meta";

    /// <inheritdoc />
    public override void Validate()
    {
        if (string.IsNullOrEmpty(Name))
        {
            throw new ArgumentException("A set-meta name must not be empty (Pushpin rejects it and drops the client).", nameof(Name));
        }
    }

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        writer.WriteString("name"u8, Name);

        // Deleting omits "value": Pushpin 1.36 (Qt 5) happens to read a JSON null as absent, but a
        // null is "wrong type" to a Qt 6 build, which kills the client 8 s later.
        if (Value is not null)
        {
            writer.WriteString("value"u8, Value);
        }
    }
}
