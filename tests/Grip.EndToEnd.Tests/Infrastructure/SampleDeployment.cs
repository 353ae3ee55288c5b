using Grip.Testing.Pushpin;

namespace Grip.EndToEnd.Tests.Infrastructure;

/// <summary>Pushpin in front of one or more instances of a sample origin (separate processes).</summary>
public sealed class SampleDeployment : IAsyncDisposable
{
    private SampleDeployment(PushpinProcess pushpin, IReadOnlyList<SampleProcess> origins)
    {
        Pushpin = pushpin;
        Origins = origins;
    }

    public PushpinProcess Pushpin { get; }

    public IReadOnlyList<SampleProcess> Origins { get; }

    public SampleProcess Origin => Origins[0];

    public Uri Ws(string pathAndQuery) => new(Pushpin.ClientUri, pathAndQuery);

    public Uri Http(string pathAndQuery) => new(Pushpin.HttpUri, pathAndQuery);

    /// <summary>
    /// Starts Pushpin routing to <paramref name="instances"/> origin ports (listed as route targets in
    /// order), then the origins with Pushpin's GRIP_URL.
    /// </summary>
    public static async Task<SampleDeployment> StartAsync(SampleApp app, SampleRuntime runtime, int instances = 1)
    {
        if (runtime == SampleRuntime.Aot)
        {
            await SampleBinaries.EnsureAotPublishedAsync();
        }

        var ports = new List<int>();
        while (ports.Count < instances)
        {
            int port = PushpinProcess.GetFreePort();
            if (!ports.Contains(port))
            {
                ports.Add(port);
            }
        }

        var pushpin = await PushpinProcess.StartAsync(new PushpinOptions { Targets = ports.Select(p => $"127.0.0.1:{p}").ToList() });
        var origins = new List<SampleProcess>();
        try
        {
            foreach (int port in ports)
            {
                origins.Add(await SampleProcess.StartAsync(app, runtime, port, pushpin.GripUrl));
            }
        }
        catch
        {
            foreach (var origin in origins)
            {
                await origin.DisposeAsync();
            }

            await pushpin.DisposeAsync();
            throw;
        }

        return new SampleDeployment(pushpin, origins);
    }

    /// <summary>A view over processes someone else owns (disposing it stops nothing).</summary>
    public static SampleDeployment Attach(PushpinProcess pushpin, IReadOnlyList<SampleProcess> origins) => new(pushpin, origins) { _owned = false };

    private bool _owned = true;

    /// <summary>Logs of the proxy and every origin, for failure messages.</summary>
    public string Describe() =>
        string.Join("\n", Origins.Select(o => $"--- {o.App} {o.Runtime} :{o.Port} ---\n{Tail(o.Output)}")) + $"\n--- pushpin ---\n{Pushpin.Describe(3000)}";

    public async ValueTask DisposeAsync()
    {
        if (!_owned)
        {
            return;
        }

        foreach (var origin in Origins)
        {
            await origin.DisposeAsync();
        }

        await Pushpin.DisposeAsync();
    }

    private static string Tail(string s) => s.Length <= 3000 ? s : s[^3000..];
}

/// <summary>A deployment shared by one test class.</summary>
public abstract class SampleFixture(SampleApp app, SampleRuntime runtime, int instances = 1) : IAsyncLifetime
{
    private SampleDeployment? _deployment;

    public SampleDeployment Deployment => _deployment ?? throw new InvalidOperationException(
        runtime == SampleRuntime.Aot && SampleBinaries.AotSkipReason is { } reason ? reason : "The deployment did not start.");

    public async Task InitializeAsync()
    {
        if (runtime == SampleRuntime.Aot && SampleBinaries.AotSkipReason is not null)
        {
            // Every test of the class is skipped; start nothing.
            return;
        }

        _deployment = await SampleDeployment.StartAsync(app, runtime, instances);
    }

    public async Task DisposeAsync()
    {
        if (_deployment is not null)
        {
            await _deployment.DisposeAsync();
        }
    }
}

public sealed class EchoJitFixture() : SampleFixture(SampleApp.Echo, SampleRuntime.Jit);

public sealed class ChatJitFixture() : SampleFixture(SampleApp.Chat, SampleRuntime.Jit);

public sealed class EchoAotFixture() : SampleFixture(SampleApp.Echo, SampleRuntime.Aot);

public sealed class ChatAotFixture() : SampleFixture(SampleApp.Chat, SampleRuntime.Aot);
