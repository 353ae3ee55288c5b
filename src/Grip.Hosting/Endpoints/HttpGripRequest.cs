using System.Security.Claims;
using Grip.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Grip.Hosting;

/// <summary>
/// <see cref="IGripRequest"/> over an ASP.NET Core <see cref="HttpRequest"/>, and what its
/// <see cref="GripConnection"/> reads from the request only when first asked for (<see cref="IGripHostRequest"/>).
/// </summary>
internal sealed class HttpGripRequest(HttpRequest request) : IGripRequest, IGripHostRequest
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
    /// <c>HttpContext.RequestServices</c>: ASP.NET Core creates the request's DI scope when it is first
    /// read, so a batch whose handlers need no services (static methods, no DI) creates none.
    /// </summary>
    public IServiceProvider Services => request.HttpContext.RequestServices;

    /// <summary>
    /// <c>HttpContext.User</c> itself, so a handler's <see cref="ClaimsPrincipal"/> and its
    /// <c>HttpContext.User</c> are one object (ASP.NET Core makes an empty principal when nobody
    /// signed in, when first read).
    /// </summary>
    public ClaimsPrincipal User => request.HttpContext.User;

    /// <summary>The connection meta of a signed request, from its <c>Meta-*</c> headers.</summary>
    public IEnumerable<KeyValuePair<string, string>>? ReadMeta()
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
