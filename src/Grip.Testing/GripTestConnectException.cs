namespace Grip.Testing;

/// <summary>The handler rejected a fake client's connection (its <c>[OnOpen]</c> called <c>Reject</c>, or threw).</summary>
public sealed class GripTestConnectException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GripTestConnectException(int statusCode, string? body, Exception? inner)
        : base($"The connection was rejected with HTTP {statusCode}.", inner)
    {
        StatusCode = statusCode;
        Body = body;
    }

    /// <summary>Creates the exception.</summary>
    public GripTestConnectException()
        : this(0, null, null)
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripTestConnectException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripTestConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status of the rejection.</summary>
    public int StatusCode { get; }

    /// <summary>The rejection body, when known.</summary>
    public string? Body { get; }
}
