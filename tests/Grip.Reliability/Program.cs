// The attack, fault and soak runs of docs/reliability.md. Run with tests/reliability/run.sh:
//
//   tests/reliability/run.sh                 every scenario below (about 6-8 minutes)
//   tests/reliability/run.sh jwt batches     some of them
//   tests/reliability/run.sh soak --connections 300 --seconds 120
//   tests/reliability/run.sh soak soak-raw --burst --seconds 20   every client's first message at once,
//                                            against samples/Echo and a hand-written origin (soak-raw)
//
// Loopback only (127.0.0.1), free ports picked at run time, every wait bounded; each scenario starts
// the Pushpin 1.36 and sample processes it needs and stops them. Exit code 0 when every row shows
// what must happen.
using System.Globalization;
using Grip.Reliability;

string[] all = ["jwt", "meta", "bodies", "batches", "faults", "origin-kill", "pushpin-restart", "soak"];
string[] extra = ["soak-raw"];
var names = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
if (names.Count == 0)
{
    names.AddRange(all);
}

int connections = Option("connections", 300);
int seconds = Option("seconds", 120);
var records = new List<Record>();
foreach (string name in names)
{
    Console.WriteLine($"== {name} ({DateTime.UtcNow:HH:mm:ss} UTC)");
    using var watchdog = new CancellationTokenSource(TimeSpan.FromMinutes(name == "soak" ? 5 + seconds / 60 : 5));
    var run = name switch
    {
        "jwt" => Scenarios.JwtAsync(),
        "meta" => Scenarios.MetaAsync(),
        "bodies" => Scenarios.BodiesAsync(),
        "batches" => Scenarios.BatchesAsync(),
        "faults" => Scenarios.FaultsAsync(),
        "origin-kill" => Scenarios.OriginKillAsync(),
        "pushpin-restart" => Scenarios.PushpinRestartAsync(),
        "soak" => Scenarios.SoakAsync(connections, TimeSpan.FromSeconds(seconds), burst: args.Contains("--burst")),
        "soak-raw" => Scenarios.SoakAsync(connections, TimeSpan.FromSeconds(seconds), rawOrigin: true, burst: args.Contains("--burst")),
        _ => throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", all.Concat(extra))}"),
    };
    Task finished = await Task.WhenAny(run, Task.Delay(Timeout.Infinite, watchdog.Token).ContinueWith(_ => { }, TaskScheduler.Default));
    if (finished != run)
    {
        Console.WriteLine($"  FAIL {name} did not finish in time");
        var timedOut = new Record(name);
        timedOut.Add("scenario", 0, "did not finish in time", false);
        records.Add(timedOut);
        continue;
    }

    try
    {
        records.Add(await run);
    }
    catch (Exception ex)
    {
        Console.WriteLine($"  FAIL {name} threw {ex}");
        var broken = new Record(name);
        broken.Add("scenario", 0, "threw " + ex.GetType().Name + ": " + ex.Message, false);
        records.Add(broken);
    }
}

Console.WriteLine();
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine("| scenario | what | count | result | ok |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var record in records)
{
    foreach (var row in record.Rows)
    {
        Console.WriteLine($"| {record.Scenario} | {row.What} | {row.Count.ToString("N0", CultureInfo.InvariantCulture)} | {row.Result.Replace("|", "\\|", StringComparison.Ordinal)} | {(row.Ok ? "yes" : "NO")} |");
    }
}

int failed = records.Sum(r => r.Rows.Count(x => !x.Ok));
Console.WriteLine($"reliability: {records.Sum(r => r.Rows.Count)} rows, {failed} not as required");
return failed == 0 ? 0 : 1;

int Option(string name, int fallback)
{
    int i = Array.IndexOf(args, "--" + name);
    // (--burst takes no value.)
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
