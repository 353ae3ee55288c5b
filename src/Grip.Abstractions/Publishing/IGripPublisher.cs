namespace Grip.Publishing;

/// <summary>
/// Publishes items to channels through every configured GRIP proxy. A publish that fails after
/// retries throws <see cref="GripPublishException"/>: nothing is dropped silently.
/// </summary>
public interface IGripPublisher
{
    /// <summary>Publishes several items in one request to every configured proxy.</summary>
    /// <exception cref="GripPublishException">A proxy refused the items or could not be reached.</exception>
    Task PublishAsync(IReadOnlyList<PublishItem> items, CancellationToken cancellationToken = default);
}

/// <summary>Publishing failed at one or more proxies.</summary>
public sealed class GripPublishException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GripPublishException(string message, IReadOnlyList<GripPublishFailure> failures, Exception? innerException = null)
        : base(message, innerException)
    {
        Failures = failures;
    }

    /// <summary>Creates the exception.</summary>
    public GripPublishException()
        : this("Publishing failed.", [])
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripPublishException(string message)
        : this(message, [])
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripPublishException(string message, Exception innerException)
        : this(message, [], innerException)
    {
    }

    /// <summary>One entry per proxy that failed.</summary>
    public IReadOnlyList<GripPublishFailure> Failures { get; }
}

/// <summary>How publishing to one proxy failed.</summary>
/// <param name="Proxy">The publish URI of the proxy.</param>
/// <param name="StatusCode">The HTTP status, or <see langword="null"/> when no response arrived.</param>
/// <param name="Body">The response body (truncated), or the transport error message.</param>
public sealed record GripPublishFailure(Uri Proxy, int? StatusCode, string Body);
