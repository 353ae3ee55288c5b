using System.Text.Json;

namespace Grip.Protocol;

/// <summary><c>detach</c>: the proxy stops forwarding client messages to the origin; published messages still arrive.</summary>
public sealed class DetachControlMessage : GripControlMessage
{
    /// <summary>The one instance.</summary>
    public static DetachControlMessage Instance { get; } = new();

    /// <inheritdoc />
    public override string Type => "detach";

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
    }
}
