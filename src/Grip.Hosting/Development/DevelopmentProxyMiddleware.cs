using Grip.Diagnostics;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grip.Hosting.Development;

/// <summary>
/// Accepts real WebSocket connections on the handler paths and drives them through
/// <see cref="DevelopmentProxySession"/>, like Pushpin would.
/// </summary>
internal sealed partial class DevelopmentProxyMiddleware(
    RequestDelegate next,
    DevelopmentProxyHub hub,
    GripDevelopmentProxyPaths paths,
    IOptions<GripDevelopmentProxyOptions> options,
    IHttpClientFactory httpClientFactory,
    IServer server,
    TimeProvider time,
    ILogger<DevelopmentProxyMiddleware> logger)
{
    /// <summary>Pushpin relays at most this much of a rejection body to the client.</summary>
    private const int MaxRejectBody = 100_000;

    private DevelopmentProxyOrigin? _origin;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest || !paths.Matches(context.Request.Path))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var origin = _origin ??= CreateOrigin();
        string id = Guid.NewGuid().ToString("D");
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in context.Request.Headers)
        {
            if (DevelopmentProxyOrigin.ShouldForward(header.Key))
            {
                headers.Add(new(header.Key, header.Value.ToString()));
            }
        }

        string pathAndQuery = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        await using var session = new DevelopmentProxySession(id, pathAndQuery, context.Request.Host.Value ?? "localhost", headers, origin, hub, options.Value, time, logger)
        {
            ClientTag = context.Request.Headers[GripDevelopmentProxy.ClientTagHeader].ToString() is { Length: > 0 } tag ? tag : null,
        };

        DevelopmentProxyOriginResponse response;
        try
        {
            response = await session.OpenAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            LogOpenFailed(logger, ex, id);
            await WriteBadGatewayAsync(context).ConfigureAwait(false);
            return;
        }

        if (!DevelopmentProxySession.IsAccepted(response, out string? problem))
        {
            if (response.StatusCode == 200 && response.ContentType == "application/websocket-events")
            {
                LogHandshakeFailed(logger, id, GripLogText.Escape(problem ?? "invalid response")!);
                await WriteBadGatewayAsync(context).ConfigureAwait(false);
                return;
            }

            // A rejection: relay status, headers and (at most 100,000 bytes of) body, as Pushpin does.
            LogRejected(logger, id, response.StatusCode);
            context.Response.StatusCode = response.StatusCode;
            foreach (var header in response.Headers)
            {
                if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                    && !header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.Headers.Append(header.Key, header.Value);
                }
            }

            if (response.ContentType is not null)
            {
                context.Response.Headers.ContentType = response.ContentType;
            }

            int length = Math.Min(response.Body.Length, MaxRejectBody);
            context.Response.ContentLength = length;
            await context.Response.Body.WriteAsync(response.Body.AsMemory(0, length), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var accept = new WebSocketAcceptContext { SubProtocol = DevelopmentProxySession.GetSubprotocol(response) };
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync(accept).ConfigureAwait(false);
        string path = GripLogText.Escape(context.Request.Path.Value ?? string.Empty)!;
        LogAccepted(logger, id, path);
        await session.RunAsync(socket, response, context.RequestAborted).ConfigureAwait(false);
    }

    private DevelopmentProxyOrigin CreateOrigin()
    {
        var client = httpClientFactory.CreateClient(GripDevelopmentProxy.HttpClientName);
        client.BaseAddress = options.Value.OriginBaseAddress ?? ResolveOwnAddress();
        client.Timeout = Timeout.InfiniteTimeSpan;
        return new DevelopmentProxyOrigin(client, options.Value, time);
    }

    /// <summary>The app's own first HTTP address, with a wildcard host replaced by loopback.</summary>
    private Uri ResolveOwnAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        string? chosen = null;
        if (addresses is not null)
        {
            foreach (string address in addresses)
            {
                if (address.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                {
                    chosen = address;
                    break;
                }

                chosen ??= address;
            }
        }

        if (chosen is null)
        {
            throw new InvalidOperationException("The GRIP development proxy cannot find the app's own HTTP address; set GripDevelopmentProxyOptions.OriginBaseAddress.");
        }

        var uri = new Uri(chosen.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal));
        return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
    }

    private static async Task WriteBadGatewayAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status502BadGateway;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync("Error while proxying to origin.\n", context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 9020, Level = LogLevel.Information, Message = "Development proxy: connection {ConnectionId} opened on {Path}.")]
    private static partial void LogAccepted(ILogger logger, string connectionId, string path);

    [LoggerMessage(EventId = 9021, Level = LogLevel.Information, Message = "Development proxy: connection {ConnectionId} rejected by the origin with {StatusCode}.")]
    private static partial void LogRejected(ILogger logger, string connectionId, int statusCode);

    [LoggerMessage(EventId = 9022, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: handshake failed ({Problem}); the client gets 502 as with Pushpin.")]
    private static partial void LogHandshakeFailed(ILogger logger, string connectionId, string problem);

    [LoggerMessage(EventId = 9023, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: the origin could not be reached for OPEN; the client gets 502.")]
    private static partial void LogOpenFailed(ILogger logger, Exception exception, string connectionId);
}
