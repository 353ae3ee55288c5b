namespace Grip;

/// <summary>How publishing to one proxy failed.</summary>
/// <param name="Proxy">The publish URI (or endpoint) of the proxy.</param>
/// <param name="StatusCode">The HTTP status, or <see langword="null"/> when no response arrived.</param>
/// <param name="Body">The response body (truncated), or what went wrong.</param>
/// <param name="Outcome">Whether the proxy may have published the items.</param>
/// <param name="Reason">What went wrong.</param>
public sealed record GripPublishFailure(Uri Proxy, int? StatusCode, string Body, GripPublishOutcome Outcome = GripPublishOutcome.Failed, GripPublishFailureReason Reason = GripPublishFailureReason.ErrorStatus);
