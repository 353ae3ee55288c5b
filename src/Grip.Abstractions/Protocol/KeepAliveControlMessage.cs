using System.Text.Json;

namespace Grip.Protocol;

/// <summary>
/// <c>keep-alive</c>: the proxy sends a message to the client when the connection is idle (or at a
/// fixed interval). <see cref="Disable"/> turns keep-alives off.
/// </summary>
public sealed class KeepAliveControlMessage : GripControlMessage
{
    private KeepAliveControlMessage(GripFrameContent? content, int timeoutSeconds, GripKeepAliveMode mode)
    {
        Content = content;
        TimeoutSeconds = timeoutSeconds;
        Mode = mode;
    }

    /// <summary>Sends <paramref name="content"/> after <paramref name="timeoutSeconds"/> of idleness (or every interval).</summary>
    /// <param name="content">The frame to send.</param>
    /// <param name="timeoutSeconds">Seconds, at least 1. Pushpin's default is 55.</param>
    /// <param name="mode">Idle (default) or interval.</param>
    public KeepAliveControlMessage(GripFrameContent content, int timeoutSeconds = 55, GripKeepAliveMode mode = GripKeepAliveMode.Idle)
        : this((GripFrameContent?)content, timeoutSeconds, mode)
    {
    }

    /// <summary>A keep-alive message that turns keep-alives off.</summary>
    public static KeepAliveControlMessage Disable() => new(null, 0, GripKeepAliveMode.Idle);

    /// <summary>The frame to send, or <see langword="null"/> when this message disables keep-alives.</summary>
    public GripFrameContent? Content { get; }

    /// <summary>The timeout in seconds.</summary>
    public int TimeoutSeconds { get; }

    /// <summary>The timer mode.</summary>
    public GripKeepAliveMode Mode { get; }

    /// <inheritdoc />
    public override string Type => "keep-alive";

    /// <inheritdoc />
    public override void Validate()
    {
        if (Content is not { } content)
        {
            return;
        }

        content.Validate(nameof(Content));

        // Pushpin reads 0 as "use the default (55 s)" and refuses negative values.
        if (TimeoutSeconds < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TimeoutSeconds), TimeoutSeconds, "A keep-alive timeout must be at least 1 second (Pushpin reads 0 as its 55 s default).");
        }

        if (Mode is not (GripKeepAliveMode.Idle or GripKeepAliveMode.Interval))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown keep-alive mode.");
        }
    }

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        if (Content is not { } content)
        {
            return;
        }

        content.WriteFields(writer);
        writer.WriteNumber("timeout"u8, TimeoutSeconds);
        writer.WriteString("mode"u8, Mode == GripKeepAliveMode.Interval ? "interval" : "idle");
    }
}
