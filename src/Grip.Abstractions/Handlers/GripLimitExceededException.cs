namespace Grip;

/// <summary>
/// Writing a message or event would cross a limit of the proxy that fails silently
/// (see <see cref="GripLimits"/>), so GripHandlers refuses it.
/// </summary>
public sealed class GripLimitExceededException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public GripLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripLimitExceededException()
        : base("A GRIP proxy limit would be exceeded.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
