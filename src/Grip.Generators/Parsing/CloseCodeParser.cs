using System.Collections.Generic;
using System.Text;
using Grip.Generators.Diagnostics;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Parsing;

/// <summary>
/// A handler class's <c>[GripCloseCode(code, "name")]</c> declarations (GRIP0019 for each invalid
/// one): the app's own close codes, for the contract document and the typed client.
/// </summary>
internal static class CloseCodeParser
{
    public const string AttributeName = "Grip.GripCloseCodeAttribute";

    /// <summary>The valid declarations in source order (all partial parts); an invalid one adds GRIP0019 and is left out.</summary>
    public static List<CloseCodeModel> Parse(INamedTypeSymbol handler, KnownTypes known, List<Diagnostic> diagnostics)
    {
        var result = new List<CloseCodeModel>();
        if (known.CloseCode is null)
        {
            return result;
        }

        var codes = new HashSet<int>();
        var names = new HashSet<string>();
        foreach (var attribute in handler.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.CloseCode)
                || attribute.ConstructorArguments.Length != 2
                || attribute.ConstructorArguments[0].Value is not int code)
            {
                continue;
            }

            string? name = attribute.ConstructorArguments[1].Value as string;
            string? description = null;
            string? reason = null;
            bool reconnect = true;
            foreach (var named in attribute.NamedArguments)
            {
                switch (named.Key)
                {
                    case "Description":
                        description = named.Value.Value as string;
                        break;
                    case "Reason":
                        reason = named.Value.Value as string;
                        break;
                    case "Reconnect" when named.Value.Value is bool value:
                        reconnect = value;
                        break;
                }
            }

            string? error = Error(code, name, reason);
            if (error is null && !codes.Add(code))
            {
                error = "the code " + code + " is declared more than once on the class; give each code one declaration";
            }
            else if (error is null && !names.Add(name!))
            {
                error = "the name \"" + name + "\" is declared more than once on the class; give each code its own name";
            }

            if (error is not null)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidCloseCodeDeclaration, SymbolLocations.Attribute(attribute, handler), handler.Name, error));
                continue;
            }

            result.Add(new CloseCodeModel(code, name!, reason, description, reconnect));
        }

        return result;
    }

    /// <summary>Why the declaration's own values are invalid, or null when they are valid.</summary>
    private static string? Error(int code, string? name, string? reason)
    {
        if (code is < 4000 or > 4999)
        {
            return "the code " + code + " is outside 4000-4999, the range RFC 6455 leaves to applications (codes below 4000 are the protocol's and registered ones)";
        }

        if (name is null || !IsCamelCaseIdentifier(name))
        {
            return "the name " + (name is null ? "null" : "\"" + name + "\"") + " is not a camelCase identifier: a lowercase ASCII letter, then ASCII letters and digits (\"banned\", \"tokenExpired\")";
        }

        if (reason is not null && Encoding.UTF8.GetByteCount(reason) > 123)
        {
            return "the reason is " + Encoding.UTF8.GetByteCount(reason) + " UTF-8 bytes long; a close frame carries at most 123";
        }

        return null;
    }

    private static bool IsCamelCaseIdentifier(string name)
    {
        if (name.Length == 0 || name[0] is not (>= 'a' and <= 'z'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (c is not (>= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'))
            {
                return false;
            }
        }

        return true;
    }
}
