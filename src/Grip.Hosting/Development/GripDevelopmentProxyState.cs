using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Grip.Hosting.Development;

/// <summary>
/// Decides once whether the development proxy runs: <see cref="GripDevelopmentProxyOptions.Enabled"/>
/// when set, else on in the Development environment when no GRIP proxy and no verify key is configured.
/// </summary>
internal sealed class GripDevelopmentProxyState(
    IOptions<GripDevelopmentProxyOptions> proxyOptions,
    IOptions<GripOptions> gripOptions,
    IHostEnvironment? environment = null)
{
    private bool? _isActive;

    public bool IsActive => _isActive ??= Decide();

    public GripDevelopmentProxyOptions Options => proxyOptions.Value;

    private bool Decide()
    {
        if (proxyOptions.Value.Enabled is { } explicitly)
        {
            return explicitly;
        }

        var grip = gripOptions.Value;
        bool proxyConfigured = grip.GripUrl is not null || grip.VerifyKey is not null || grip.Proxies.Count > 0 || grip.AdditionalVerifyKeys.Count > 0;
        // Without a host environment (a bare service collection) there is no Development to default to.
        return environment is not null && environment.IsDevelopment() && !proxyConfigured;
    }
}
