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

    public NameAllocator(IEnumerable<string> taken)
    {
        foreach (string name in taken)
        {
            _used.Add(name);
        }

        // `var _ = ...` would be a discard, not a local.
        _used.Add("_");
    }

    /// <summary>A local: <c>connection</c>, else <c>connectionService</c>, <c>connectionService2</c>, ...; escaped.</summary>
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

    /// <summary>A member: <c>InvokeSend</c>, else <c>InvokeSend_2</c>, <c>InvokeSend_3</c>, ... (overloads).</summary>
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
    /// A keyword gets an <c>@</c> (<c>@event</c>), and so does <c>await</c>, a keyword in the async
    /// invokers; other contextual keywords (<c>value</c>, <c>var</c>) are valid local names as they are.
    /// </summary>
    public static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None || identifier == "await"
            ? "@" + identifier
            : identifier;
}
