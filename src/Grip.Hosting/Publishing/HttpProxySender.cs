using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Grip.Configuration;
using Grip.Hosting.Security;

namespace Grip.Hosting.Publishing;

/// <summary>
/// Sends a batch to a proxy's HTTP publish endpoint (grip-spec §3.1): one POST of
/// <c>{"items":[...]}</c> with a <c>Content-Length</c> (Pushpin answers 411 to chunked bodies) and
/// the proxy's own authentication, and classifies what happened.
/// </summary>
/// <remarks>
/// <para>
/// The line between "provably not published" and "maybe published" is the end of the request body.
/// Pushpin (like any server that honours <c>Content-Length</c>) acts only on a complete body, and
/// the body's last bytes (<c>]}</c>) are written last: until that final write begins, a failure of
/// any kind (connect refused, DNS, a connection dropped or a timeout while sending) means the proxy
/// cannot have published it, so it is <see cref="GripSendStatus.NotSent"/>. From then on a timeout
/// or a lost connection is <see cref="GripSendStatus.Unknown"/>. Pushpin's own proxy applies the
/// same rule to its requests to origins (grip-spec §1.6).
/// </para>
/// <para>
/// The body refuses to be serialized twice, so no HTTP handler below (a retrying
/// <c>DelegatingHandler</c>, the connection pool's own retry on a stale connection) can ever send
/// the same request again: it fails instead, and the outcome is reported.
/// </para>
/// </remarks>
internal sealed class HttpProxySender : IGripProxySender
{
    private const int MaxReportedBodyChars = 1024;

    private static readonly MediaTypeHeaderValue JsonContentType = new(GripPublishRequest.ContentType);

    private readonly GripPublishTarget _target;
    private readonly HttpClient _client;
    private readonly GripPublisherOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _jwtLock = new();
    private (string Token, DateTimeOffset RenewAt)? _jwt;

    /// <param name="target">The proxy.</param>
    /// <param name="client">
    /// The sender's client for its whole life (created while the container is alive, so that queued
    /// publishes can still go out while the host shuts down): the <see cref="GripPublisher.HttpClientName"/>
    /// factory client, or one over the shared plain HTTP handler when HTTPS publishing is left out of the
    /// build. Either handler recycles connections (a pooled-connection lifetime), which keeps DNS changes
    /// visible. Disposed with the sender.
    /// </param>
    /// <param name="options">The publisher's options.</param>
    /// <param name="time">The clock for JWT renewal.</param>
    public HttpProxySender(GripPublishTarget target, HttpClient client, GripPublisherOptions options, TimeProvider time)
    {
        _target = target;
        _client = client;
        _options = options;
        _time = time;
    }

    public Uri Endpoint => _target.PublishUri;

    public int MaxBatchBytes => GripPublishRequest.MaxBodyBytes - BatchContent.EnvelopeBytes;

    public async Task<GripSendResult> SendAsync(IReadOnlyList<PendingPublish> batch, CancellationToken cancellationToken)
    {
        var content = new BatchContent(batch);
        using var request = new HttpRequestMessage(HttpMethod.Post, _target.PublishUri) { Content = content };
        request.Headers.Authorization = CreateAuthorization();

        // One timer: AttemptTimeout until the body is out, then ResponseTimeout for the answer.
        using var timer = new CancellationTokenSource(_options.AttemptTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        content.BodyWritten = () => timer.CancelAfter(_options.ResponseTimeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return GripSendResult.Delivered;
            }

            int status = (int)response.StatusCode;
            string text = Truncate((await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false)).TrimEnd());
            return status switch
            {
                // The proxy says it did not process the request: safe to send again.
                (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or (int)HttpStatusCode.ServiceUnavailable =>
                    new GripSendResult(GripSendStatus.NotSent, GripPublishFailureReason.ErrorStatus, status, text, RetryAfter(response)),

                // 500, 502, 504, ...: the proxy (or a gateway in front of it) may have acted on it.
                >= 500 => new GripSendResult(GripSendStatus.Unknown, GripPublishFailureReason.ErrorStatus, status, text),

                // 400 Invalid format, 401, 404, 411, 413...: refused; the same request would be refused again.
                _ => new GripSendResult(GripSendStatus.Rejected, GripPublishFailureReason.ErrorStatus, status, text),
            };
        }
#pragma warning disable CA1031 // Every way a send can fail is classified, never thrown.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            bool timedOut = timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
            string what = ex is OperationCanceledException
                ? (timedOut ? "timed out" : "cancelled: the publisher is shutting down")
                : "transport error: " + ex.Message;
            if (!content.MayBeComplete)
            {
                var reason = timedOut ? GripPublishFailureReason.SendTimeout
                    : cancellationToken.IsCancellationRequested ? GripPublishFailureReason.ShutDown
                    : GripPublishFailureReason.NotConnected;
                string detail = timedOut
                    ? $"timed out before the request was sent (Grip:Publisher:AttemptTimeout {_options.AttemptTimeout.TotalSeconds:0.###} s)"
                    : what + " (before the request was sent)";
                return new GripSendResult(GripSendStatus.NotSent, reason, null, detail, null, ex);
            }

            return timedOut
                ? new GripSendResult(GripSendStatus.Unknown, GripPublishFailureReason.ResponseTimeout, null, $"timed out waiting for the answer (Grip:Publisher:ResponseTimeout {_options.ResponseTimeout.TotalSeconds:0.###} s); the proxy may have published it", null, ex)
                : new GripSendResult(GripSendStatus.Unknown, GripPublishFailureReason.ConnectionLost, null, what + " (after the request was sent); the proxy may have published it", null, ex);
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    private AuthenticationHeaderValue? CreateAuthorization()
    {
        var config = _target.Config;
        switch (config.PublishAuth)
        {
            case GripPublishAuthKind.Jwt:
                return new AuthenticationHeaderValue("Bearer", GetJwt());
            case GripPublishAuthKind.Bearer:
                return new AuthenticationHeaderValue("Bearer", config.Key);
            case GripPublishAuthKind.Basic:
                string credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(config.User + ":" + config.Password));
                return new AuthenticationHeaderValue("Basic", credentials);
            default:
                return null;
        }
    }

