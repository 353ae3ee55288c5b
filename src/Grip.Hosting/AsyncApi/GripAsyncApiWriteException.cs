namespace Grip.AsyncApi;

/// <summary>Why the AsyncAPI document could not be written (write mode).</summary>
internal sealed class GripAsyncApiWriteException : Exception
{
    public GripAsyncApiWriteException()
    {
    }

    public GripAsyncApiWriteException(string message)
        : base(message)
    {
    }

    public GripAsyncApiWriteException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
