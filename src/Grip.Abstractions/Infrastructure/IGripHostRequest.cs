using System.Security.Claims;

namespace Grip.Infrastructure;

/// <summary>
/// What the host knows about the request that carried a batch and a <see cref="GripConnection"/> reads
/// only when first asked: the request's DI scope, its user and its <c>Meta-*</c> headers.
/// </summary>
/// <remarks>
/// Most batches never look at them (an echo, a broadcast), and under ASP.NET Core each costs an
/// allocation per request when read: <c>HttpContext.RequestServices</c> creates the request's DI
/// scope, <c>HttpContext.User</c> an empty principal when nobody signed in, and the meta means walking
/// every header (docs/performance.md). Read only while the request is in progress: the host makes
/// the connection read what it has not read yet before the request ends under a handler that is still
/// running (<see cref="GripConnection.CaptureRequestState"/>).
/// </remarks>
internal interface IGripHostRequest
{
    /// <summary>The services of the request's DI scope.</summary>
    IServiceProvider Services { get; }

    /// <summary>The request's user (never <see langword="null"/>).</summary>
    ClaimsPrincipal User { get; }

    /// <summary>The connection meta from the request's <c>Meta-*</c> headers, or <see langword="null"/> when there is none.</summary>
    IEnumerable<KeyValuePair<string, string>>? ReadMeta();
}
