namespace Grip.AsyncApi;

/// <summary>What a message or reply of a handler carries on the wire.</summary>
public enum GripPayloadKind
{
    /// <summary>Text frames (<c>string</c>).</summary>
    Text,

    /// <summary>Binary frames (<c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c>).</summary>
    Binary,

    /// <summary>Text and binary frames (<see cref="GripMessage"/>, or no message parameter).</summary>
    TextOrBinary,

    /// <summary>JSON text of a type of the handler's JSON context.</summary>
    Json,
}
