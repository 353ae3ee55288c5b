namespace Grip.Configuration;

/// <summary>How the publisher authenticates to a proxy (grip-spec §3.2).</summary>
public enum GripPublishAuthKind
{
    /// <summary>No <c>Authorization</c> header (Pushpin ignores it anyway).</summary>
    None,

    /// <summary><c>Authorization: Basic base64(user:pass)</c>.</summary>
    Basic,

    /// <summary><c>Authorization: Bearer &lt;key&gt;</c> (Fastly: the API token).</summary>
    Bearer,

    /// <summary><c>Authorization: Bearer &lt;JWT&gt;</c> with claims <c>iss</c> and <c>exp</c>, signed with the key.</summary>
    Jwt,
}
