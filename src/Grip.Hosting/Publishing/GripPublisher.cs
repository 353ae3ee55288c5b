using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Grip.Configuration;
using Grip.Hosting.Diagnostics;
using Grip.Hosting.Publishing.ZeroMq;
using Grip.Hosting.Security;
using Grip.Publishing;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Polly.Timeout;

namespace Grip.Hosting.Publishing;

/// <summary>
/// Publishes to every configured proxy in parallel (grip-spec §3): one POST of
/// <c>{"items":[...]}</c> with a <c>Content-Length</c> (Pushpin answers 411 to chunked bodies), each
/// proxy's own authentication, retries with backoff and jitter from the resilience pipeline of the
/// <c>Grip.Publisher</c> HTTP client. A proxy that still fails makes the call throw
/// <see cref="GripPublishException"/> naming every failed proxy, its status and body.
/// </summary>
internal sealed class GripPublisher : IGripPublisher
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client (and its resilience pipeline).</summary>
    public const string HttpClientName = "Grip.Publisher";

    /// <summary>Pushpin refuses publish bodies over this size.</summary>
    public const int MaxPublishBodyBytes = GripPublishRequest.MaxBodyBytes;

    private const int MaxReportedBodyChars = 1024;

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly IHttpClientFactory _clientFactory;
    private readonly GripRuntime _runtime;
    private readonly GripMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ZeroMqPublisher? _zeroMq;
    private readonly JsonWebTokenHandler _tokens = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly Lock _jwtLock = new();
    private readonly Dictionary<GripPublishTarget, (string Token, DateTimeOffset RenewAt)> _jwtCache = [];

    public GripPublisher(IHttpClientFactory clientFactory, GripRuntime runtime, GripMetrics metrics, ILogger<GripPublisher> logger, ZeroMqPublisher? zeroMq = null)
    {
        _clientFactory = clientFactory;
        _runtime = runtime;
        _metrics = metrics;
        _logger = logger;
        _zeroMq = zeroMq is { IsConfigured: true } ? zeroMq : null;
    }

    public async Task PublishAsync(IReadOnlyList<PublishItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("Nothing to publish: the item list is empty.", nameof(items));
        }

        var targets = _runtime.Targets;
        if (targets.Count == 0 && _zeroMq is null)
        {
            throw new InvalidOperationException("No GRIP proxy is configured to publish to: set GRIP_URL (or Grip:Url / Grip:Proxies, or Grip:ZeroMqPub for a Pushpin fleet over ZeroMQ).");
        }

        byte[] body = targets.Count > 0 ? Serialize(items) : [];
        using var activity = GripTelemetry.ActivitySource.StartActivity("grip.publish", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("grip.publish.items", items.Count);
            activity.SetTag("grip.publish.channel", items[0].Channel);
            activity.SetTag("grip.publish.proxies", targets.Count + _runtime.ZeroMqTargets.Count);
            activity.SetTag("grip.publish.bytes", body.Length);
        }

        // ZeroMQ first: it only queues (no network wait), and it validates every item before anything is sent.
        List<GripPublishFailure>? failures = _zeroMq?.Publish(items);
        int destinations = targets.Count + (_zeroMq is null ? 0 : _runtime.ZeroMqTargets.Count);

        Task<GripPublishFailure?>[] tasks = new Task<GripPublishFailure?>[targets.Count];
        for (int i = 0; i < targets.Count; i++)
        {
            tasks[i] = PublishToAsync(targets[i], body, items.Count, cancellationToken);
        }

        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var result in results)
        {
            if (result is not null)
            {
                (failures ??= []).Add(result);
            }
        }

        if (failures is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "publish failed");
            var message = new StringBuilder();
            message.Append("Publishing ").Append(items.Count).Append(" item(s) failed at ")
                .Append(failures.Count).Append(" of ").Append(destinations).Append(" proxy(ies): ");
            for (int i = 0; i < failures.Count; i++)
            {
                var f = failures[i];
                message.Append(i == 0 ? string.Empty : "; ").Append(f.Proxy).Append(" -> ")
                    .Append(f.StatusCode is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response")
                    .Append(' ').Append(f.Body);
            }

            throw new GripPublishException(message.ToString(), failures);
        }
    }

    /// <summary>The JSON body, validated and checked against Pushpin's limit before anything is sent.</summary>
    internal static byte[] Serialize(IReadOnlyList<PublishItem> items) => GripPublishRequest.Serialize(items);

    private async Task<GripPublishFailure?> PublishToAsync(GripPublishTarget target, byte[] body, int itemCount, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        var proxyTag = new KeyValuePair<string, object?>("grip.proxy", target.PublishUri.GetLeftPart(UriPartial.Authority));
        GripPublishFailure? failure;
        Exception? error = null;
        try
        {
            var client = _clientFactory.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Post, target.PublishUri);

            // ByteArrayContent: a known Content-Length, and re-sendable by the retry pipeline.
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = JsonContentType;
            content.Headers.ContentLength = body.Length;
            request.Content = content;
            request.Headers.Authorization = CreateAuthorization(target);

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                _metrics.PublishDuration.Record(elapsed / 1000, proxyTag, new("grip.outcome", "success"));
                _metrics.PublishItems.Add(itemCount, proxyTag);
                Log.Published(_logger, itemCount, target.PublishUri, elapsed);
                return null;
            }

            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            failure = new GripPublishFailure(target.PublishUri, (int)response.StatusCode, Truncate(text.TrimEnd()));
        }
        catch (HttpRequestException ex)
        {
            error = ex;
            failure = new GripPublishFailure(target.PublishUri, null, "transport error: " + ex.Message);
        }
        catch (TimeoutRejectedException ex)
        {
            error = ex;
            failure = new GripPublishFailure(target.PublishUri, null, "timed out: " + ex.Message);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            error = ex;
            failure = new GripPublishFailure(target.PublishUri, null, "timed out");
        }

        _metrics.PublishDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, proxyTag, new("grip.outcome", "failure"));
        _metrics.PublishFailures.Add(1, proxyTag, new("grip.status", failure.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"));
        Log.PublishFailed(_logger, error, target.PublishUri, failure.StatusCode, failure.Body);
        return failure;
    }

    private AuthenticationHeaderValue? CreateAuthorization(GripPublishTarget target)
    {
        var config = target.Config;
        switch (config.PublishAuth)
        {
            case GripPublishAuthKind.Jwt:
                return new AuthenticationHeaderValue("Bearer", GetJwt(target));
            case GripPublishAuthKind.Bearer:
                return new AuthenticationHeaderValue("Bearer", config.Key);
            case GripPublishAuthKind.Basic:
                string credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(config.User + ":" + config.Password));
                return new AuthenticationHeaderValue("Basic", credentials);
            default:
                return null;
        }
    }

    private string GetJwt(GripPublishTarget target)
    {
        var now = _runtime.TimeProvider.GetUtcNow();
        lock (_jwtLock)
        {
            if (_jwtCache.TryGetValue(target, out var cached) && now < cached.RenewAt)
            {
                return cached.Token;
            }
        }

        var key = target.JwtKey ?? throw new InvalidOperationException("The proxy has no JWT signing key.");
        var lifetime = _runtime.Options.Publisher.JwtLifetime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = target.Config.ControlIss,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(key.Key, key.Algorithm) { CryptoProviderFactory = GripCryptoProviderFactory.Instance },
        };
        string token = _tokens.CreateToken(descriptor);
        lock (_jwtLock)
        {
            // Renew well before expiry so a token never dies in flight.
            _jwtCache[target] = (token, now + (lifetime / 2));
        }

        return token;
    }

    private static string Truncate(string text) => text.Length <= MaxReportedBodyChars ? text : string.Concat(text.AsSpan(0, MaxReportedBodyChars), "…");
}
