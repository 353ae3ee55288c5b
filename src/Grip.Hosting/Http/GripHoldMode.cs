namespace Grip.Hosting.Http;

/// <summary>How the proxy holds an HTTP request (grip-spec §6).</summary>
public enum GripHoldMode
{
    /// <summary>Long-polling: the proxy holds the request until a publish (an <c>http-response</c> item) or the timeout.</summary>
    Response,

    /// <summary>Streaming: the proxy sends this response's headers and body, then appends every <c>http-stream</c> publish.</summary>
    Stream,
}
