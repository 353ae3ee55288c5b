using System.Net;
using Grip.Configuration;
using Grip.Hosting.Publishing;
using Grip.Hosting.Publishing.ZeroMq;
using Grip.Hosting.Security;

namespace Grip.Hosting;

/// <summary>A publish target with the key its JWT is signed with, if any.</summary>
internal sealed record GripPublishTarget(GripProxyConfig Config, Uri PublishUri, GripSecurityKey? JwtKey);

/// <summary>
/// A ZeroMQ PUB socket to publish through (grip-spec §3.4): every Pushpin connected to it receives
/// the channels it subscribed to. <paramref name="Sources"/> names the settings that asked for it.
/// </summary>
internal sealed record GripZeroMqTarget(string Address, IPEndPoint EndPoint, string Sources);

/// <summary>Fixed limits of the publisher.</summary>
internal static class GripPublisherLimits
{
    /// <summary>A queue must hold at least one publish of the largest size.</summary>
    public const long MinQueuedBytes = GripPublishRequest.MaxBodyBytes;
}

/// <summary>The options turned into proxies and keys, or the list of what is wrong with them.</summary>
internal sealed class GripResolvedConfiguration
{
    private GripResolvedConfiguration(List<GripPublishTarget> targets, List<GripZeroMqTarget> zeroMqTargets, List<(GripSecurityKey, string?)> verifyKeys, List<string> verifyKeySources, List<string> errors)
    {
        Targets = targets;
        ZeroMqTargets = zeroMqTargets;
        VerifyKeys = verifyKeys;
        VerifyKeySources = verifyKeySources;
        Errors = errors;
    }

    /// <summary>Where each of <see cref="VerifyKeys"/> was configured (a label safe to log), in the same order.</summary>
    public IReadOnlyList<string> VerifyKeySources { get; }

    /// <summary>Proxies published to over HTTP.</summary>
    public IReadOnlyList<GripPublishTarget> Targets { get; }

    /// <summary>PUB sockets published to over ZeroMQ, one per distinct address.</summary>
    public IReadOnlyList<GripZeroMqTarget> ZeroMqTargets { get; }

    public IReadOnlyList<(GripSecurityKey Key, string? Issuer)> VerifyKeys { get; }

    public IReadOnlyList<string> Errors { get; }

