namespace Grip;

/// <summary>
/// Connection meta stored by the proxy: read from the <c>Meta-*</c> request headers, changes sent
/// back as <c>Set-Meta-*</c> response headers. Names compare case-insensitively. Values must be
/// printable ASCII (they travel as raw header bytes); encode anything else yourself.
/// </summary>
public sealed class GripMeta
{
    private Dictionary<string, string>? _values;
    private readonly Grip.Infrastructure.IGripHostRequest? _source;
    private Dictionary<string, string?>? _changes;

    /// <summary>Creates meta from the values the proxy sent.</summary>
    public GripMeta(IEnumerable<KeyValuePair<string, string>>? initial = null)
    {
        _values = Fill(initial);
    }

    /// <summary>
    /// Meta read on first use: most requests never look at it, and finding the <c>Meta-*</c> headers
    /// means walking every request header (docs/performance.md). <paramref name="source"/> is read once
    /// (twice if two threads race; the first result is kept). The host calls <see cref="Load"/>
    /// before the request it reads from ends while a handler may still run.
    /// </summary>
    internal GripMeta(Grip.Infrastructure.IGripHostRequest source)
    {
        _source = source;
    }

    /// <summary>Reads the initial values now, if they were not read yet.</summary>
    internal void Load() => _ = Current;

    /// <summary>The value of a meta key, or <see langword="null"/>.</summary>
    public string? this[string name]
    {
        get => Current.TryGetValue(name, out string? value) ? value : null;
        set
        {
            if (value is null)
            {
                Remove(name);
            }
            else
            {
                Set(name, value);
            }
        }
    }

    /// <summary>The number of keys.</summary>
    public int Count => Current.Count;

    /// <summary>All current keys and values.</summary>
    public IReadOnlyDictionary<string, string> Values => Current;

    private Dictionary<string, string> Current
    {
        get
        {
            if (_values is { } values)
            {
                return values;
            }

            // Two threads may both read the headers; the first result wins and both see it.
            var filled = Fill(_source?.ReadMeta());
            return Interlocked.CompareExchange(ref _values, filled, null) ?? filled;
        }
    }

    /// <summary>Changes made during this request: a <see langword="null"/> value deletes the key.</summary>
    public IReadOnlyDictionary<string, string?> Changes =>
        _changes ?? (IReadOnlyDictionary<string, string?>)System.Collections.ObjectModel.ReadOnlyDictionary<string, string?>.Empty;

    /// <summary>Whether this request changed anything (the host asks on every request; <see cref="Changes"/> is an interface).</summary>
    internal bool HasChanges => _changes is { Count: > 0 };

    /// <summary>Reads a value.</summary>
    public bool TryGetValue(string name, out string? value)
    {
        bool found = Current.TryGetValue(name, out string? v);
        value = v;
        return found;
    }

    /// <summary>Sets a value; the proxy stores it and sends it back on every later request.</summary>
    /// <exception cref="ArgumentException">The name is not a header token or the value is not printable ASCII.</exception>
    public void Set(string name, string value)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            throw new ArgumentException("An empty meta value deletes the key at the proxy; call Remove instead.", nameof(value));
        }

        foreach (char c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                throw new ArgumentException($"Meta value for '{name}' must be printable ASCII (it travels as a raw header); encode it (for example Base64) first.", nameof(value));
            }
        }

        Current[name] = value;
        (_changes ??= new(StringComparer.OrdinalIgnoreCase))[name] = value;
    }

    /// <summary>Deletes a key at the proxy.</summary>
    public bool Remove(string name)
    {
        ValidateName(name);
        bool removed = Current.Remove(name);
        if (removed)
        {
            (_changes ??= new(StringComparer.OrdinalIgnoreCase))[name] = null;
        }

        return removed;
    }

    private static Dictionary<string, string> Fill(IEnumerable<KeyValuePair<string, string>>? initial)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (initial is not null)
        {
            foreach (var pair in initial)
            {
                values[pair.Key] = pair.Value;
            }
        }

        return values;
    }

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (char c in name)
        {
            bool token = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '^' or '`' or '|' or '~';
            if (!token)
            {
                throw new ArgumentException($"Meta name '{name}' must be an HTTP header token (letters, digits, '-', '_', ...).", nameof(name));
            }
        }
    }
}
