namespace Grip;

/// <summary>The items could not be queued because a proxy already has the maximum number of publishes pending.</summary>
public sealed class GripPublishQueueFullException : GripPublishException
{
    /// <summary>Creates the exception.</summary>
    public GripPublishQueueFullException(string message, IReadOnlyList<GripPublishFailure> failures)
        : base(message, failures)
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripPublishQueueFullException()
        : base("The publish queue is full.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripPublishQueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripPublishQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
