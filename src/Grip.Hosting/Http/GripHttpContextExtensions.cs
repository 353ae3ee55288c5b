using Grip.Hosting.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Grip.Hosting.Http;

/// <summary>Whether an HTTP request came through a GRIP proxy.</summary>
public static class GripHttpContextExtensions
{
    /// <summary>
    /// Whether the request came through a GRIP proxy: with verify keys configured, its
    /// <c>Grip-Sig</c> must be valid; without any (a development setting), any <c>Grip-Sig</c>
    /// header counts, as in js-grip.
    /// </summary>
    public static async ValueTask<bool> IsFromGripProxyAsync(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var runtime = context.RequestServices.GetService<GripRuntime>()
            ?? throw new InvalidOperationException("Call services.AddGrip(...) to use GRIP HTTP instructions.");
        string? gripSig = context.Request.Headers["Grip-Sig"].ToString() is { Length: > 0 } value ? value : null;
        if (!runtime.Verifier.IsEnabled)
        {
            return gripSig is not null;
        }

        var (status, _) = await runtime.Verifier.VerifyAsync(gripSig).ConfigureAwait(false);
        return status == GripSignatureStatus.Valid;
    }
}
