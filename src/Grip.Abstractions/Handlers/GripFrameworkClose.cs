namespace Grip;

/// <summary>
/// Why GripHandlers itself closed a connection, with the close code and reason it sent
/// (docs/lifecycle.md): the batch's response would have crossed a proxy limit, a control frame
/// broke RFC 6455, or a handler did not finish in time. Read it from
/// <see cref="Infrastructure.GripResponse.FrameworkClose"/>.
/// </summary>
public sealed class GripFrameworkClose
{
    private GripFrameworkClose(string kind, int code, string reason)
    {
        Kind = kind;
        Code = code;
        Reason = reason;
    }

    /// <summary>
    /// The answers to the batch would have taken the response over
    /// <see cref="GripLimits.MaxResponseBodyBytes"/> (over it Pushpin drops the client without a close
    /// code): the events before were answered, the rest of the batch is not dispatched, and the
    /// connection is closed with 1009 (message too big).
    /// </summary>
    public static GripFrameworkClose ResponseLimit { get; } = new("response-limit", CloseCodes.MessageTooBig, "Response limit reached");

    /// <summary>
    /// A PING carried more than 125 bytes, which RFC 6455 §5.5 forbids for a control frame (so it
    /// cannot be answered with an echoing PONG): the connection is closed with 1002 (protocol error).
    /// </summary>
    public static GripFrameworkClose ControlFrameTooLarge { get; } = new("control-frame-too-large", CloseCodes.ProtocolError, "Control frame too large");

    /// <summary>
    /// A handler did not finish within the endpoint's handler timeout: the connection is closed with
    /// 1011 (or, while opening, rejected with 500) and the rest of the batch is not dispatched.
    /// </summary>
    public static GripFrameworkClose HandlerTimeout { get; } = new("handler-timeout", CloseCodes.InternalError, "Handler timeout");

    /// <summary>A short, stable name for logs and metrics (<c>response-limit</c>, <c>control-frame-too-large</c>, <c>handler-timeout</c>).</summary>
    public string Kind { get; }

    /// <summary>The close code sent.</summary>
    public int Code { get; }

    /// <summary>The close reason sent.</summary>
    public string Reason { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} ({Code} {Reason})";
}
