namespace Grip.Hosting.Security;

/// <summary>The outcome of checking a request's <c>Grip-Sig</c>.</summary>
public enum GripSignatureStatus
{
    /// <summary>No <c>Grip-Sig</c> header.</summary>
    Missing,

    /// <summary>The header is there but no configured key accepts it (bad signature, algorithm, expiry, issuer, or not a JWT).</summary>
    Invalid,

    /// <summary>A configured key verified the signature, <c>exp</c> and (when configured) <c>iss</c>.</summary>
    Valid,
}
