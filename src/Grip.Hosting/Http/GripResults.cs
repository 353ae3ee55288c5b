using System.Text;
using Microsoft.AspNetCore.Http;

namespace Grip.Hosting.Http;

/// <summary>Results that ask the GRIP proxy to hold the request (long-poll or stream).</summary>
public static class GripResults
{
    /// <summary>
    /// Answers with GRIP hold instructions and an initial body. A request that did not come through
    /// a GRIP proxy gets 501, because nothing would hold it.
    /// </summary>
    /// <param name="instruct">The hold.</param>
    /// <param name="contentType">The response's content type (for a stream, what the client sees).</param>
    /// <param name="body">For a stream: the first bytes; for a long-poll: the response sent at timeout.</param>
    public static IResult Hold(GripInstruct instruct, string contentType, ReadOnlyMemory<byte> body = default)
    {
        ArgumentNullException.ThrowIfNull(instruct);
        ArgumentException.ThrowIfNullOrEmpty(contentType);

        // Validate now, so a bad instruction fails where it is written, not when executed.
        _ = instruct.BuildHeaders();
        return new HoldResult(instruct, contentType, body);
    }

    /// <summary>
    /// A Server-Sent Events stream held by the proxy on <paramref name="channels"/>: content type
    /// <c>text/event-stream</c>, a comment keep-alive every <paramref name="keepAliveSeconds"/>, and
    /// an optional first event. Publish <c>http-stream</c> items formatted as SSE events to it.
    /// </summary>
    public static IResult EventStream(IEnumerable<GripHoldChannel> channels, int keepAliveSeconds = 20, string? firstEvent = null)
    {
        var instruct = new GripInstruct(GripHoldMode.Stream, channels)
        {
            KeepAliveContent = ":\n\n"u8.ToArray(),
            KeepAliveTimeoutSeconds = keepAliveSeconds,
        };
        return Hold(instruct, "text/event-stream", firstEvent is null ? default : Encoding.UTF8.GetBytes(firstEvent));
    }

    /// <summary>Formats one Server-Sent Event: <c>event:</c> (optional), <c>id:</c> (optional), one <c>data:</c> line per line, blank line.</summary>
    public static string FormatServerSentEvent(string data, string? eventName = null, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var builder = new StringBuilder();
        if (eventName is not null)
        {
            builder.Append("event: ").Append(RequireSingleLine(eventName)).Append('\n');
        }

        if (id is not null)
        {
            builder.Append("id: ").Append(RequireSingleLine(id)).Append('\n');
        }

        foreach (string line in data.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            builder.Append("data: ").Append(line).Append('\n');
        }

        return builder.Append('\n').ToString();
    }

    private static string RequireSingleLine(string value) =>
        value.AsSpan().IndexOfAny('\r', '\n') >= 0 ? throw new ArgumentException("An SSE field must be one line.", nameof(value)) : value;

    private sealed class HoldResult(GripInstruct instruct, string contentType, ReadOnlyMemory<byte> body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            if (!await httpContext.IsFromGripProxyAsync().ConfigureAwait(false))
            {
                httpContext.Response.StatusCode = StatusCodes.Status501NotImplemented;
                httpContext.Response.ContentType = "text/plain";
                await httpContext.Response.WriteAsync("This endpoint needs a GRIP proxy (Pushpin or Fastly Fanout) in front of it.\n", httpContext.RequestAborted).ConfigureAwait(false);
                return;
            }

            instruct.ApplyTo(httpContext.Response);
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = contentType;
            httpContext.Response.ContentLength = body.Length;
            await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
