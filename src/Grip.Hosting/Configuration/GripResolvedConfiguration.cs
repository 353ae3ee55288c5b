using Grip.Configuration;
using Grip.Hosting.Security;

namespace Grip.Hosting;

/// <summary>A publish target with the key its JWT is signed with, if any.</summary>
internal sealed record GripPublishTarget(GripProxyConfig Config, Uri PublishUri, GripSecurityKey? JwtKey);

/// <summary>Fixed limits of the publisher.</summary>
internal static class GripPublisherLimits
{
    /// <summary>A queue must hold at least one publish of the largest size.</summary>
    public const long MinQueuedBytes = Grip.Publishing.GripPublishRequest.MaxBodyBytes;
}

/// <summary>The options turned into proxies and keys, or the list of what is wrong with them.</summary>
internal sealed class GripResolvedConfiguration
{
    private GripResolvedConfiguration(List<GripPublishTarget> targets, List<(GripSecurityKey, string?)> verifyKeys, List<string> errors)
    {
        Targets = targets;
        VerifyKeys = verifyKeys;
        Errors = errors;
    }

    public IReadOnlyList<GripPublishTarget> Targets { get; }

    public IReadOnlyList<(GripSecurityKey Key, string? Issuer)> VerifyKeys { get; }

    public IReadOnlyList<string> Errors { get; }

    public static GripResolvedConfiguration Resolve(GripOptions options)
    {
        var errors = new List<string>(options.BindingErrors);
        var targets = new List<GripPublishTarget>();
        var verifyKeys = new List<(GripSecurityKey, string?)>();

        void AddProxy(string label, string url, string? verifyKey, string? verifyIss)
        {
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
            AddProxy("GRIP_URL (Grip:Url)", gripUrl, options.VerifyKey, null);
        }
        else if (options.VerifyKey is { } lonelyKey)
        {
            // GRIP_VERIFY_KEY without GRIP_URL still protects the endpoints.
            AddVerifyKey("GRIP_VERIFY_KEY (Grip:VerifyKey)", lonelyKey);
        }

        for (int i = 0; i < options.Proxies.Count; i++)
        {
            var proxy = options.Proxies[i];
            if (proxy.Url is null)
            {
                errors.Add($"Grip:Proxies:{i} has no Url.");
                continue;
            }

            AddProxy($"Grip:Proxies:{i}:Url", proxy.Url, proxy.VerifyKey, proxy.VerifyIss);
        }

        for (int i = 0; i < options.AdditionalVerifyKeys.Count; i++)
        {
            AddVerifyKey($"Grip:VerifyKeys:{i}", options.AdditionalVerifyKeys[i]);
        }

        if (options.MaxRequestBodySize <= 0)
        {
            errors.Add($"Grip:MaxRequestBodySize must be positive (got {options.MaxRequestBodySize}).");
        }

        if (options.SignatureClockSkew < TimeSpan.Zero || options.SignatureClockSkew > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Grip:SignatureClockSkew must be between 0 and 5 minutes (got {options.SignatureClockSkew}).");
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

        if (p.Delivery is not (Grip.Publishing.GripDelivery.AtMostOnce or Grip.Publishing.GripDelivery.AtLeastOnce))
        {
            errors.Add($"Grip:Publisher:Delivery must be AtMostOnce or AtLeastOnce (got {p.Delivery}).");
        }

        return new GripResolvedConfiguration(targets, verifyKeys, errors);

        void AddVerifyKey(string label, string key)
        {
            try
            {
                verifyKeys.Add((GripSecurityKeys.Create(key), null));
            }
            catch (FormatException ex)
            {
                errors.Add($"{label} is not a usable key: {ex.Message}");
            }
        }
    }
}
