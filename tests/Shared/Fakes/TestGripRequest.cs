namespace Grip.Tests.Fakes;

/// <summary>
/// The one hand-made <see cref="IGripRequest"/> of the unit tests that build a
/// <see cref="GripConnection"/> without a host (linked into each test project that needs it, as
/// tests/Shared files are): a path, a query string and headers, all optional. Hosts use
/// <c>HttpGripRequest</c> (src/Grip.Hosting/Endpoints); tests that need a real request go through a host.
/// </summary>
internal sealed class TestGripRequest(string path = "/ws", string query = "", Dictionary<string, string>? headers = null) : IGripRequest
{
    public string Path { get; } = path;

    public string QueryString { get; } = query;

    public string? GetQueryValue(string name)
    {
        foreach (string part in QueryString.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = part.Split('=', 2);
            if (kv[0] == name)
            {
                return kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
            }
        }

        return null;
    }

    public string? GetHeader(string name) => headers is not null && headers.TryGetValue(name, out string? v) ? v : null;
}
