using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PubSub;

/// <summary>What a valid token allows.</summary>
/// <param name="ClientId">Who the client is.</param>
/// <param name="Channels">Channel patterns it may use: <c>*</c>, an exact name, or a prefix ending in <c>*</c>.</param>
public sealed record TokenGrant(string ClientId, IReadOnlyList<string> Channels)
{
    /// <summary>Whether the grant allows <paramref name="channel"/>.</summary>
    public bool Allows(string channel) => ChannelPatterns.Allows(Channels, channel);
}

/// <summary>Channel names and patterns.</summary>
public static partial class ChannelPatterns
{
    /// <summary>Channel names: letters, digits, <c>-_.:</c>, 1-64 characters (safe in GRIP headers and meta).</summary>
    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    public static partial Regex ChannelName();

    /// <summary>Client ids: letters, digits, <c>-_.@</c>, 1-64 characters.</summary>
    [GeneratedRegex("^[A-Za-z0-9_.@-]{1,64}$")]
    public static partial Regex ClientId();

    /// <summary>Whether any pattern allows the channel.</summary>
    public static bool Allows(IEnumerable<string> patterns, string channel)
    {
        foreach (string pattern in patterns)
        {
            if (pattern == "*"
                || string.Equals(pattern, channel, StringComparison.Ordinal)
                || (pattern.EndsWith('*') && channel.StartsWith(pattern[..^1], StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A pattern is <c>*</c>, a channel name, or a channel name followed by <c>*</c>.</summary>
    public static bool IsValidPattern(string pattern) =>
        pattern == "*" || ChannelName().IsMatch(pattern.EndsWith('*') ? pattern[..^1] : pattern);
}

/// <summary>
/// Issues and validates the short-lived client tokens (HS256 JWTs through Microsoft IdentityModel).
/// The key comes from configuration (<c>PubSub:TokenKey</c>, base64 of at least 32 bytes); in
/// Development a random per-process key is used when none is configured.
/// </summary>
public sealed partial class PubSubTokens
{
    private const string Issuer = "griphandlers-pubsub";
    private const string Audience = "griphandlers-pubsub-realtime";
    private const string ChannelsClaim = "channels";

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SymmetricSecurityKey _key;
    private readonly TimeProvider _time;

    /// <summary>Creates the token service.</summary>
    public PubSubTokens(IConfiguration configuration, IHostEnvironment environment, TimeProvider time, ILogger<PubSubTokens> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _time = time;
        string? configured = configuration["PubSub:TokenKey"];
        byte[] key;
        if (configured is { Length: > 0 })
        {
            try
            {
                key = Convert.FromBase64String(configured);
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException("PubSub:TokenKey must be base64 (of at least 32 random bytes).", ex);
            }

            if (key.Length < 32)
            {
                throw new InvalidOperationException($"PubSub:TokenKey is {key.Length} bytes; HS256 needs at least 32.");
            }
        }
        else if (environment.IsDevelopment())
        {
            key = RandomNumberGenerator.GetBytes(32);
            LogRandomKey(logger);
        }
        else
        {
            throw new InvalidOperationException("Set PubSub:TokenKey (base64 of at least 32 random bytes), for example with the PubSub__TokenKey environment variable.");
        }

        _key = new SymmetricSecurityKey(key);
        string? lifetime = configuration["PubSub:TokenLifetimeSeconds"];
        Lifetime = lifetime is null ? TimeSpan.FromMinutes(10) : TimeSpan.FromSeconds(int.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>How long a token lives. Default 10 minutes (<c>PubSub:TokenLifetimeSeconds</c>).</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>Issues a token for a client and channel patterns.</summary>
    public TokenResponse Issue(string clientId, IReadOnlyList<string> channels)
    {
        var now = _time.GetUtcNow();
        var expires = now + Lifetime;
        string token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = clientId,
                [ChannelsClaim] = channels.ToArray(),
            },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
        return new TokenResponse(token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>Validates a token: signature (HS256 only), issuer, audience, expiry.</summary>
    /// <returns>The grant, or <see langword="null"/> when the token is missing, invalid or expired.</returns>
    public async Task<TokenGrant?> ValidateAsync(string? token)
    {
        if (string.IsNullOrEmpty(token) || !_handler.CanReadToken(token))
        {
            return null;
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(5),
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = _time.GetUtcNow().UtcDateTime;
                return expires is { } exp && now < exp.AddSeconds(5) && (notBefore is not { } nbf || now >= nbf.AddSeconds(-5));
            },
        }).ConfigureAwait(false);

        if (!result.IsValid
            || !result.Claims.TryGetValue(JwtRegisteredClaimNames.Sub, out object? sub)
            || sub is not string clientId
            || !ChannelPatterns.ClientId().IsMatch(clientId))
        {
            return null;
        }

        var channels = new List<string>();
        switch (result.Claims.TryGetValue(ChannelsClaim, out object? claim) ? claim : null)
        {
            case string single:
                channels.Add(single);
                break;
            case IEnumerable<object> many:
                channels.AddRange(many.OfType<string>());
                break;
        }

        return new TokenGrant(clientId, channels);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PubSub:TokenKey is not set: using a random key for this process (tokens die with it, and several instances will not accept each other's tokens).")]
    private static partial void LogRandomKey(ILogger logger);
}
