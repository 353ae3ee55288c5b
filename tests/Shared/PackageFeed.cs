using System.Diagnostics;
using System.Text;

namespace Grip.Tests.Packaging;

/// <summary>
/// The repository's packages packed into a temporary folder feed, exactly as users install them, for
/// tests that consume the packages instead of project references (tests/Grip.LanguageServer.Tests,
/// tests/Grip.Package.Tests). <c>dotnet pack</c> of src/ projects (Release) runs under a lock shared by
/// every test process of the repository, so two test assemblies packing at once never build the same
/// obj/ and bin/ folders concurrently.
/// </summary>
public sealed class PackageFeed : IDisposable
{
    /// <summary>Every package the repository ships, in dependency order (the template package last).</summary>
    public static IReadOnlyList<string> ShippedProjects { get; } =
    [
        "src/Grip.Abstractions/Grip.Abstractions.csproj",
        "src/Grip.Hosting/Grip.Hosting.csproj",
        "src/Grip.Testing/Grip.Testing.csproj",
        "templates/Grip.Templates/Grip.Templates.csproj",
    ];

    private readonly TempDirectory _directory;

    private PackageFeed(TempDirectory directory, string version, TimeSpan packTime)
    {
        _directory = directory;
        Version = version;
        PackTime = packTime;
    }

    /// <summary>The folder holding the .nupkg and .snupkg files.</summary>
    public string Directory => System.IO.Path.Combine(_directory.Path, "feed");

    /// <summary>The version every package was packed with (Version in Directory.Build.props).</summary>
    public string Version { get; }

    /// <summary>How long packing took (lock wait included).</summary>
    public TimeSpan PackTime { get; }

    /// <summary>The path of a package in the feed, for example <c>Package("Grip.Hosting")</c>.</summary>
    public string Package(string id, string extension = ".nupkg") => System.IO.Path.Combine(Directory, id + "." + Version + extension);

    /// <summary>Packs <paramref name="projects"/> (repository-relative paths) into a new feed, in Release.</summary>
    public static async Task<PackageFeed> PackAsync(IEnumerable<string> projects, IDictionary<string, string?>? properties = null)
    {
        var directory = new TempDirectory("grip-feed-");
        string feed = System.IO.Directory.CreateDirectory(System.IO.Path.Combine(directory.Path, "feed")).FullName;
        string root = RepositoryRoot();
        var timer = Stopwatch.StartNew();
        using (await AcquirePackLockAsync(root, TimeSpan.FromMinutes(20)))
        {
            foreach (string project in projects)
            {
                List<string> arguments = ["pack", System.IO.Path.Combine(root, project), "-c", "Release", "-o", feed, "-nodeReuse:false", "--nologo", "-p:UseSharedCompilation=false"];
                arguments.AddRange((properties ?? new Dictionary<string, string?>()).Select(p => $"-p:{p.Key}={p.Value}"));
                await Dotnet.RunAsync("dotnet", [.. arguments], root, TimeSpan.FromMinutes(10));
            }
        }

        string first = System.IO.Path.GetFileNameWithoutExtension(projects.First());
        string nupkg = System.IO.Directory.GetFiles(feed, first + ".*.nupkg").Single();
        string version = System.IO.Path.GetFileNameWithoutExtension(nupkg)[(first.Length + 1)..];
        return new PackageFeed(directory, version, timer.Elapsed);
    }

    /// <summary>
    /// A nuget.config for a consumer of this feed: Grip.* from the feed only (so nothing stale from
    /// nuget.org or a cache can stand in for it), everything else from nuget.org.
    /// </summary>
    public string NuGetConfig() => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{Directory}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="local"><package pattern="Grip.*" /></packageSource>
            <packageSource key="nuget.org"><package pattern="*" /></packageSource>
          </packageSourceMapping>
        </configuration>
        """;

    /// <summary>Deletes the feed.</summary>
    public void Dispose() => _directory.Dispose();

    /// <summary>The repository root (the folder with GripHandlers.sln) above the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "GripHandlers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("GripHandlers.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// An exclusive lock on artifacts/.pack.lock (flock through FileShare.None), held while packing.
    /// Another test process waits for it: packing builds the src/ projects' obj/ and bin/ folders.
    /// </summary>
    private static async Task<IDisposable> AcquirePackLockAsync(string root, TimeSpan timeout)
    {
        string path = System.IO.Path.Combine(System.IO.Directory.CreateDirectory(System.IO.Path.Combine(root, "artifacts")).FullName, ".pack.lock");
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < timeout)
            {
                await Task.Delay(500);
            }
        }
    }
}

/// <summary>Runs dotnet (and other tools) as a child process with a clean build environment.</summary>
public static class Dotnet
{
    /// <summary>
    /// Runs <paramref name="fileName"/> and returns stdout followed by stderr. Throws when the exit code
    /// is not the expected one (0, or non-zero with <paramref name="expectFailure"/>) or on time-out
    /// (the process tree is killed).
    /// </summary>
    public static async Task<string> RunAsync(string fileName, string[] arguments, string workingDirectory, TimeSpan timeout, IDictionary<string, string?>? environment = null, bool expectFailure = false)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var pair in CleanEnvironment(environment))
        {
            if (pair.Value is null)
            {
                start.Environment.Remove(pair.Key);
            }
            else
            {
                start.Environment[pair.Key] = pair.Value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} took longer than {timeout}:\n{await stdout}\n{await stderr}");
        }

        string text = await stdout + await stderr;
        if ((process.ExitCode != 0) != expectFailure)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} in {workingDirectory} exited with {process.ExitCode}" +
                (expectFailure ? " (a failure was expected)" : "") + ":\n" + text);
        }

        return text;
    }

    /// <summary>
    /// The environment for a child build: the test host runs inside an MSBuild/VSTest environment whose
    /// MSBuild* variables would point child builds (and a language server's MSBuild) at the wrong SDK
    /// pieces. <paramref name="extra"/> is applied last; a null value removes a variable.
    /// </summary>
    public static Dictionary<string, string?> CleanEnvironment(IDictionary<string, string?>? extra)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            string key = (string)entry.Key;
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || key == "DOTNET_HOST_PATH")
            {
                environment[key] = null;
            }
        }

        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        foreach (var pair in extra ?? new Dictionary<string, string?>())
        {
            environment[pair.Key] = pair.Value;
        }

        return environment;
    }

    /// <summary>
    /// An empty NuGet packages folder under <paramref name="workPath"/> as NUGET_PACKAGES, so a consumer
    /// restores the packed Grip.* packages from the feed and never a stale copy from the user's cache.
    /// </summary>
    public static Dictionary<string, string?> IsolatedPackages(string workPath) =>
        new(StringComparer.Ordinal) { ["NUGET_PACKAGES"] = System.IO.Directory.CreateDirectory(Path.Combine(workPath, "packages")).FullName };

    /// <summary>Writes the files that keep a consumer under /tmp away from any build rules above it.</summary>
    public static void IsolateFromParentBuildFiles(string directory)
    {
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />\n", Encoding.UTF8);
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />\n", Encoding.UTF8);
        File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), "<Project />\n", Encoding.UTF8);
    }
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
public sealed class TempDirectory(string prefix = "grip-test-") : IDisposable
{
    /// <summary>The folder.</summary>
    public string Path { get; } = System.IO.Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>Deletes the folder; a child process still holding a file leaves it to the OS temp cleaner.</summary>
    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server child still holding a file: the OS temp cleaner takes it.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
