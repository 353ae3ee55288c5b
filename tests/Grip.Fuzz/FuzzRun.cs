using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Grip.Fuzz;

/// <summary>What one input found: a broken property, with a message for the report.</summary>
public sealed class FuzzFailureException(string message) : Exception(message);

/// <summary>One thing under fuzz: a corpus folder, a dictionary, fresh inputs, the property and the outcome's shape.</summary>
public interface IFuzzTarget
{
    /// <summary>The corpus folder name.</summary>
    string Name { get; }

    /// <summary>The share of inputs this target gets, relative to the others.</summary>
    int Weight { get; }

    /// <summary>Tokens mutations insert (grammar pieces).</summary>
    IReadOnlyList<byte[]> Dictionary { get; }

    /// <summary>A fresh, mostly well-formed input.</summary>
    byte[] Generate(Random random);

    /// <summary>Runs the property; throws <see cref="FuzzFailureException"/> when it breaks.</summary>
    /// <returns>The outcome's shape (digits and contents left out), for feedback.</returns>
    string Check(byte[] input);
}

/// <summary>The workers' shared state: budget, counts, findings, the novel shapes seen.</summary>
public sealed class FuzzRun
{
    private const int MaxPool = 4096;
    private const int MaxSavedPerTarget = 400;
    private const int MaxInputBytes = 64 * 1024;

    private readonly IFuzzTarget[] _targets;
    private readonly string _findings;
    private readonly string? _saveCorpus;
    private readonly long _inputBudget;
    private readonly TimeSpan? _timeBudget;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<byte[]>[] _seeds;
    private readonly long[] _executed;
    private readonly ConcurrentDictionary<string, byte>[] _shapes;
    private readonly int[] _saved;
    private readonly int _totalWeight;
    private long _issued;
    private int _failures;

    public FuzzRun(IFuzzTarget[] targets, string corpusRoot, string findings, string? saveCorpus, long inputBudget, TimeSpan? timeBudget)
    {
        _targets = targets;
        _findings = findings;
        _saveCorpus = saveCorpus;
        _inputBudget = inputBudget;
        _timeBudget = timeBudget;
        _seeds = targets.Select(t =>
        {
            string dir = Path.Combine(corpusRoot, t.Name);
            return Directory.Exists(dir)
                ? Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList()
                : [];
        }).ToArray();
        _executed = new long[targets.Length];
        _shapes = targets.Select(_ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal)).ToArray();
        _saved = new int[targets.Length];
        _totalWeight = targets.Sum(t => t.Weight);
    }

    public long Executed
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _executed.Length; i++)
            {
                total += Interlocked.Read(ref _executed[i]);
            }

            return total;
        }
    }

    public int Failures => Volatile.Read(ref _failures);

    /// <summary>One worker: its own random stream and pools, so runs are reproducible per seed and lock-free.</summary>
    public void Work(int seed)
    {
        var random = new Random(seed);
        var pools = _seeds.Select(s => new List<byte[]>(s.Count > 0 ? s : [[]])).ToArray();
        while (true)
        {
            // Claim inputs in blocks of 256 against the global budget.
            long first = Interlocked.Add(ref _issued, 256) - 256;
            if ((_inputBudget > 0 && first >= _inputBudget) || (_timeBudget is { } limit && _clock.Elapsed >= limit))
            {
                return;
            }

            long block = _inputBudget > 0 ? Math.Min(256, _inputBudget - first) : 256;
            for (long n = 0; n < block; n++)
            {
                int t = PickTarget(random);
                var target = _targets[t];
                var pool = pools[t];
                byte[] input = random.Next(10) == 0 ? target.Generate(random) : Mutator.Mutate(random, pool[random.Next(pool.Count)], pool, target.Dictionary, MaxInputBytes);
                string shape;
                try
                {
                    shape = target.Check(input);
                }
                catch (FuzzFailureException ex)
                {
                    Record(target, input, ex.Message);
                    continue;
                }
                finally
                {
                    Interlocked.Increment(ref _executed[t]);
                }

                if (_shapes[t].TryAdd(shape, 0))
                {
                    // A new outcome shape: keep the input to mutate further (behavioural feedback).
                    if (pool.Count < MaxPool)
                    {
                        pool.Add(input);
                    }
                    else
                    {
                        pool[random.Next(pool.Count)] = input;
                    }

                    Save(t, input);
                }
            }
        }
    }

    public string Report(TimeSpan elapsed, int seed, int workers)
    {
        var sb = new StringBuilder();
        long total = 0;
        for (int i = 0; i < _targets.Length; i++)
        {
            long count = Interlocked.Read(ref _executed[i]);
            total += count;
            sb.Append(CultureInfo.InvariantCulture, $"fuzz: {_targets[i].Name}: {count:N0} inputs, {_shapes[i].Count:N0} distinct outcome shapes, {_seeds[i].Count} corpus seeds\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"fuzz: executed {total:N0} inputs in {elapsed.TotalSeconds:0.0} s ({total / Math.Max(elapsed.TotalSeconds, 0.001):N0}/s, {workers} workers, seed {seed}), {Failures} failures");
        if (Failures > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"; failing inputs in {_findings}");
        }

        return sb.ToString();
    }

    private int PickTarget(Random random)
    {
        int roll = random.Next(_totalWeight);
        for (int i = 0; i < _targets.Length; i++)
        {
            roll -= _targets[i].Weight;
            if (roll < 0)
            {
                return i;
            }
        }

        return 0;
    }

    private void Record(IFuzzTarget target, byte[] input, string message)
    {
        if (Interlocked.Increment(ref _failures) > 50)
        {
            return; // enough to act on; the count keeps going up
        }

        Directory.CreateDirectory(_findings);
        string name = $"{target.Name}-{Convert.ToHexString(SHA256.HashData(input))[..16].ToLowerInvariant()}";
        File.WriteAllBytes(Path.Combine(_findings, name + ".bin"), input);
        File.WriteAllText(Path.Combine(_findings, name + ".txt"), message + "\n");
        Console.Error.WriteLine($"fuzz: FAILURE {target.Name}: {message} ({name}.bin)");
    }

    private void Save(int t, byte[] input)
    {
        if (_saveCorpus is null || input.Length > 1024 || Interlocked.Increment(ref _saved[t]) > MaxSavedPerTarget)
        {
            return;
        }

        string dir = Path.Combine(_saveCorpus, _targets[t].Name, "found");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, Convert.ToHexString(SHA256.HashData(input))[..16].ToLowerInvariant()), input);
    }
}

