using System.Text.Json;

namespace Grip.Protocol;

/// <summary><c>subscribe</c>: subscribe the connection to a channel, optionally with filters.</summary>
public sealed class SubscribeControlMessage : GripControlMessage
{
    /// <summary>Creates the message.</summary>
    public SubscribeControlMessage(string channel, IReadOnlyList<string>? filters = null)
    {
        Channel = channel;
        Filters = filters ?? [];
    }

    /// <summary>The channel.</summary>
    public string Channel { get; }

    /// <summary>The filters, for example <see cref="GripFilters.SkipSelf"/>.</summary>
    public IReadOnlyList<string> Filters { get; }

    /// <inheritdoc />
    public override string Type => "subscribe";

    /// <inheritdoc />
    public override void Validate()
    {
        ValidateChannel(Channel);
        foreach (string filter in Filters)
        {
            if (filter is null || !GripFilters.IsKnown(filter))
            {
                throw new ArgumentException($"Unknown subscription filter '{filter}'. Pushpin 1.36 knows skip-self, skip-users, require-sub, build-id and var-subst.", nameof(Filters));
            }
        }
    }

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        writer.WriteString("channel"u8, Channel);
        if (Filters.Count > 0)
        {
            writer.WriteStartArray("filters"u8);
            foreach (string filter in Filters)
            {
                writer.WriteStringValue(filter);
            }

            writer.WriteEndArray();
        }
    }
}
