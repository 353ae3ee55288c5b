namespace Grip;

/// <summary>Why publishing to one proxy did not succeed.</summary>
public enum GripPublishFailureReason
{
    /// <summary>The proxy answered with an error status (see <see cref="GripPublishFailure.StatusCode"/>).</summary>
    ErrorStatus = 0,

    /// <summary>No connection could be made (refused, DNS, connect timeout) or it failed before the request body was sent.</summary>
    NotConnected = 1,

    /// <summary>The request could not be sent within the attempt timeout.</summary>
    SendTimeout = 2,

    /// <summary>The request was sent but no answer came within the response timeout.</summary>
    ResponseTimeout = 3,

    /// <summary>The connection was lost after the request body was sent.</summary>
    ConnectionLost = 4,

    /// <summary>The publish was not queued: the proxy's queue of pending publishes is full.</summary>
    QueueFull = 5,

    /// <summary>The publish waited (queued or between retries) longer than the total timeout and was never sent.</summary>
    Expired = 6,

    /// <summary>The publisher was shutting down before the publish was sent.</summary>
    ShutDown = 7,
}
