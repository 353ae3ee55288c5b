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

    /// <summary>
    /// The proxy would run by default (Development environment, no proxy configured) but this build
    /// leaves it out (<see cref="GripFeatureSwitches.IsDevelopmentProxySupported"/> is off): the app
    /// serves only signed requests from a real proxy, and says so at start (warning 9032).
    /// </summary>
    /// <remarks>Reading it decides first (<see cref="IsActive"/>), so an explicit <c>Enabled = true</c> throws here too.</remarks>
    public bool IsLeftOutOfBuild =>
        !IsActive && !GripFeatureSwitches.IsDevelopmentProxySupported && proxyOptions.Value.Enabled is null && RunsByDefault();

    /// <summary>What the app says when it is told to run a development proxy this build does not contain.</summary>
    internal static string LeftOutMessage =>
        $"The GRIP development proxy is not part of this build: the '{GripFeatureSwitches.DevelopmentProxy}' feature switch is off " +
        $"(Native AOT and trimmed publishing turn it off by default). Build with <{GripFeatureSwitches.DevelopmentProxyProperty}>true</{GripFeatureSwitches.DevelopmentProxyProperty}> " +
        "to keep it, or configure GRIP_URL to use a real GRIP proxy.";

    private bool Decide()
    {
        if (proxyOptions.Value.Enabled is { } explicitly)
        {
            if (explicitly && !GripFeatureSwitches.IsDevelopmentProxySupported)
            {
                throw new InvalidOperationException("Grip:DevelopmentProxy:Enabled is true, but " + char.ToLowerInvariant(LeftOutMessage[0]) + LeftOutMessage[1..]);
            }

            return explicitly;
        }

        return RunsByDefault() && GripFeatureSwitches.IsDevelopmentProxySupported;
    }

    /// <summary>Development environment and no GRIP proxy or verify key configured.</summary>
    private bool RunsByDefault()
    {
        var grip = gripOptions.Value;
        bool proxyConfigured = grip.GripUrl is not null || grip.VerifyKey is not null || grip.Proxies.Count > 0 || grip.AdditionalVerifyKeys.Count > 0;
        // Without a host environment (a bare service collection) there is no Development to default to.
        return environment is not null && environment.IsDevelopment() && !proxyConfigured;
    }
}
