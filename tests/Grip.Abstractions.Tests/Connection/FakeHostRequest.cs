using System.Security.Claims;
using Grip.Infrastructure;

namespace Grip.Abstractions.Tests.Connection;

/// <summary>An <see cref="IGripHostRequest"/> that counts what the connection reads from it.</summary>
internal sealed class FakeHostRequest(
    Func<IEnumerable<KeyValuePair<string, string>>?>? meta = null,
    Func<IServiceProvider>? services = null,
    Func<ClaimsPrincipal>? user = null) : IGripHostRequest
{
    private int _servicesReads;
    private int _userReads;
    private int _metaReads;

    public int ServicesReads => Volatile.Read(ref _servicesReads);

    public int UserReads => Volatile.Read(ref _userReads);

    public int MetaReads => Volatile.Read(ref _metaReads);

    public IServiceProvider Services
    {
        get
        {
            Interlocked.Increment(ref _servicesReads);
            return services is null ? new TestServices() : services();
        }
    }

    public ClaimsPrincipal User
    {
        get
        {
            Interlocked.Increment(ref _userReads);
            return user is null ? new ClaimsPrincipal(new ClaimsIdentity()) : user();
        }
    }

    public IEnumerable<KeyValuePair<string, string>>? ReadMeta()
    {
        Interlocked.Increment(ref _metaReads);
        return meta?.Invoke();
    }
}
