using Microsoft.AspNetCore.Http;

namespace Grip.Hosting;

/// <summary><see cref="IGripRequest"/> over an ASP.NET Core <see cref="HttpRequest"/>.</summary>
internal sealed class HttpGripRequest(HttpRequest request) : IGripRequest
{
    /// <summary>The ASP.NET Core request context (handler parameters of type HttpContext get it).</summary>
    public HttpContext HttpContext => request.HttpContext;

    public string Path => request.Path.Value ?? string.Empty;

    public string QueryString => request.QueryString.Value ?? string.Empty;

    public string? GetQueryValue(string name)
    {
        var values = request.Query[name];
        return values.Count == 0 ? null : values[0];
    }

    public string? GetHeader(string name)
    {
        var values = request.Headers[name];
        return values.Count == 0 ? null : values.ToString();
    }

    /// <summary>
    /// The connection meta of a signed request, read from its <c>Meta-*</c> headers when first used
    /// (a delegate bound to this request: no closure per request).
    /// </summary>
    public GripMeta LazyMeta() => new(ReadMetaHeaders);

    private List<KeyValuePair<string, string>>? ReadMetaHeaders()
    {
        List<KeyValuePair<string, string>>? meta = null;
        foreach (var header in request.Headers)
        {
            if (header.Key.Length > 5 && header.Key.StartsWith("Meta-", StringComparison.OrdinalIgnoreCase))
            {
                (meta ??= []).Add(new(header.Key[5..], header.Value.ToString()));
            }
        }

        return meta;
    }
}
