namespace Grip.Hosting.Http;

/// <summary>How a hold keep-alive timer runs.</summary>
public enum GripHoldKeepAliveMode
{
    /// <summary>Send after the stream has been idle for the timeout (the default).</summary>
    Idle,

    /// <summary>Send every timeout.</summary>
    Interval,
}