    public static GripResolvedConfiguration Resolve(GripOptions options)
    {
        var errors = new List<string>(options.BindingErrors);
        var targets = new List<GripPublishTarget>();
        var zeroMqTargets = new List<GripZeroMqTarget>();
        var verifyKeys = new List<(GripSecurityKey, string?)>();
        var verifyKeySources = new List<string>();

        void AddProxy(string label, string? url, string? verifyKey, string? verifyIss, string? zeroMqLabel, string? zeroMqPub)
        {
            if (zeroMqPub is not null)
            {
                // Published to over ZeroMQ: the URL (optional) only supplies the verify key.
                AddZeroMq(zeroMqLabel!, zeroMqPub);
                if (url is not null)
                {
                    AddVerifyKeyFromUrl(label, url, verifyKey, verifyIss);
                }
                else if (verifyKey is not null)
                {
                    AddVerifyKey(label.Replace(":Url", ":VerifyKey", StringComparison.Ordinal), verifyKey, verifyIss);
                }

                return;
            }

            if (url is null)
            {
                errors.Add($"{label} is missing: give the proxy's GRIP URL, or a ZeroMqPub address to publish over ZeroMQ.");
                return;
            }

            if (!GripUrl.TryParse(url, out var config, out string? error, verifyKey, verifyIss))
            {
                errors.Add($"{label} is invalid: {error}");
                return;
            }

            GripSecurityKey? jwtKey = null;
            if (config.PublishAuth == GripPublishAuthKind.Jwt)
            {
                try
                {
                    jwtKey = GripSecurityKeys.Create(config.Key!);
                    if (!jwtKey.HasPrivateKey)
                    {
                        errors.Add($"{label}: 'key' is a public key, but with 'iss' it must sign the publish JWT (a shared secret or a private key).");
                        jwtKey = null;
                    }
                }
                catch (FormatException ex)
                {
                    errors.Add($"{label}: 'key' cannot sign a publish JWT: {ex.Message}");
                }
            }

            if (config.EffectiveVerifyKey is { } vk)
            {
                try
                {
                    verifyKeys.Add((GripSecurityKeys.Create(vk), config.VerifyIss));
                    verifyKeySources.Add(label);
                }
                catch (FormatException ex)
                {
                    errors.Add($"{label}: the verify key is not usable: {ex.Message}");
                }
            }

            targets.Add(new GripPublishTarget(config, config.PublishUri, jwtKey));
        }

        if (options.GripUrl is { } gripUrl)
        {
            AddProxy("GRIP_URL (Grip:Url)", gripUrl, options.VerifyKey, null, "Grip:ZeroMqPub", options.ZeroMqPub);
        }
        else
        {
            if (options.VerifyKey is { } lonelyKey)
            {
                // GRIP_VERIFY_KEY without GRIP_URL still protects the endpoints.
                AddVerifyKey("GRIP_VERIFY_KEY (Grip:VerifyKey)", lonelyKey, null);
            }

            if (options.ZeroMqPub is { } lonelyPub)
            {
                AddZeroMq("Grip:ZeroMqPub", lonelyPub);
            }
        }

        for (int i = 0; i < options.Proxies.Count; i++)
        {
            var proxy = options.Proxies[i];
            if (proxy.Url is null && proxy.ZeroMqPub is null)
            {
                errors.Add($"Grip:Proxies:{i} has no Url (nor a ZeroMqPub address to publish to over ZeroMQ).");
                continue;
            }

            AddProxy($"Grip:Proxies:{i}:Url", proxy.Url, proxy.VerifyKey, proxy.VerifyIss, $"Grip:Proxies:{i}:ZeroMqPub", proxy.ZeroMqPub);
        }

        for (int i = 0; i < options.AdditionalVerifyKeys.Count; i++)
        {
            AddVerifyKey($"Grip:VerifyKeys:{i}", options.AdditionalVerifyKeys[i], null);
        }

        if (options.MaxRequestBodySize <= 0)
        {
            errors.Add($"Grip:MaxRequestBodySize must be positive (got {options.MaxRequestBodySize}).");
        }

        if (options.SignatureClockSkew < TimeSpan.Zero || options.SignatureClockSkew > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Grip:SignatureClockSkew must be between 0 and 5 minutes (got {options.SignatureClockSkew}).");
        }

        if (options.HandlerTimeout is { } handlerTimeout && (handlerTimeout <= TimeSpan.Zero || handlerTimeout > GripOptions.MaxHandlerTimeout))
        {
            errors.Add($"Grip:HandlerTimeout must be more than 0 and at most {GripOptions.MaxHandlerTimeout} (Pushpin's zurl gives up after 600 s), or 'off' (got {handlerTimeout}).");
        }

        var p = options.Publisher;
        if (p.AttemptTimeout <= TimeSpan.Zero || p.TotalTimeout <= TimeSpan.Zero || p.RetryBaseDelay < TimeSpan.Zero || p.JwtLifetime < TimeSpan.FromSeconds(30))
        {
            errors.Add("Grip:Publisher timeouts must be positive, RetryBaseDelay not negative and JwtLifetime at least 30 s.");
        }

        if (p.MaxRetryAttempts is < 0 or > 10)
        {
            errors.Add($"Grip:Publisher:MaxRetryAttempts must be 0-10 (got {p.MaxRetryAttempts}).");
        }

        if (p.ZeroMqSendHighWaterMark is < 1 or > 1_000_000)
        {
            errors.Add($"Grip:Publisher:ZeroMqSendHighWaterMark must be 1-1000000 messages (got {p.ZeroMqSendHighWaterMark}).");
        }

        if (p.ResponseTimeout <= TimeSpan.Zero || p.ShutdownTimeout < TimeSpan.Zero)
        {
            errors.Add("Grip:Publisher:ResponseTimeout must be positive and ShutdownTimeout not negative.");
        }

        if (p.MaxRequestsInFlight is < 1 or > 64)
        {
            errors.Add($"Grip:Publisher:MaxRequestsInFlight must be 1-64 (got {p.MaxRequestsInFlight}).");
        }

        if (p.MaxQueuedPublishes < 1 || p.MaxQueuedBytes < GripPublisherLimits.MinQueuedBytes)
        {
            errors.Add($"Grip:Publisher:MaxQueuedPublishes must be at least 1 and MaxQueuedBytes at least {GripPublisherLimits.MinQueuedBytes} (one largest publish) (got {p.MaxQueuedPublishes} and {p.MaxQueuedBytes}).");
        }

        if (p.Delivery is not (Grip.GripDelivery.AtMostOnce or Grip.GripDelivery.AtLeastOnce))
        {
            errors.Add($"Grip:Publisher:Delivery must be AtMostOnce or AtLeastOnce (got {p.Delivery}).");
        }

        if (targets.Count > 0 && !GripFeatureSwitches.IsHttpPublishingSupported)
        {
            errors.Add(
                $"Publishing over HTTP to {targets[0].PublishUri.GetLeftPart(UriPartial.Authority)} is configured, but this build leaves HTTP publishing out " +
                $"(the '{GripFeatureSwitches.HttpPublishing}' feature switch is off: <{GripFeatureSwitches.HttpPublishingProperty}>false</{GripFeatureSwitches.HttpPublishingProperty}>). " +
                "Publish over ZeroMQ instead (Grip:ZeroMqPub, and GRIP_URL for the verify key only), or build with HTTP publishing.");
        }
        else if (!GripFeatureSwitches.IsHttpsPublishingSupported
            && targets.FirstOrDefault(t => !string.Equals(t.PublishUri.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase)) is { } secure)
        {
            errors.Add(
                $"Publishing over HTTPS to {secure.PublishUri.GetLeftPart(UriPartial.Authority)} is configured, but this build leaves HTTPS publishing out " +
                $"(the '{GripFeatureSwitches.HttpsPublishing}' feature switch is off: <{GripFeatureSwitches.HttpsPublishingProperty}>false</{GripFeatureSwitches.HttpsPublishingProperty}>): " +
                "its plain HTTP client sends to http:// publish endpoints only. Publish to an http:// endpoint (Pushpin's :5561), or build with HTTPS publishing (remove the property; Fastly needs it).");
        }

        return new GripResolvedConfiguration(targets, zeroMqTargets, verifyKeys, verifyKeySources, errors);

        void AddVerifyKey(string label, string key, string? issuer)
        {
            try
            {
                verifyKeys.Add((GripSecurityKeys.Create(key), issuer));
                verifyKeySources.Add(label);
            }
            catch (FormatException ex)
            {
                errors.Add($"{label} is not a usable key: {ex.Message}");
            }
        }

        void AddVerifyKeyFromUrl(string label, string url, string? verifyKey, string? verifyIss)
        {
            if (!GripUrl.TryParse(url, out var config, out string? error, verifyKey, verifyIss))
            {
                errors.Add($"{label} is invalid: {error}");
            }
            else if (config.EffectiveVerifyKey is { } vk)
            {
                AddVerifyKey(label, vk, config.VerifyIss);
            }
        }

        void AddZeroMq(string label, string address)
        {
            if (!ZeroMqEndpoint.TryParse(address, out var endPoint, out string error))
            {
                errors.Add($"{label} is invalid: {error}");
                return;
            }

            // Entries naming the same address share one socket, so a publish is sent once.
            int existing = zeroMqTargets.FindIndex(t => t.EndPoint.Equals(endPoint));
            if (existing >= 0)
            {
                zeroMqTargets[existing] = zeroMqTargets[existing] with { Sources = zeroMqTargets[existing].Sources + ", " + label };
                return;
            }

            zeroMqTargets.Add(new GripZeroMqTarget(address, endPoint, label));
        }
    }
}
