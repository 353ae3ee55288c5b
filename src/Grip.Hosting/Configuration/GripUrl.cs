using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Grip.Configuration;

/// <summary>
/// Parses a <c>GRIP_URL</c> the way js-grip's <c>parseGripUri</c> does (grip-spec §4.2):
/// user info becomes <see cref="GripProxyConfig.User"/>/<see cref="GripProxyConfig.Password"/>;
/// the query parameters <c>iss</c>, <c>key</c>, <c>verify-iss</c> and <c>verify-key</c> are taken
/// out; one trailing <c>/</c> is removed from the path; what is left (other query parameters and the
/// port included) is the control URI.
/// </summary>
/// <remarks>
/// One deliberate difference from js-grip: a literal <c>+</c> in a query value stays a <c>+</c>
/// (pygripcontrol does the same by pre-escaping it), so base64 keys and tokens containing <c>+</c>
/// survive; <c>%2B</c> works too. A space (<c>%20</c>) inside a <c>base64:</c> key is still read as
/// <c>+</c> when the key is decoded.
/// </remarks>
public static class GripUrl
{
    /// <summary>The environment variable with the proxy URL (the convention of the GRIP libraries).</summary>
    public const string EnvironmentVariable = "GRIP_URL";

    /// <summary>The environment variable with a verify key given apart from <see cref="EnvironmentVariable"/>.</summary>
    public const string VerifyKeyEnvironmentVariable = "GRIP_VERIFY_KEY";

    /// <summary>Parses a GRIP URL.</summary>
    /// <param name="gripUrl">The URL, for example <c>http://127.0.0.1:5561/?iss=pushpin&amp;key=changeme</c>.</param>
    /// <param name="verifyKey">A verify key given separately (<c>GRIP_VERIFY_KEY</c>); it wins over <c>verify-key</c> in the URL.</param>
    /// <param name="verifyIss">A verify issuer given separately; it wins over <c>verify-iss</c> in the URL.</param>
    /// <exception cref="FormatException">The URL is malformed; the message says what is wrong.</exception>
    public static GripProxyConfig Parse(string gripUrl, string? verifyKey = null, string? verifyIss = null)
    {
        ArgumentNullException.ThrowIfNull(gripUrl);
        return TryParse(gripUrl, out var config, out string? error, verifyKey, verifyIss) ? config : throw new FormatException(error);
    }

    /// <summary>Parses a GRIP URL without throwing.</summary>
    /// <param name="gripUrl">The URL.</param>
    /// <param name="config">The parsed configuration.</param>
    /// <param name="error">What is wrong (never contains secrets from the URL).</param>
    /// <param name="verifyKey">A verify key given separately (<c>GRIP_VERIFY_KEY</c>).</param>
    /// <param name="verifyIss">A verify issuer given separately.</param>
    public static bool TryParse(
        string? gripUrl,
        [NotNullWhen(true)] out GripProxyConfig? config,
        [NotNullWhen(false)] out string? error,
        string? verifyKey = null,
        string? verifyIss = null)
    {
        config = null;
        if (string.IsNullOrWhiteSpace(gripUrl))
        {
            error = "GRIP URL is empty.";
            return false;
        }

        string text = gripUrl.Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error = $"GRIP URL must be an absolute http:// or https:// URL (got '{Redact(text)}').";
            return false;
        }

        if (uri.Host.Length == 0)
        {
            error = "GRIP URL has no host.";
            return false;
        }

        if (uri.Fragment.Length > 0)
        {
            error = "GRIP URL must not have a #fragment.";
            return false;
        }

        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            int colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = PercentDecode(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : PercentDecode(uri.UserInfo[(colon + 1)..]);
        }

        string? iss = null;
        string? key = null;
        string? urlVerifyIss = null;
        string? urlVerifyKey = null;
        var kept = new StringBuilder();

