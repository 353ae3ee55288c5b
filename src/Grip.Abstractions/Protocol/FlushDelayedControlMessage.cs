using System.Text.Json;

namespace Grip.Protocol;

/// <summary><c>flush-delayed</c>: the proxy sends the pending delayed message now.</summary>
public sealed class FlushDelayedControlMessage : GripControlMessage
{
    /// <summary>The one instance.</summary>
    public static FlushDelayedControlMessage Instance { get; } = new();

    /// <inheritdoc />
    public override string Type => "flush-delayed";

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
    }
}
