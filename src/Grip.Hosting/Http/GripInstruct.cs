using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Grip.Hosting.Http;

/// <summary>
/// GRIP instructions for an HTTP response: hold the request as a long-poll or a stream on channels,
/// with a timeout, keep-alives, subscription meta, a status to send instead, and a next link. The
/// proxy executes them and strips every <c>Grip-*</c> header before the client sees the response.
/// </summary>
public sealed class GripInstruct
{
    /// <summary>Creates instructions for a hold on one or more channels.</summary>
    public GripInstruct(GripHoldMode mode, params IEnumerable<GripHoldChannel> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        Mode = mode;
        Channels = [.. channels];
        if (Channels.Count == 0)
        {
            throw new ArgumentException("A hold needs at least one channel.", nameof(channels));
        }
    }

    /// <summary>Creates instructions for a hold on channels given by name.</summary>
    public GripInstruct(GripHoldMode mode, params string[] channels)
        : this(mode, channels.Select(static c => new GripHoldChannel(c)))
    {
    }

    /// <summary>The hold mode.</summary>
    public GripHoldMode Mode { get; }

    /// <summary>The channels.</summary>
    public IReadOnlyList<GripHoldChannel> Channels { get; }

    /// <summary>For a long-poll: seconds before the proxy answers with this response's own body (at least 5). Pushpin's default is 55.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>Bytes the proxy sends on an idle stream (for SSE, a comment such as <c>":\n\n"</c>).</summary>
    public ReadOnlyMemory<byte>? KeepAliveContent { get; init; }

    /// <summary>Seconds between keep-alives (at least 1). Pushpin's default is 55.</summary>
    public int KeepAliveTimeoutSeconds { get; init; } = 55;

    /// <summary>Idle or interval keep-alives.</summary>
    public GripHoldKeepAliveMode KeepAliveMode { get; init; } = GripHoldKeepAliveMode.Idle;

    /// <summary>Subscription meta for publish filters (<c>Grip-Set-Meta</c>).</summary>
    public IReadOnlyDictionary<string, string>? Meta { get; init; }

    /// <summary>A status the proxy sends instead of 200 (<c>Grip-Status</c>), for example 304.</summary>
    public int? Status { get; init; }

    /// <summary>The reason phrase that goes with <see cref="Status"/>.</summary>
    public string? StatusReason { get; init; }

    /// <summary>A URI the proxy requests when this stream ends, to continue it (<c>Grip-Link rel=next</c>).</summary>
    public Uri? NextLink { get; init; }

    /// <summary>Seconds before the proxy follows <see cref="NextLink"/>. Pushpin's default is 120.</summary>
    public int? NextLinkTimeoutSeconds { get; init; }

    /// <summary>Validates the instructions and writes them as <c>Grip-*</c> response headers.</summary>
    /// <exception cref="ArgumentException">A value the proxy would misread (a comma in a channel name, a timeout under the minimum, ...).</exception>
    public void ApplyTo(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        foreach (var header in BuildHeaders())
        {
            response.Headers[header.Key] = header.Value;
        }
    }

