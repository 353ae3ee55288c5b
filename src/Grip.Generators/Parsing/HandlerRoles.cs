using Microsoft.CodeAnalysis;

namespace Grip.Generators.Parsing;

/// <summary>The lifecycle role a handler attribute gives a method.</summary>
internal enum HandlerRole
{
    /// <summary><c>[OnOpen]</c>.</summary>
    Open,

    /// <summary><c>[OnMessage]</c> or <c>[OnMessage("type")]</c>.</summary>
    Message,

    /// <summary><c>[OnClose]</c>.</summary>
    Close,
}

/// <summary>
/// Which attributes make a method a handler method, by symbol: the one question the generator's
/// transform and the analyzer both ask before parsing a class.
/// </summary>
internal static class HandlerRoles
{
    /// <summary>Whether any method of <paramref name="type"/> carries one of the handler attributes.</summary>
    public static bool IsHandlerType(INamedTypeSymbol type, KnownTypes known)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is IMethodSymbol method && IsHandlerMethod(method, known))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The role <paramref name="attribute"/> gives its method, or null for any other attribute.</summary>
    public static HandlerRole? RoleOf(AttributeData attribute, KnownTypes known)
    {
        var attributeClass = attribute.AttributeClass;
        if (KnownTypes.Is(attributeClass, known.OnOpen))
        {
            return HandlerRole.Open;
        }

        if (KnownTypes.Is(attributeClass, known.OnMessage))
        {
            return HandlerRole.Message;
        }

        return KnownTypes.Is(attributeClass, known.OnClose) ? HandlerRole.Close : null;
    }

    private static bool IsHandlerMethod(IMethodSymbol method, KnownTypes known)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (RoleOf(attribute, known) is not null)
            {
                return true;
            }
        }

        return false;
    }
}
