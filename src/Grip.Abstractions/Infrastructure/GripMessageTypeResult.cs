using System.ComponentModel;

namespace Grip.Infrastructure;

/// <summary>What <see cref="GripHandlerSupport.ReadMessageType"/> found in a text message.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum GripMessageTypeResult
{
    /// <summary>The discriminator is a string; the reader is positioned on its value.</summary>
    Found,

    /// <summary>The message is JSON, but not an object with a string discriminator.</summary>
    Missing,

    /// <summary>The message is not valid JSON.</summary>
    InvalidJson,
}
