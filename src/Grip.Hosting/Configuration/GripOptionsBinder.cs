using System.Globalization;
using Grip.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Grip.Hosting;

/// <summary>
/// Binds <see cref="GripOptions"/> by hand (no reflection, Native AOT safe): the <c>Grip</c> section,
/// then <c>GRIP_URL</c> / <c>GRIP_VERIFY_KEY</c> for what the section leaves unset.
/// </summary>
internal sealed class GripOptionsBinder(IConfiguration configuration) : IConfigureOptions<GripOptions>
{
    public void Configure(GripOptions options)
    {
        var section = configuration.GetSection(GripOptions.SectionName);
        options.GripUrl = NonEmpty(section["Url"]) ?? NonEmpty(configuration[GripUrl.EnvironmentVariable]) ?? options.GripUrl;
        options.VerifyKey = NonEmpty(section["VerifyKey"]) ?? NonEmpty(configuration[GripUrl.VerifyKeyEnvironmentVariable]) ?? options.VerifyKey;
        options.ZeroMqPub = NonEmpty(section["ZeroMqPub"]) ?? options.ZeroMqPub;

        foreach (var child in section.GetSection("Proxies").GetChildren())
        {
            options.Proxies.Add(new GripProxyOptions
            {
                Url = NonEmpty(child["Url"]) ?? NonEmpty(child.Value),
                VerifyKey = NonEmpty(child["VerifyKey"]),
                VerifyIss = NonEmpty(child["VerifyIss"]),
                ZeroMqPub = NonEmpty(child["ZeroMqPub"]),
            });
        }

        foreach (var child in section.GetSection("VerifyKeys").GetChildren())
        {
            if (NonEmpty(child.Value) is { } key)
            {
                options.AdditionalVerifyKeys.Add(key);
            }
        }

        options.AllowUnsignedRequests = Bool(section, "AllowUnsignedRequests", options.AllowUnsignedRequests, options.BindingErrors);
        options.MaxRequestBodySize = Long(section, "MaxRequestBodySize", options.MaxRequestBodySize, options.BindingErrors);
        options.SignatureClockSkew = Time(section, "SignatureClockSkew", options.SignatureClockSkew, options.BindingErrors);
        options.HandlerTimeout = OptionalTime(section, "HandlerTimeout", options.HandlerTimeout, options.BindingErrors);

        var publisher = section.GetSection("Publisher");
        options.Publisher.AttemptTimeout = Time(publisher, "AttemptTimeout", options.Publisher.AttemptTimeout, options.BindingErrors);
        options.Publisher.TotalTimeout = Time(publisher, "TotalTimeout", options.Publisher.TotalTimeout, options.BindingErrors);
        options.Publisher.RetryBaseDelay = Time(publisher, "RetryBaseDelay", options.Publisher.RetryBaseDelay, options.BindingErrors);
        options.Publisher.JwtLifetime = Time(publisher, "JwtLifetime", options.Publisher.JwtLifetime, options.BindingErrors);
        options.Publisher.MaxRetryAttempts = (int)Long(publisher, "MaxRetryAttempts", options.Publisher.MaxRetryAttempts, options.BindingErrors);
        options.Publisher.ResponseTimeout = Time(publisher, "ResponseTimeout", options.Publisher.ResponseTimeout, options.BindingErrors);
        options.Publisher.ShutdownTimeout = Time(publisher, "ShutdownTimeout", options.Publisher.ShutdownTimeout, options.BindingErrors);
        options.Publisher.MaxRequestsInFlight = (int)Long(publisher, "MaxRequestsInFlight", options.Publisher.MaxRequestsInFlight, options.BindingErrors);
        options.Publisher.MaxQueuedPublishes = (int)Long(publisher, "MaxQueuedPublishes", options.Publisher.MaxQueuedPublishes, options.BindingErrors);
        options.Publisher.MaxQueuedBytes = Long(publisher, "MaxQueuedBytes", options.Publisher.MaxQueuedBytes, options.BindingErrors);
        options.Publisher.Coalesce = Bool(publisher, "Coalesce", options.Publisher.Coalesce, options.BindingErrors);
        options.Publisher.Delivery = Delivery(publisher, "Delivery", options.Publisher.Delivery, options.BindingErrors);
        options.Publisher.ZeroMqSendHighWaterMark = (int)Long(publisher, "ZeroMqSendHighWaterMark", options.Publisher.ZeroMqSendHighWaterMark, options.BindingErrors);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool Bool(IConfigurationSection section, string key, bool fallback, List<string> errors)
    {
        string? text = NonEmpty(section[key]);
        if (text is null)
        {
            return fallback;
        }

        if (bool.TryParse(text, out bool value))
        {
            return value;
        }

        errors.Add($"{section.Path}:{key} must be true or false (got '{text}').");
        return fallback;
    }

    private static long Long(IConfigurationSection section, string key, long fallback, List<string> errors)
    {
        string? text = NonEmpty(section[key]);
        if (text is null)
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && value is >= int.MinValue and <= int.MaxValue * 1000L)
        {
            return value;
        }

        errors.Add($"{section.Path}:{key} must be an integer (got '{text}').");
        return fallback;
    }

    /// <summary>A time span, or <c>off</c> for none.</summary>
    private static TimeSpan? OptionalTime(IConfigurationSection section, string key, TimeSpan? fallback, List<string> errors)
    {
        string? text = NonEmpty(section[key]);
        if (text is null)
        {
            return fallback;
        }

        if (text.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{section.Path}:{key} must be a time span such as 00:00:30, or off (got '{text}').");
        return fallback;
    }

    private static Grip.GripDelivery Delivery(IConfigurationSection section, string key, Grip.GripDelivery fallback, List<string> errors)
    {
        string? text = NonEmpty(section[key]);
        if (text is null)
        {
            return fallback;
        }

        // Parsed by name, by hand: Enum.Parse<T> is fine under AOT, but numbers must not slip through.
        if (string.Equals(text, nameof(Grip.GripDelivery.AtMostOnce), StringComparison.OrdinalIgnoreCase))
        {
            return Grip.GripDelivery.AtMostOnce;
        }

        if (string.Equals(text, nameof(Grip.GripDelivery.AtLeastOnce), StringComparison.OrdinalIgnoreCase))
        {
            return Grip.GripDelivery.AtLeastOnce;
        }

        errors.Add($"{section.Path}:{key} must be AtMostOnce or AtLeastOnce (got '{text}').");
        return fallback;
    }

    private static TimeSpan Time(IConfigurationSection section, string key, TimeSpan fallback, List<string> errors)
    {
        string? text = NonEmpty(section[key]);
        if (text is null)
        {
            return fallback;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{section.Path}:{key} must be a time span such as 00:00:10 (got '{text}').");
        return fallback;
    }
}
