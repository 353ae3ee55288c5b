using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace Grip.Generators.Emitting;

/// <summary>
/// Hands out identifiers that are unique within one scope of generated code, so names can come from
/// the user's code (a method's name for its invoker, a parameter's name for its local) and still
/// never collide. The same claims in the same order give the same names: output is deterministic.
/// </summary>
internal sealed class NameAllocator
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>A scope in which <paramref name="taken"/> are already declared (or must not be shadowed).</summary>
    public NameAllocator(IEnumerable<string> taken)
    {
        foreach (string name in taken)
        {
            _used.Add(name);
        }

        // `var _ = ...` would be a discard, not a local.
        _used.Add("_");
    }

    /// <summary>
    /// A local: <paramref name="preferred"/> when it is free, else followed by <paramref name="suffix"/>,
    /// then by <paramref name="suffix"/> and 2, 3, ... (<c>connection</c> taken gives
    /// <c>connectionService</c>, then <c>connectionService2</c>). Keywords come back escaped (<c>@event</c>).
    /// </summary>
    public string Claim(string preferred, string suffix)
    {
        string name = preferred;
        if (_used.Contains(name))
        {
            name = preferred + suffix;
            for (int n = 2; _used.Contains(name); n++)
            {
                name = preferred + suffix + n.ToString(CultureInfo.InvariantCulture);
            }
        }

        _used.Add(name);
        return Escape(name);
    }

    /// <summary>
    /// A member: <paramref name="preferred"/> when it is free, else followed by _2, _3, ...
    /// (a second <c>InvokeSend</c>, for an overload, is <c>InvokeSend_2</c>).
    /// </summary>
    public string ClaimNumbered(string preferred)
    {
        string name = preferred;
        for (int n = 2; _used.Contains(name); n++)
        {
            name = preferred + "_" + n.ToString(CultureInfo.InvariantCulture);
        }

        _used.Add(name);
        return Escape(name);
    }

    /// <summary>
    /// An identifier as C# source writes it: a keyword gets an <c>@</c> (<c>@event</c>), and so does
    /// <c>await</c>, which is a keyword inside the async invokers. Other contextual keywords
    /// (<c>value</c>, <c>var</c>) are plain identifiers wherever generated code declares a local.
    /// </summary>
    public static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None || identifier == "await"
            ? "@" + identifier
            : identifier;
}
