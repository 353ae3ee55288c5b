using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Grip.Hosting.Publishing.PlainHttp;

/// <summary>
/// The request line and header section of a <see cref="PlainHttpHandler"/> request: method, origin-form
/// target, <c>Host</c>, the request's and its content's headers as given, and <c>Content-Length</c>.
/// </summary>
internal static class PlainHttpRequestWriter
{
    /// <summary>The head, as bytes, and the body's length (0 without content).</summary>
    /// <exception cref="HttpRequestException">The body has no known length, the request asks for chunked framing, or a header value holds a line break.</exception>
    public static byte[] WriteHead(HttpRequestMessage request, out long contentLength)
    {
        var uri = request.RequestUri!;
        var content = request.Content;
        if (request.Headers.TransferEncodingChunked == true)
        {
            throw new HttpRequestException(HttpRequestError.Unknown, "The plain HTTP publish client sends bodies with a Content-Length only, not chunked (Pushpin answers 411 Length Required).");
        }

        contentLength = 0;
        if (content is not null)
        {
            contentLength = content.Headers.ContentLength
                ?? throw new HttpRequestException(HttpRequestError.Unknown, "The plain HTTP publish client needs a request body of known length (HttpContent.TryComputeLength or a Content-Length header): it does not send chunked bodies (Pushpin answers 411 Length Required).");
        }

        var head = new StringBuilder(256);
        head.Append(request.Method.Method).Append(' ')
            .Append(uri.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped)).Append(" HTTP/1.1\r\n");

        head.Append("Host: ");
        if (request.Headers.Host is { Length: > 0 } host)
        {
            Append(head, "Host", host);
        }
        else
        {
            head.Append(uri.HostNameType == UriHostNameType.IPv6 ? "[" + HostOf(uri) + "]" : HostOf(uri));
            if (!uri.IsDefaultPort)
            {
                head.Append(':').Append(uri.Port.ToString(CultureInfo.InvariantCulture));
            }
        }

        head.Append("\r\n");
        AppendHeaders(head, request.Headers, skipContentLength: false);
        if (content is not null)
        {
            AppendHeaders(head, content.Headers, skipContentLength: true);
        }

        if (content is not null || request.Method == HttpMethod.Post || request.Method == HttpMethod.Put || request.Method == HttpMethod.Patch)
        {
            head.Append("Content-Length: ").Append(contentLength.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        head.Append("\r\n");
        return Encoding.Latin1.GetBytes(head.ToString());
    }

    /// <summary>The host to resolve and connect to: the IDN (punycode) form, without IPv6 brackets.</summary>
    public static string HostOf(Uri uri) => uri.IdnHost.TrimStart('[').TrimEnd(']');

    private static void AppendHeaders(StringBuilder head, HttpHeaders headers, bool skipContentLength)
    {
        foreach (var header in headers.NonValidated)
        {
            string name = header.Key;
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase)
                || (skipContentLength && string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (string.Equals(name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                throw new HttpRequestException(HttpRequestError.Unknown, "The plain HTTP publish client does not send Transfer-Encoding (bodies go with a Content-Length).");
            }

            head.Append(name).Append(": ");
            bool first = true;
            foreach (string value in header.Value)
            {
                if (!first)
                {
                    head.Append(", ");
                }

                Append(head, name, value);
                first = false;
            }

            head.Append("\r\n");
        }
    }

    private static void Append(StringBuilder head, string name, string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new HttpRequestException(HttpRequestError.Unknown, $"The request header {name} holds a line break or NUL; it is not sent.");
        }

        head.Append(value);
    }
}