/// <summary>Byte-level mutations: flips, inserts, deletes, dictionary tokens, splices, repeats, truncation.</summary>
public static class Mutator
{
    public static byte[] Mutate(Random random, byte[] input, List<byte[]> pool, IReadOnlyList<byte[]> dictionary, int maxLength)
    {
        var bytes = new List<byte>(input);
        int rounds = 1 + random.Next(4);
        for (int r = 0; r < rounds; r++)
        {
            int at = random.Next(bytes.Count + 1);
            switch (random.Next(11))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveRange(Math.Min(at, bytes.Count - 1), Math.Min(1 + random.Next(8), bytes.Count - Math.Min(at, bytes.Count - 1)));
                    break;
                case 4:
                case 5:
                    bytes.InsertRange(at, dictionary[random.Next(dictionary.Count)]);
                    break;
                case 6 when bytes.Count > 0:
                    // Overwrite with a token.
                    byte[] token = dictionary[random.Next(dictionary.Count)];
                    int start = Math.Min(at, bytes.Count - 1);
                    bytes.RemoveRange(start, Math.Min(token.Length, bytes.Count - start));
                    bytes.InsertRange(start, token);
                    break;
                case 7:
                    // Splice with another pool entry.
                    byte[] other = pool[random.Next(pool.Count)];
                    if (other.Length > 0)
                    {
                        int from = random.Next(other.Length);
                        bytes.InsertRange(at, other.AsSpan(from, Math.Min(other.Length - from, 1 + random.Next(64))).ToArray());
                    }

                    break;
                case 8 when bytes.Count > 1:
                    // Repeat a slice (long batches, repeated parameters).
                    int s = random.Next(bytes.Count);
                    int len = Math.Min(1 + random.Next(32), bytes.Count - s);
                    byte[] slice = bytes.GetRange(s, len).ToArray();
                    for (int k = random.Next(1, 8); k > 0; k--)
                    {
                        bytes.InsertRange(at, slice);
                    }

                    break;
                case 9 when bytes.Count > 0:
                    bytes.RemoveRange(at == bytes.Count ? bytes.Count - 1 : at, bytes.Count - (at == bytes.Count ? bytes.Count - 1 : at));
                    break;
                default:
                    // An interesting number as ASCII (hex lengths around boundaries).
                    int[] numbers = [0, 1, 2, 0x7d, 0x7e, 0x7f, 0xff, 0x100, 0x7fff, 0x8000, 0xfffff, 0x7fffffff, -1];
                    int value = numbers[random.Next(numbers.Length)];
                    string text = random.Next(2) == 0 ? value.ToString("x", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
                    bytes.InsertRange(at, Encoding.ASCII.GetBytes(text));
                    break;
            }
        }

        if (bytes.Count > maxLength)
        {
            bytes.RemoveRange(maxLength, bytes.Count - maxLength);
        }

        return [.. bytes];
    }
}

/// <summary>--name value and --flag arguments after a command word.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public string Command { get; private set; } = string.Empty;

    public static Arguments Parse(string[] args)
    {
        var result = new Arguments { Command = args.Length > 0 ? args[0] : string.Empty };
        for (int i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }

            string name = args[i][2..];
            string? value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            result._values[name] = value;
        }

        return result;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public bool Has(string name) => _values.ContainsKey(name);
}
