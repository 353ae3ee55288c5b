using System.Text;

namespace Grip.Configuration;

/// <summary>
/// One GRIP proxy as the origin sees it (grip-spec §4.1): where to publish and how to authenticate
/// (<c>control_uri</c>, <c>control_iss</c>, <c>key</c>, <c>user</c>/<c>pass</c>), and how to verify the
/// <c>Grip-Sig</c> it sends (<c>verify_iss</c>, <c>verify_key</c>).
/// </summary>
public sealed class GripProxyConfig
{
    /// <summary>The base URL of the proxy's publish API, for example <c>http://127.0.0.1:5561</c>.</summary>
    public required string ControlUri { get; init; }

    /// <summary>The JWT issuer for publish authentication (GRIP_URL <c>iss</c>); with it, <see cref="Key"/> signs a JWT.</summary>
    public string? ControlIss { get; init; }

    /// <summary>The publish secret (GRIP_URL <c>key</c>): a JWT signing key when <see cref="ControlIss"/> is set, else a Bearer token. Never log it.</summary>
    public string? Key { get; init; }

    /// <summary>The user name for Basic authentication (URL user info).</summary>
    public string? User { get; init; }

    /// <summary>The password for Basic authentication (URL user info). Never log it.</summary>
    public string? Password { get; init; }

    /// <summary>The issuer a <c>Grip-Sig</c> from this proxy must carry (GRIP_URL <c>verify-iss</c>).</summary>
    public string? VerifyIss { get; init; }

    /// <summary>The key that verifies a <c>Grip-Sig</c> from this proxy (GRIP_URL <c>verify-key</c> or GRIP_VERIFY_KEY).</summary>
    public string? VerifyKey { get; init; }

    /// <summary>
    /// The key that verifies this proxy's <c>Grip-Sig</c>: <see cref="VerifyKey"/>, or — the
    /// backward-compatible rule of js-grip — <see cref="Key"/> when <see cref="ControlIss"/> is set,
    /// <see cref="VerifyKey"/> is not, and the key is a shared secret (Pushpin signs with the same secret).
    /// </summary>
    public string? EffectiveVerifyKey
    {
        get
        {
            if (VerifyKey is not null)
            {
                return VerifyKey;
            }

            if (ControlIss is not null && Key is not null &&
                GripKeyMaterial.TryParse(Key, out var material, out _) && material.Kind == GripKeyKind.Symmetric)
            {
                return Key;
            }

            return null;
        }
    }

    /// <summary>
    /// The publish endpoint: the control URI's path with a <c>/</c> added when missing, then
    /// <c>publish/</c>; the query is kept (<c>https://www.example.com/uri</c> → <c>https://www.example.com/uri/publish/</c>).
    /// </summary>
    public Uri PublishUri
    {
        get
        {
            var uri = new Uri(ControlUri, UriKind.Absolute);
            string path = uri.AbsolutePath;
            var sb = new StringBuilder(ControlUri.Length + 16);
            sb.Append(uri.GetLeftPart(UriPartial.Authority));
            sb.Append(path);
            if (!path.EndsWith('/'))
            {
                sb.Append('/');
            }

            sb.Append("publish/");
            sb.Append(uri.Query);
            return new Uri(sb.ToString(), UriKind.Absolute);
        }
    }

    /// <summary>How publishing to this proxy authenticates.</summary>
    public GripPublishAuthKind PublishAuth =>
        ControlIss is not null && Key is not null ? GripPublishAuthKind.Jwt
        : Key is not null ? GripPublishAuthKind.Bearer
        : User is not null ? GripPublishAuthKind.Basic
        : GripPublishAuthKind.None;

    /// <summary>A description safe for logs: the publish URI and the auth kind, no secrets.</summary>
    public override string ToString() => $"{PublishUri} (auth: {PublishAuth}, verify: {(EffectiveVerifyKey is null ? "none" : "key")})";
}
