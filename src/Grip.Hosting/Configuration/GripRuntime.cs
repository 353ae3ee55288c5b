using Grip.Hosting.Development;
using Grip.Hosting.Security;
using Microsoft.Extensions.Options;

namespace Grip.Hosting;

/// <summary>The validated configuration in ready-to-use form: publish targets and the signature verifier.</summary>
internal sealed class GripRuntime
{
    public GripRuntime(IOptions<GripOptions> options, TimeProvider timeProvider, GripDevelopmentProxyState? developmentProxy = null)
    {
        Options = options.Value;
        var resolved = GripResolvedConfiguration.Resolve(Options);
        if (resolved.Errors.Count > 0)
        {
            // Normally caught earlier by validation on start; this keeps a misconfigured host from serving.
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(GripOptions), resolved.Errors);
        }

        Targets = resolved.Targets;
        ZeroMqTargets = resolved.ZeroMqTargets;
        var verifyKeys = resolved.VerifyKeys;
        _developmentProxyLeftOut = developmentProxy is { IsLeftOutOfBuild: true };
        if (developmentProxy is { IsActive: true })
        {
            // The development proxy signs every request like Pushpin does, with its own key.
            var proxy = developmentProxy.Options;
            verifyKeys = [.. verifyKeys, (GripSecurityKeys.Create("base64:" + Convert.ToBase64String(proxy.SignatureKey)), proxy.SignatureIssuer)];
        }

        var withoutIssuer = new List<(int, string)>();
        for (int i = 0; i < resolved.VerifyKeys.Count; i++)
        {
            if (resolved.VerifyKeys[i].Issuer is null)
            {
                withoutIssuer.Add((i, resolved.VerifyKeySources[i]));
            }
        }

        KeysWithoutIssuer = withoutIssuer;
        Verifier = new GripSignatureVerifier(verifyKeys, timeProvider, Options.SignatureClockSkew);
        TimeProvider = timeProvider;
    }

    public GripOptions Options { get; }

    /// <summary>Proxies published to over HTTP.</summary>
    public IReadOnlyList<GripPublishTarget> Targets { get; }

    /// <summary>ZeroMQ PUB sockets published through (a fleet of Pushpins connects to each).</summary>
    public IReadOnlyList<GripZeroMqTarget> ZeroMqTargets { get; }

    /// <summary>Whether any publish destination is configured, over HTTP or ZeroMQ.</summary>
    public bool HasPublishTargets => Targets.Count > 0 || ZeroMqTargets.Count > 0;

    public GripSignatureVerifier Verifier { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Configured verify keys that check no <c>iss</c> (index and where they were configured), for the start-up warning.</summary>
    public IReadOnlyList<(int Index, string Source)> KeysWithoutIssuer { get; }

    private readonly bool _developmentProxyLeftOut;

    /// <summary>Set once the start-up warnings were logged (several MapGripHandler calls log them once).</summary>
    public int StartupWarningsLogged;

    /// <summary>Fails when handlers would be served neither verified nor explicitly unverified.</summary>
    public void EnsureCanServeHandlers()
    {
        if (!Verifier.IsEnabled && !Options.AllowUnsignedRequests)
        {
            throw new InvalidOperationException(
                "GripHandlers has no Grip-Sig verify key, so it cannot tell the proxy from anyone else. " +
                "Set GRIP_URL with iss and key (Pushpin: ?iss=pushpin&key=<sig_key>), or GRIP_VERIFY_KEY / Grip:VerifyKey, " +
                "or for local development only set Grip:AllowUnsignedRequests=true." +
                (_developmentProxyLeftOut ? " (In Development this would start the development proxy, but: " + GripDevelopmentProxyState.LeftOutMessage + ")" : string.Empty));
        }
    }
}

/// <summary>Validates <see cref="GripOptions"/> at start-up with messages that say what is wrong.</summary>
internal sealed class GripOptionsValidator : IValidateOptions<GripOptions>
{
    public ValidateOptionsResult Validate(string? name, GripOptions options)
    {
        var resolved = GripResolvedConfiguration.Resolve(options);
        return resolved.Errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(resolved.Errors);
    }
}
