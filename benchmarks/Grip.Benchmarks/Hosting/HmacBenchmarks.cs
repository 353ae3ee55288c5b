using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Grip.Hosting.Security;

namespace Grip.Benchmarks.Hosting;

/// <summary>
/// One HS256 check of a Pushpin-sized Grip-Sig (header.payload of a token with iss and exp): the
/// platform's HMACSHA256 (OpenSSL on Linux) against GripHmacSha256, the managed implementation
/// Grip.Hosting uses so that OpenSSL is never loaded (docs/performance.md, "Memory"). Most requests
/// never get here: the verifier caches valid tokens, which change once a second.
/// </summary>
[MemoryDiagnoser]
public class HmacBenchmarks
{
    private static readonly byte[] Key = "changeme"u8.ToArray();
    private readonly byte[] _signingInput = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJwdXNocGluIiwiZXhwIjoxNzk2NTIwMDAwfQ"u8.ToArray();
    private readonly byte[] _mac = new byte[32];
    private readonly GripHmacSha256 _managed = new(Key);

    [Benchmark(Baseline = true)]
    public int Platform_HMACSHA256() => HMACSHA256.HashData(Key, _signingInput, _mac);

    [Benchmark]
    public int Managed_GripHmacSha256()
    {
        _managed.Compute(_signingInput, _mac);
        return _mac.Length;
    }
}
