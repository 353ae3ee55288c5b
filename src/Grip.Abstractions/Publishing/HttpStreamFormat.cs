using System.Text.Json;

namespace Grip.Publishing;

/// <summary>The <c>http-stream</c> format: bytes appended to held streams, a close, or a hint.</summary>
public sealed class HttpStreamFormat
{
    private string[]? _contentFilters;

    private HttpStreamFormat(ReadOnlyMemory<byte> content, string? text, bool close, bool hint = false)
    {
        Content = content;
        Text = text;
        IsClose = close;
        IsHint = hint;
    }

    /// <summary>Content to append to every held stream (written as <c>content-bin</c>).</summary>
    public static HttpStreamFormat FromContent(ReadOnlyMemory<byte> content) => new(content, null, close: false);

    /// <summary>UTF-8 text to append to every held stream (written as <c>content</c>).</summary>
    public static HttpStreamFormat FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(System.Text.Encoding.UTF8.GetBytes(text), text, close: false);
    }

    /// <summary>Ends the held streams.</summary>
    public static HttpStreamFormat CloseStream() => new(default, null, close: true);

    /// <summary>
    /// A hint (<c>"action": "hint"</c>): no content; the proxy fetches what is new from the origin
    /// itself, by the stream's <c>Grip-Link</c> <c>rel=next</c> (reliable streaming).
    /// </summary>
    public static HttpStreamFormat Hint() => new(default, null, close: false, hint: true);

    /// <summary>The content bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>The content as text, when created with <see cref="FromText(string)"/>.</summary>
    public string? Text { get; }

    /// <summary>Whether this closes the streams.</summary>
    public bool IsClose { get; }

    /// <summary>Whether this is a hint (see <see cref="Hint"/>).</summary>
    public bool IsHint { get; }

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
    public HttpStreamFormat WithContentFilters(params ReadOnlySpan<string> filters)
    {
        string[] list = filters.ToArray();
        ContentFilterList.Validate(list);
        var copy = (HttpStreamFormat)MemberwiseClone();
        copy._contentFilters = list;
        return copy;
    }

    /// <summary>Checks the format.</summary>
    /// <exception cref="ArgumentException">A content filter is not one.</exception>
    public void Validate() => ContentFilterList.Validate(ContentFilters);

    /// <summary>Writes the format object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Validate();
        writer.WriteStartObject();
        if (IsClose)
        {
            writer.WriteString("action"u8, "close");
        }
        else if (IsHint)
        {
            writer.WriteString("action"u8, "hint");
        }
        else if (Text is not null)
        {
            writer.WriteString("content"u8, Text);
        }
        else
        {
            writer.WriteBase64String("content-bin"u8, Content.Span);
        }

        ContentFilterList.Write(writer, ContentFilters);
        writer.WriteEndObject();
    }
}
