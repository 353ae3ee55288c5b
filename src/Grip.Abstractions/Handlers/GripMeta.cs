namespace Grip;

/// <summary>
/// Connection meta stored by the proxy: read from the <c>Meta-*</c> request headers, changes sent
/// back as <c>Set-Meta-*</c> response headers. Names compare case-insensitively. Values must be
/// printable ASCII (they travel as raw header bytes); encode anything else yourself.
/// </summary>
public sealed class GripMeta
{
    private readonly Dictionary<string, string> _values;
    private Dictionary<string, string?>? _changes;

    /// <summary>Creates meta from the values the proxy sent.</summary>
    public GripMeta(IEnumerable<KeyValuePair<string, string>>? initial = null)
    {
        _values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (initial is not null)
        {
            foreach (var pair in initial)
            {
                _values[pair.Key] = pair.Value;
            }
        }
    }

    /// <summary>The value of a meta key, or <see langword="null"/>.</summary>
    public string? this[string name]
    {
        get => _values.TryGetValue(name, out string? value) ? value : null;
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
    public int Count => _values.Count;

    /// <summary>All current keys and values.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Changes made during this request: a <see langword="null"/> value deletes the key.</summary>
    public IReadOnlyDictionary<string, string?> Changes =>
        _changes ?? (IReadOnlyDictionary<string, string?>)System.Collections.ObjectModel.ReadOnlyDictionary<string, string?>.Empty;

    /// <summary>Reads a value.</summary>
    public bool TryGetValue(string name, out string? value)
    {
        bool found = _values.TryGetValue(name, out string? v);
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

        _values[name] = value;
        (_changes ??= new(StringComparer.OrdinalIgnoreCase))[name] = value;
    }

    /// <summary>Deletes a key at the proxy.</summary>
    public bool Remove(string name)
    {
        ValidateName(name);
        bool removed = _values.Remove(name);
        if (removed)
        {
            (_changes ??= new(StringComparer.OrdinalIgnoreCase))[name] = null;
        }

        return removed;
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