    private string GetJwt()
    {
        var now = _time.GetUtcNow();
        lock (_jwtLock)
        {
            if (_jwt is { } cached && now < cached.RenewAt)
            {
                return cached.Token;
            }
        }

        var key = _target.JwtKey ?? throw new InvalidOperationException("The proxy has no JWT signing key.");
        var lifetime = _options.JwtLifetime;
        string token = GripJws.CreateToken(key, _target.Config.ControlIss, now + lifetime);
        lock (_jwtLock)
        {
            // Renew well before expiry so a token never dies in flight.
            _jwt = (token, now + (lifetime / 2));
        }

        return token;
    }

    private static string Truncate(string text) => text.Length <= MaxReportedBodyChars ? text : string.Concat(text.AsSpan(0, MaxReportedBodyChars), "…");

    /// <summary>
    /// <c>{"items":[</c> + each publish's items, comma-separated + <c>]}</c>, with a known length,
    /// written at most once, telling when the complete body may have left.
    /// </summary>
    private sealed class BatchContent : HttpContent
    {
        public const int EnvelopeBytes = 12; // {"items":[ and ]}

        private readonly IReadOnlyList<PendingPublish> _batch;
        private readonly long _length;
        private int _serializations;
        private volatile bool _mayBeComplete;

        public BatchContent(IReadOnlyList<PendingPublish> batch)
        {
            _batch = batch;
            long length = EnvelopeBytes + Math.Max(batch.Count - 1, 0);
            foreach (var publish in batch)
            {
                length += publish.ItemsJson.Length;
            }

            _length = length;
            Headers.ContentType = JsonContentType;
            Headers.ContentLength = length;
        }

        /// <summary>True once the last bytes of the body were handed to the connection: from then on the proxy may have it all.</summary>
        public bool MayBeComplete => _mayBeComplete;

        /// <summary>Called when the whole body was written and flushed.</summary>
        public Action? BodyWritten { get; set; }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _serializations) != 1)
            {
                // Sending it again could publish it twice (docs/publishing.md): refuse, the caller reports the outcome.
                _mayBeComplete = true;
                throw new InvalidOperationException("A publish request body is sent at most once; something below the publisher tried to send it again.");
            }

            await stream.WriteAsync(Prefix, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < _batch.Count; i++)
            {
                if (i > 0)
                {
                    await stream.WriteAsync(Comma, cancellationToken).ConfigureAwait(false);
                }

                await stream.WriteAsync(_batch[i].ItemsJson, cancellationToken).ConfigureAwait(false);
            }

            // Until these last two bytes are written the proxy cannot hold a complete request.
            _mayBeComplete = true;
            await stream.WriteAsync(Suffix, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            BodyWritten?.Invoke();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }

        private static readonly ReadOnlyMemory<byte> Prefix = "{\"items\":["u8.ToArray();
        private static readonly ReadOnlyMemory<byte> Comma = ","u8.ToArray();
        private static readonly ReadOnlyMemory<byte> Suffix = "]}"u8.ToArray();
    }
}
