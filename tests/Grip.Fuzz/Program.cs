// The GripHandlers fuzz harness (docs/reliability.md#fuzzing).
//
//   dotnet run -c Release --project tests/Grip.Fuzz -- replay                 every corpus file once
//   dotnet run -c Release --project tests/Grip.Fuzz -- fuzz --inputs 10000000 [--seed N] [--workers N]
//   dotnet run -c Release --project tests/Grip.Fuzz -- fuzz --seconds 30 [--save-corpus]
//
// Targets: the three WebSocket-over-HTTP readers (memory, span, sequence; whole, split, byte by byte
// and incrementally, as a PipeReader sees the body) must agree on every input and fail only with
// WebSocketFormatException; GRIP_URL parsing and key parsing must never throw anything but the
// documented FormatException, agree between Parse and TryParse, and keep secrets out of messages.
//
// Why not SharpFuzz with libFuzzer: SharpFuzz's libFuzzer mode needs the libfuzzer-dotnet driver,
// which is neither a Debian nor a NuGet package (only a GitHub release or its C++ source, which a CI
// machine here cannot fetch). So this is a mutation fuzzer of its own: a committed corpus, a
// dictionary of grammar tokens per target, byte-level mutations and splicing, and behavioural
// feedback (an input whose outcome has a shape not seen before joins the pool and is mutated further).
// Every run is reproducible from its seed; the count of inputs actually executed is printed.
using System.Diagnostics;
using System.Globalization;
using Grip.Fuzz;

var arguments = Arguments.Parse(args);
string corpusRoot = arguments.Get("corpus") ?? Path.Combine(AppContext.BaseDirectory, "corpus");
if (!Directory.Exists(corpusRoot))
{
    Console.Error.WriteLine($"fuzz: no corpus at {corpusRoot}");
    return 2;
}

IFuzzTarget[] targets = [new ReaderTarget(), new GripUrlTarget(), new KeyTarget()];
if (arguments.Command == "replay")
{
    return Replay(targets, corpusRoot);
}

if (arguments.Command != "fuzz")
{
    Console.Error.WriteLine("usage: Grip.Fuzz replay | fuzz (--inputs N | --seconds S) [--seed N] [--workers N] [--save-corpus] [--corpus DIR] [--findings DIR]");
    return 2;
}

// A replay first: the committed corpus (and every regression saved from earlier findings) must pass.
int replayStatus = Replay(targets, corpusRoot);
if (replayStatus != 0)
{
    return replayStatus;
}

long inputs = long.Parse(arguments.Get("inputs") ?? "0", CultureInfo.InvariantCulture);
double seconds = double.Parse(arguments.Get("seconds") ?? "0", CultureInfo.InvariantCulture);
if (inputs <= 0 && seconds <= 0)
{
    Console.Error.WriteLine("fuzz: give --inputs N or --seconds S (a bound is required)");
    return 2;
}

int seed = int.Parse(arguments.Get("seed") ?? "14", CultureInfo.InvariantCulture);
int workers = int.Parse(arguments.Get("workers") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
string findings = arguments.Get("findings") ?? Path.Combine(Path.GetTempPath(), "grip-fuzz-findings");
string? saveCorpus = arguments.Has("save-corpus") ? corpusRoot : null;

var run = new FuzzRun(targets, corpusRoot, findings, saveCorpus, inputs, seconds > 0 ? TimeSpan.FromSeconds(seconds) : null);
var clock = Stopwatch.StartNew();
var threads = Enumerable.Range(0, workers).Select(i => new Thread(() => run.Work(seed * 1000 + i)) { IsBackground = true, Name = "fuzz-" + i }).ToList();
threads.ForEach(t => t.Start());
while (threads.Any(t => t.IsAlive))
{
    threads.First(t => t.IsAlive).Join(TimeSpan.FromSeconds(30));
    if (threads.Any(t => t.IsAlive))
    {
        Console.WriteLine($"fuzz: {run.Executed:N0} inputs so far ({clock.Elapsed.TotalSeconds:0} s)");
    }
}

clock.Stop();
Console.WriteLine(run.Report(clock.Elapsed, seed, workers));
return run.Failures == 0 ? 0 : 1;

static int Replay(IFuzzTarget[] targets, string corpusRoot)
{
    int files = 0;
    int failures = 0;
    foreach (var target in targets)
    {
        string dir = Path.Combine(corpusRoot, target.Name);
        if (!Directory.Exists(dir))
        {
            continue;
        }

        foreach (string file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            files++;
            try
            {
                target.Check(File.ReadAllBytes(file));
            }
            catch (FuzzFailureException ex)
            {
                failures++;
                Console.Error.WriteLine($"replay: {target.Name}: {Path.GetRelativePath(corpusRoot, file)}: {ex.Message}");
            }
        }
    }

    Console.WriteLine($"replay: {files} corpus inputs, {failures} failures");
    return failures == 0 ? 0 : 1;
}
