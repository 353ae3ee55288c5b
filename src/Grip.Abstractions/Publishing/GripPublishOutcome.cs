namespace Grip;

/// <summary>Whether a failed publish may have reached the proxy.</summary>
public enum GripPublishOutcome
{
    /// <summary>The proxy certainly did not publish the items (not sent, or refused with an answer saying so).</summary>
    Failed = 0,

    /// <summary>The items were sent and may have been published: the answer never came or was a server error.</summary>
    Unknown = 1,
}