    /// <summary>The <c>Grip-*</c> headers these instructions become, in a stable order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> BuildHeaders()
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Grip-Hold", Mode == GripHoldMode.Stream ? "stream" : "response"),
            new("Grip-Channel", FormatChannels(Channels)),
        };

        if (TimeoutSeconds is { } timeout)
        {
            if (Mode != GripHoldMode.Response)
            {
                throw new ArgumentException("Grip-Timeout applies to a long-poll (response) hold only.", nameof(TimeoutSeconds));
            }

            if (timeout < 5)
            {
                throw new ArgumentOutOfRangeException(nameof(TimeoutSeconds), timeout, "Pushpin holds a response at least 5 seconds; a smaller Grip-Timeout would silently become 5.");
            }

            headers.Add(new("Grip-Timeout", timeout.ToString(CultureInfo.InvariantCulture)));
        }

        if (KeepAliveContent is { } keepAlive)
        {
            if (KeepAliveTimeoutSeconds < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(KeepAliveTimeoutSeconds), KeepAliveTimeoutSeconds, "A keep-alive timeout must be at least 1 second.");
            }

            // Base64 always: Pushpin's cstring format drops \t and cuts the data at ';' (grip-spec §6).
            var value = new StringBuilder(Convert.ToBase64String(keepAlive.Span))
                .Append("; format=base64; timeout=")
                .Append(KeepAliveTimeoutSeconds.ToString(CultureInfo.InvariantCulture));
            if (KeepAliveMode == GripHoldKeepAliveMode.Interval)
            {
                value.Append("; mode=interval");
            }

            headers.Add(new("Grip-Keep-Alive", value.ToString()));
        }

        if (Meta is { Count: > 0 })
        {
            headers.Add(new("Grip-Set-Meta", FormatMeta(Meta)));
        }

        if (Status is { } status)
        {
            if (status is < 100 or > 999)
            {
                throw new ArgumentOutOfRangeException(nameof(Status), status, "Grip-Status must be a 3-digit HTTP status.");
            }

            string code = status.ToString(CultureInfo.InvariantCulture);
            headers.Add(new("Grip-Status", StatusReason is { Length: > 0 } reason ? code + " " + RequireHeaderText(reason, nameof(StatusReason)) : code));
        }

        if (NextLink is { } link)
        {
            if (!link.IsAbsoluteUri)
            {
                throw new ArgumentException("Grip-Link needs an absolute URI.", nameof(NextLink));
            }

            string value = "<" + RequireHeaderText(link.AbsoluteUri, nameof(NextLink)) + ">; rel=next";
            if (NextLinkTimeoutSeconds is { } linkTimeout)
            {
                value += "; timeout=" + linkTimeout.ToString(CultureInfo.InvariantCulture);
            }

            headers.Add(new("Grip-Link", value));
        }

        return headers;
    }

    /// <summary>Formats a <c>Grip-Channel</c> value: <c>name[; prev-id=id][; filter=f]*</c>, comma-separated.</summary>
    public static string FormatChannels(IReadOnlyList<GripHoldChannel> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var builder = new StringBuilder();
        foreach (var channel in channels)
        {
            if (builder.Length > 0)
            {
                builder.Append(", ");
            }

            builder.Append(RequireToken(channel.Name, "channel name"));
            if (channel.PrevId is { } prevId)
            {
                builder.Append("; prev-id=").Append(RequireToken(prevId, "prev-id"));
            }

            foreach (string filter in channel.Filters ?? [])
            {
                builder.Append("; filter=").Append(RequireToken(filter, "filter"));
            }
        }

        return builder.ToString();
    }

    /// <summary>Formats <c>Grip-Set-Meta</c>: <c>name="value", ...</c> with <c>\</c> and <c>"</c> escaped.</summary>
    public static string FormatMeta(IReadOnlyDictionary<string, string> meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        var builder = new StringBuilder();
        foreach (var pair in meta.OrderBy(static p => p.Key, StringComparer.Ordinal))
        {
            if (builder.Length > 0)
            {
                builder.Append(", ");
            }

            builder.Append(RequireToken(pair.Key, "meta name")).Append("=\"");
            foreach (char c in RequireHeaderText(pair.Value, "meta value"))
            {
                if (c is '"' or '\\')
                {
                    builder.Append('\\');
                }

                builder.Append(c);
            }

            builder.Append('"');
        }

        return builder.ToString();
    }

    /// <summary>A value that stands unquoted between ',' and ';' in a GRIP header.</summary>
    private static string RequireToken(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            throw new ArgumentException($"A {what} must not be empty.", nameof(value));
        }

        foreach (char c in value)
        {
            if (c <= ' ' || c >= 0x7F || c is ',' or ';' or '"' or '=')
            {
                throw new ArgumentException($"The {what} '{value}' cannot be written into a GRIP header: use printable ASCII without spaces, ',', ';', '\"' or '='.", nameof(value));
            }
        }

        return value;
    }

    private static string RequireHeaderText(string value, string what)
    {
        foreach (char c in value)
        {
            if (c < ' ' || c >= 0x7F)
            {
                throw new ArgumentException($"The {what} must be printable ASCII.", nameof(value));
            }
        }

        return value;
    }
}
