namespace Grip;

/// <summary>Publishing failed at one or more proxies, or its outcome there is unknown.</summary>
public class GripPublishException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GripPublishException(string message, IReadOnlyList<GripPublishFailure> failures, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(failures);
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

    /// <summary>One entry per proxy that did not succeed (proxies that accepted the items are not listed).</summary>
    public IReadOnlyList<GripPublishFailure> Failures { get; }

    /// <summary>
    /// <see langword="true"/> when at least one proxy may have published the items
    /// (<see cref="GripPublishOutcome.Unknown"/>): re-sending could deliver them twice.
    /// </summary>
    public bool IsUncertain
    {
        get
        {
            foreach (var failure in Failures)
            {
                if (failure.Outcome == GripPublishOutcome.Unknown)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
