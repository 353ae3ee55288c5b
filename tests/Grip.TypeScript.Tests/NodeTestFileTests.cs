using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Grip.TypeScript.Tests;

/// <summary>
/// One xunit test per node test file of src/Grip.TypeScript: the file runs under
/// <c>node --test</c> (TAP output), and the test fails unless node exits 0 with at least one
/// passing test and none failing. The node output is written to the test log.
/// </summary>
[Collection(NodePackageGroup.Name)]
public sealed partial class NodeTestFileTests(NodePackageFixture package, ITestOutputHelper output)
{
    /// <summary>Every <c>*.test.mjs</c> file; a new file is picked up without touching this class.</summary>
    public static TheoryData<string> TestFiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.EnumerateFiles(Path.Combine(NodePackageFixture.PackageDirectory, "test"), "*.test.mjs").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TestFiles))]
    public async Task Node_test_file_passes(string file)
    {
        await package.EnsureInstalledAsync();
        var result = await NodePackageFixture.RunAsync(
            "node",
            ["--test", "--test-concurrency=1", "--test-reporter=tap", Path.Combine("test", file)],
            new Dictionary<string, string> { ["GRIP_PUBSUB_DLL"] = NodePackageFixture.PubSubDll },
            TimeSpan.FromMinutes(10));
        output.WriteLine(result.Output);

        int pass = TapCount(result.Output, "pass");
        int fail = TapCount(result.Output, "fail");
        Assert.True(result.ExitCode == 0 && fail == 0 && pass > 0, $"node --test {file}: exit {result.ExitCode}, {pass} passed, {fail} failed (output above).");
    }

    private static int TapCount(string tap, string name)
    {
        var match = Regex.Match(tap, "^# " + name + " ([0-9]+)$", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}

/// <summary>Shares one <c>npm ci</c> between the test files.</summary>
[CollectionDefinition(Name)]
public sealed class NodePackageGroup : ICollectionFixture<NodePackageFixture>
{
    public const string Name = "Grip.TypeScript package";
}

/// <summary>Installs the package's pinned npm dependencies (package-lock.json) once.</summary>
public sealed class NodePackageFixture
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _installed;

    public static string RepoRoot { get; } = Metadata("GripRepoRoot");

    public static string PackageDirectory { get; } = Path.Combine(RepoRoot, "src", "Grip.TypeScript");

    /// <summary>The PubSub sample built by this test project's build (same configuration).</summary>
    public static string PubSubDll { get; } = Path.Combine(RepoRoot, "samples", "PubSub", "bin", Metadata("GripConfiguration"), "net10.0", "PubSub.dll");

    public async Task EnsureInstalledAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_installed)
            {
                return;
            }

            var result = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], null, TimeSpan.FromMinutes(10));
            Assert.True(result.ExitCode == 0, "npm ci failed in src/Grip.TypeScript:\n" + result.Output);
            Assert.True(File.Exists(PubSubDll), "The PubSub sample is not built at " + PubSubDll);
            _installed = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string command, string[] arguments, IDictionary<string, string>? environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(command)
        {
            WorkingDirectory = PackageDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + command);
        var output = new StringBuilder();
        var lockObject = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (lockObject) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (lockObject) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (lockObject)
            {
                output.AppendLine($"[timed out after {timeout.TotalMinutes} min and was killed]");
            }

            return (-1, output.ToString());
        }

        process.WaitForExit(); // drains the redirected streams
        lock (lockObject)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static string Metadata(string key) =>
        typeof(NodePackageFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException(key);
}
