using System.Text.Json;

namespace Grip.Protocol;

/// <summary><c>unsubscribe</c>: remove the connection's subscription to a channel.</summary>
public sealed class UnsubscribeControlMessage(string channel) : GripControlMessage
{
    /// <summary>The channel.</summary>
    public string Channel { get; } = channel;

    /// <inheritdoc />
    public override string Type => "unsubscribe";

    /// <inheritdoc />
    public override void Validate() => ValidateChannel(Channel);

    private protected override void WriteFields(Utf8JsonWriter writer) => writer.WriteString("channel"u8, Channel);
}
