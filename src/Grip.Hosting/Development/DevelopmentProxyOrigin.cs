using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Grip.Hosting.Development;

/// <summary>What the origin answered to one WebSocket-over-HTTP request.</summary>
internal sealed record DevelopmentProxyOriginResponse(
    int StatusCode,
    string? ReasonPhrase,
    string? ContentType,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    bool BodyTooLarge);

/// <summary>
/// Sends WebSocket-over-HTTP requests to the origin exactly as Pushpin 1.36 does: POST to the
/// client's path and query, the client's handshake headers, <c>Sec-WebSocket-Extensions: grip</c>,
/// a fresh HS256 <c>Grip-Sig</c> per request, <c>Grip-Feature</c>, <c>Connection-Id</c>,
/// <c>Meta-*</c>, and a body with <c>Content-Length</c>.
/// </summary>
internal sealed class DevelopmentProxyOrigin(HttpClient client, GripDevelopmentProxyOptions options, TimeProvider time)
{
    /// <summary>Pushpin 1.36's exact feature string (grip-spec §1.2).</summary>
    public const string GripFeature = "status, session, link:next, filter:skip-self, filter:skip-users, filter:require-sub, filter:build-id, filter:var-subst";

    /// <summary>The response body limit; Pushpin drops the connection above it.</summary>
    public const int MaxResponseBody = 1_000_000;

    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Upgrade", "Connection", "Keep-Alive", "Accept-Encoding", "Content-Encoding", "Transfer-Encoding", "Expect",
        "Content-Length", "Content-Type", "Accept", "Connection-Id", "Sec-WebSocket-Extensions", "Host",
    };

    public static bool ShouldForward(string headerName) =>
        !NotForwarded.Contains(headerName)
        && !headerName.StartsWith("Meta-", StringComparison.OrdinalIgnoreCase)
        && !headerName.StartsWith("Grip-", StringComparison.OrdinalIgnoreCase);

    public async Task<DevelopmentProxyOriginResponse> SendAsync(
        string pathAndQuery,
        string host,
        string connectionId,
        IReadOnlyList<KeyValuePair<string, string>> handshakeHeaders,
        IReadOnlyDictionary<string, string> meta,
        byte[] body,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery);
        request.Headers.Host = host;
        foreach (var header in handshakeHeaders)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Extensions", "grip");
        request.Headers.TryAddWithoutValidation("Grip-Sig", CreateSignature());
        request.Headers.TryAddWithoutValidation("Grip-Feature", GripFeature);
        request.Headers.TryAddWithoutValidation("Accept", "application/websocket-events");
        request.Headers.TryAddWithoutValidation("Connection-Id", connectionId);
        foreach (var pair in meta)
        {
            request.Headers.TryAddWithoutValidation("Meta-" + pair.Key, pair.Value);
        }

        // A byte array content always has a Content-Length: the body is never chunked.
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/websocket-events");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.OriginTimeout);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in response.Headers)
        {
            headers.Add(new(header.Key, string.Join(", ", header.Value)));
        }

        foreach (var header in response.Content.Headers)
        {
            if (!header.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(new(header.Key, string.Join(", ", header.Value)));
            }
        }

        // Read at most one byte more than the limit, to tell "too large" apart.
        using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxResponseBody)
            {
                break;
            }
        }

        // The raw Content-Type string: Pushpin compares it byte for byte.
        string? contentType = response.Content.Headers.TryGetValues("Content-Type", out var values) ? string.Join(", ", values) : null;
        return new DevelopmentProxyOriginResponse(
            (int)response.StatusCode,
            response.ReasonPhrase,
            contentType,
            headers,
            buffer.ToArray(),
            buffer.Length > MaxResponseBody);
    }

    /// <summary>A compact HS256 JWS <c>{"exp":now+3600,"iss":…}</c>, as Pushpin signs every request.</summary>
    private string CreateSignature()
    {
        long exp = time.GetUtcNow().ToUnixTimeSeconds() + 3600;
        string header = Base64Url("""{"typ":"JWT","alg":"HS256"}"""u8);
        var claims = new StringBuilder();
        claims.Append("{\"exp\":").Append(exp).Append(",\"iss\":");
        AppendJsonString(claims, options.SignatureIssuer);
        claims.Append('}');
        string payload = Base64Url(Encoding.UTF8.GetBytes(claims.ToString()));
        string signingInput = header + "." + payload;
        byte[] mac = HMACSHA256.HashData(options.SignatureKey, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url(mac);
    }

    private static void AppendJsonString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\' || c < 0x20)
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        builder.Append('"');
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The content of a CLOSE event: 2-byte big-endian code and the UTF-8 reason.</summary>
    public static byte[] EncodeClose(int code, string? reason)
    {
        int reasonLength = reason is null ? 0 : Encoding.UTF8.GetByteCount(reason);
        byte[] content = new byte[2 + reasonLength];
        BinaryPrimitives.WriteUInt16BigEndian(content, (ushort)code);
        if (reason is not null)
        {
            Encoding.UTF8.GetBytes(reason, content.AsSpan(2));
        }

        return content;
    }
}
