using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Development;

/// <summary>
/// Puts the development proxy first in the pipeline when it is enabled, and says so (warning 9030,
/// under this type's <c>Grip.Hosting.Development</c> category).
/// </summary>
internal sealed partial class DevelopmentProxyStartupFilter(
    GripDevelopmentProxyState state,
    IHostEnvironment environment,
    ILogger<DevelopmentProxyStartupFilter> logger) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        // The feature switch first: under Native AOT it is a constant, so with the proxy left out of
        // the build the middleware below is not compiled in.
        if (!GripFeatureSwitches.IsDevelopmentProxySupported)
        {
            // Throws when Enabled = true was asked for explicitly (the message names the switch).
            if (state.IsLeftOutOfBuild)
            {
                LogLeftOutOfBuild(logger, GripDevelopmentProxyState.LeftOutMessage);
            }
        }
        else if (state.IsActive)
        {
            if (!environment.IsDevelopment())
            {
                LogEnabledOutsideDevelopment(logger, environment.EnvironmentName);
            }

            LogEnabled(logger);
            app.UseWebSockets();
            app.UseMiddleware<DevelopmentProxyMiddleware>();
        }

        next(app);
    };

    [LoggerMessage(EventId = 9030, Level = LogLevel.Warning, Message = "GRIP DEVELOPMENT PROXY IS ON: this app accepts WebSockets itself and emulates Pushpin in memory. It is for development only: it does not scale out, and publishes reach only this process. Configure GRIP_URL to use a real GRIP proxy.")]
    private static partial void LogEnabled(ILogger logger);

    [LoggerMessage(EventId = 9032, Level = LogLevel.Warning, Message = "The Development environment would start the GRIP development proxy (no GRIP proxy is configured), but: {Reason}")]
    private static partial void LogLeftOutOfBuild(ILogger logger, string reason);

    [LoggerMessage(EventId = 9031, Level = LogLevel.Warning, Message = "The GRIP development proxy was enabled explicitly in the '{Environment}' environment. Never run it in production.")]
    private static partial void LogEnabledOutsideDevelopment(ILogger logger, string environment);
}
