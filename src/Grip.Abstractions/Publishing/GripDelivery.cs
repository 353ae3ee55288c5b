namespace Grip;

/// <summary>How often a publish may reach a proxy.</summary>
public enum GripDelivery
{
    /// <summary>The configured default (<c>Grip:Publisher:Delivery</c>), which is <see cref="AtMostOnce"/> unless changed.</summary>
    Default = 0,

    /// <summary>
    /// Never send again what may have reached the proxy: only requests that provably did not arrive
    /// (refused connection, 429/503, a timeout before the body was sent) are retried. An unknown
    /// outcome is reported as <see cref="GripPublishOutcome.Unknown"/>. No duplicates.
    /// </summary>
    AtMostOnce = 1,

    /// <summary>
    /// Also re-send when the outcome is unknown (the answer timed out, the connection dropped after
    /// the body was sent). No loss that a retry can fix, but Pushpin does not de-duplicate, so a
    /// subscriber may receive the items twice.
    /// </summary>
    AtLeastOnce = 2,
}
