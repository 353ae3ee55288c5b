using System.Text.Json;

namespace Grip.Publishing;

/// <summary>
/// The <c>http-response</c> format: the response a held long-poll request gets (a body is always
/// sent), or a hint.
/// </summary>
public sealed class HttpResponseFormat
{
    private string[]? _contentFilters;

    private readonly bool _hint;

    /// <summary>Creates a response with a binary body (written as <c>body-bin</c>).</summary>
    public HttpResponseFormat(ReadOnlyMemory<byte> body)
    {
        Body = body;
    }

    private HttpResponseFormat(string text)
    {
        BodyText = text;
        Body = System.Text.Encoding.UTF8.GetBytes(text);
    }

    private HttpResponseFormat(bool hint)
    {
        _hint = hint;
    }

    /// <summary>Creates a response with a text body (written as <c>body</c>).</summary>
    public static HttpResponseFormat FromText(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new HttpResponseFormat(body);
    }

    /// <summary>
    /// A hint (<c>"action": "hint"</c>): no response of its own; the proxy asks the origin again for
    /// each held request (by its <c>Grip-Link</c> <c>rel=next</c>, or the original request).
    /// <see cref="Code"/>, <see cref="Reason"/>, <see cref="Headers"/> and the body are not sent.
    /// </summary>
    public static HttpResponseFormat Hint() => new(hint: true);

    /// <summary>Whether this is a hint (see <see cref="Hint"/>).</summary>
    public bool IsHint => _hint;

    /// <summary>
    /// The content filters a subscription must have for this format to reach it
    /// (<c>content-filters</c>; see <see cref="PublishItem"/> remarks). <see langword="null"/> (the
    /// default): every subscription; empty: only subscriptions without content filters.
    /// </summary>
    public IReadOnlyList<string>? ContentFilters => _contentFilters;

    /// <summary>
    /// A copy of this format that only reaches subscriptions whose content filters are exactly
    /// <paramref name="filters"/>, in this order (for example <c>var-subst</c> for content with
    /// <c>%(user)s</c>). No argument: only subscriptions without content filters.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not <c>var-subst</c> or <c>build-id</c>, or is repeated.</exception>
    public HttpResponseFormat WithContentFilters(params ReadOnlySpan<string> filters)
    {
        string[] list = filters.ToArray();
        ContentFilterList.Validate(list);
        var copy = (HttpResponseFormat)MemberwiseClone();
        copy._contentFilters = list;
        return copy;
    }

    /// <summary>The body as text, when created with <see cref="FromText(string)"/>.</summary>
    public string? BodyText { get; }

    /// <summary>The status code (default 200).</summary>
    public int Code { get; init; } = 200;

    /// <summary>The reason phrase, or <see langword="null"/> for the standard one.</summary>
    public string? Reason { get; init; }

    /// <summary>Response headers, in order; a name may repeat (they are written as <c>[name, value]</c> pairs).</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; init; }

    /// <summary>The body (always written, even when empty: Pushpin rejects a format without one).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Checks the format.</summary>
    /// <exception cref="ArgumentException">The code, a header or a content filter cannot be sent.</exception>
    public void Validate()
    {
        ContentFilterList.Validate(ContentFilters);
        if (Code is < 0 or > 999)
        {
            throw new ArgumentOutOfRangeException(nameof(Code), Code, "An http-response code must be 0-999.");
        }

        if (Headers is null)
        {
            return;
        }

        foreach (var header in Headers)
        {
            if (string.IsNullOrEmpty(header.Key) || header.Key.AsSpan().IndexOfAnyExcept(HeaderTokenChars) >= 0)
            {
                throw new ArgumentException($"Header name '{header.Key}' is not an HTTP token.", nameof(Headers));
            }

            if (header.Value is null || header.Value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                throw new ArgumentException($"The value of header '{header.Key}' is null or contains CR, LF or NUL.", nameof(Headers));
            }
        }
    }

    private static readonly System.Buffers.SearchValues<char> HeaderTokenChars =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Writes the format object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Validate();
        writer.WriteStartObject();
        if (_hint)
        {
            writer.WriteString("action"u8, "hint");
            ContentFilterList.Write(writer, ContentFilters);
            writer.WriteEndObject();
            return;
        }

        writer.WriteNumber("code"u8, Code);
        if (Reason is not null)
        {
            writer.WriteString("reason"u8, Reason);
        }

        if (Headers is { Count: > 0 })
        {
            // Pairs, not an object: keeps order and repeated names (Set-Cookie).
            writer.WriteStartArray("headers"u8);
            foreach (var header in Headers)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(header.Key);
                writer.WriteStringValue(header.Value);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        // A body is always written: Pushpin refuses an http-response without one.
        if (BodyText is not null)
        {
            writer.WriteString("body"u8, BodyText);
        }
        else
        {
            writer.WriteBase64String("body-bin"u8, Body.Span);
        }

        ContentFilterList.Write(writer, ContentFilters);
        writer.WriteEndObject();
    }
}