        // Read the raw query ourselves: System.Uri keeps it escaped, and we must keep the order and
        // spelling of the parameters that stay in the control URI.
        string query = uri.Query.Length > 0 ? uri.Query[1..] : string.Empty;
        foreach (string part in query.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string name = PercentDecode(eq < 0 ? part : part[..eq]);
            string value = eq < 0 ? string.Empty : PercentDecode(part[(eq + 1)..]);
            switch (name)
            {
                case "iss":
                    iss = value;
                    break;
                case "key":
                    key = value;
                    break;
                case "verify-iss":
                    urlVerifyIss = value;
                    break;
                case "verify-key":
                    urlVerifyKey = value;
                    break;
                default:
                    kept.Append(kept.Length == 0 ? '?' : '&').Append(part);
                    break;
            }
        }

        string path = uri.AbsolutePath;
        if (path.EndsWith('/'))
        {
            path = path[..^1];
        }

        var control = new StringBuilder(text.Length);
        control.Append(uri.Scheme).Append("://").Append(uri.Host);
        if (!uri.IsDefaultPort)
        {
            control.Append(':').Append(uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        control.Append(path).Append(kept);

        string? effectiveVerifyKey = verifyKey ?? urlVerifyKey;
        foreach (var (label, value) in new[] { ("key", key), ("verify-key", effectiveVerifyKey) })
        {
            if (value is null)
            {
                continue;
            }

            if (!GripKeyMaterial.TryParse(value, out _, out string? keyError))
            {
                error = $"GRIP URL parameter '{label}' is not a usable key: {keyError}";
                return false;
            }
        }

        if (iss is not null && iss.Length == 0)
        {
            error = "GRIP URL parameter 'iss' is empty.";
            return false;
        }

        if (iss is not null && key is null)
        {
            error = "GRIP URL has 'iss' but no 'key': a publish JWT needs both.";
            return false;
        }

        config = new GripProxyConfig
        {
            ControlUri = control.ToString(),
            ControlIss = iss,
            Key = key,
            User = user,
            Password = password,
            VerifyIss = verifyIss ?? urlVerifyIss,
            VerifyKey = effectiveVerifyKey,
        };
        error = null;
        return true;
    }

    /// <summary>
    /// The GRIP URL of a Fastly Fanout service (grip-spec §4.3): publish to
    /// <c>https://api.fastly.com/service/&lt;id&gt;</c> with the API token, verify <c>Grip-Sig</c> with
    /// Fanout's published ES256 key and issuer <c>fastly:&lt;id&gt;</c>.
    /// </summary>
    /// <param name="serviceId">The Fastly service id.</param>
    /// <param name="apiToken">A Fastly API token allowed to publish on the service.</param>
    /// <param name="baseUrl">Another API base URL (tests), default <c>https://api.fastly.com/service/&lt;id&gt;</c>.</param>
    public static string BuildFanoutGripUrl(string serviceId, string apiToken, string? baseUrl = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        ArgumentException.ThrowIfNullOrEmpty(apiToken);
        string control = baseUrl ?? "https://api.fastly.com/service/" + Uri.EscapeDataString(serviceId);
        return control + (control.Contains('?', StringComparison.Ordinal) ? '&' : '?') +
            "key=" + Uri.EscapeDataString(apiToken) +
            "&verify-iss=" + Uri.EscapeDataString(FastlyFanout.IssuerPrefix + serviceId) +
            "&verify-key=" + Uri.EscapeDataString(FastlyFanout.PublicKeyJwk);
    }

    /// <summary>The configuration of a Fastly Fanout service, with Fanout's ES256 verify key built in.</summary>
    /// <param name="serviceId">The Fastly service id.</param>
    /// <param name="apiToken">A Fastly API token allowed to publish on the service.</param>
    public static GripProxyConfig ForFanout(string serviceId, string apiToken) => Parse(BuildFanoutGripUrl(serviceId, apiToken));

    private static string PercentDecode(string value) => Uri.UnescapeDataString(value);

    private static string Redact(string url)
    {
        int q = url.IndexOf('?', StringComparison.Ordinal);
        string head = q < 0 ? url : url[..q] + "?…";
        // The last '@': in a malformed URL the password itself may contain an unescaped '@'.
        int at = head.LastIndexOf('@');
        int scheme = head.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme >= 0 && at > scheme ? head[..(scheme + 3)] + "…@" + head[(at + 1)..] : head;
    }
}
