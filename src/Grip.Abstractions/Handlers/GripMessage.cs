namespace Grip;

/// <summary>One client message handed to the generated dispatcher: text (UTF-8) or binary bytes.</summary>
public readonly struct GripMessage
{
    /// <summary>Creates a message.</summary>
    public GripMessage(bool isText, ReadOnlyMemory<byte> data)
    {
        IsText = isText;
        Data = data;
    }

    /// <summary><see langword="true"/> for a text message, <see langword="false"/> for binary.</summary>
    public bool IsText { get; }

    /// <summary>The message bytes (UTF-8 for text). A slice of the request body: no copy.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The text of a text message.</summary>
    public string GetText() => System.Text.Encoding.UTF8.GetString(Data.Span);
}
