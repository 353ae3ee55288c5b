namespace Grip.Protocol;

/// <summary>How a keep-alive timer runs.</summary>
public enum GripKeepAliveMode
{
    /// <summary>Send when the connection has been idle for the timeout (the default).</summary>
    Idle,

    /// <summary>Send every timeout, idle or not.</summary>
    Interval,
}
