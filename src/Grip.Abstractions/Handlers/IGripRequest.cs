namespace Grip;

/// <summary>
/// The HTTP request that carried a batch of events: path, query and the client's handshake headers
/// (the proxy forwards them on every request of a connection).
/// </summary>
public interface IGripRequest
{
    /// <summary>The request path, for example <c>/api/chat</c>.</summary>
    string Path { get; }

    /// <summary>The raw query string including the leading <c>?</c>, or empty.</summary>
    string QueryString { get; }

    /// <summary>The first value of a query parameter, or <see langword="null"/>.</summary>
    string? GetQueryValue(string name);

    /// <summary>The value of a request header (several values joined with a comma), or <see langword="null"/>.</summary>
    string? GetHeader(string name);
}
