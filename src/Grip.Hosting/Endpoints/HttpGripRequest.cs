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
}
