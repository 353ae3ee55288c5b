using System.Text.Json;

namespace Grip.Protocol;

/// <summary><c>send-delayed</c>: the proxy sends a message after a timeout unless the origin answers first.</summary>
public sealed class SendDelayedControlMessage(GripFrameContent content, int timeoutSeconds = 1) : GripControlMessage
{
    /// <summary>The frame to send.</summary>
    public GripFrameContent Content { get; } = content;

    /// <summary>The delay in seconds (at least 1).</summary>
    public int TimeoutSeconds { get; } = timeoutSeconds;

    /// <inheritdoc />
    public override string Type => "send-delayed";

    /// <inheritdoc />
    public override void Validate()
    {
        Content.Validate(nameof(Content));

        // Pushpin reads 0 as "use the default (1 s)" and refuses negative values.
        if (TimeoutSeconds < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TimeoutSeconds), TimeoutSeconds, "A send-delayed timeout must be at least 1 second (Pushpin reads 0 as its 1 s default).");
        }
    }

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        Content.WriteFields(writer);
        writer.WriteNumber("timeout"u8, TimeoutSeconds);
    }
}
