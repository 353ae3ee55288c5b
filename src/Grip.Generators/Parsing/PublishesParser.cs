using System.Collections.Generic;
using Grip.Generators.Diagnostics;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Parsing;

/// <summary>
/// A handler class's <c>[GripPublishes(typeof(T), Channel = "...")]</c> declarations (GRIP0018 for
/// each invalid one): what its connections receive through publishes, for the contract document.
/// </summary>
internal static class PublishesParser
{
    public const string AttributeName = "Grip.GripPublishesAttribute";

    /// <summary>The valid declarations in source order; an invalid one adds GRIP0018 and is left out.</summary>
    public static List<PublishModel> Parse(INamedTypeSymbol handler, KnownTypes known, List<Diagnostic> diagnostics) =>
        Parse(handler, known, diagnostics, null);

    /// <summary>As <see cref="Parse(INamedTypeSymbol, KnownTypes, List{Diagnostic})"/>, also collecting the JSON type symbols.</summary>
    public static List<PublishModel> Parse(INamedTypeSymbol handler, KnownTypes known, List<Diagnostic> diagnostics, List<ITypeSymbol>? jsonTypes)
    {
        var result = new List<PublishModel>();
        if (known.Publishes is null)
        {
            return result;
        }

        INamedTypeSymbol? context = null;
        bool contextRead = false;
        foreach (var attribute in handler.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.Publishes))
            {
                continue;
            }

            string? channel = null;
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "Channel")
                {
                    channel = named.Value.Value as string;
                }
            }

            var type = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as ITypeSymbol : null;
            if (type is null)
            {
                diagnostics.Add(Invalid(attribute, handler, "no type is given"));
                continue;
            }

            if (ChannelError(channel) is { } channelError)
            {
                diagnostics.Add(Invalid(attribute, handler, channelError));
                continue;
            }

            PublishKind kind;
            if (type.SpecialType == SpecialType.System_String)
            {
                kind = PublishKind.Text;
            }
            else if (KnownTypes.IsByteArray(type))
            {
                kind = PublishKind.Binary;
            }
            else
            {
                if (JsonContextResolver.UnsupportedReason(type, known) is { } reason)
                {
                    diagnostics.Add(Invalid(attribute, handler, reason));
                    continue;
                }

                if (!contextRead)
                {
                    context = ContextOf(handler, known);
                    contextRead = true;
                }

                if (context is null)
                {
                    diagnostics.Add(Invalid(attribute, handler,
                        "'" + type.ToDisplayString() + "' is published as JSON, but the handler class has no valid [GripJsonContext(typeof(MyJsonContext))] naming the JsonSerializerContext that holds its metadata"));
                    continue;
                }

                if (!known.ContextHasType(context, type))
                {
                    diagnostics.Add(Invalid(attribute, handler,
                        "'" + type.ToDisplayString() + "' is published as JSON, but '" + context.Name + "' has no [JsonSerializable(typeof(" + type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString() + "))]; add it to the context"));
                    continue;
                }

                kind = PublishKind.Json;
                jsonTypes?.Add(type);
            }

            result.Add(new PublishModel(channel!, kind, kind == PublishKind.Json ? known.FullyQualifiedName(type) : null));
        }

        return result;
    }

    /// <summary>Why <paramref name="channel"/> is not a valid channel pattern, or null when it is.</summary>
    public static string? ChannelError(string? channel)
    {
        if (channel is null)
        {
            return "Channel is not set; name the GRIP channel, for example Channel = \"ps:{channel}\"";
        }

        if (channel.Length == 0)
        {
            return "Channel is empty";
        }

        for (int i = 0; i < channel.Length; i++)
        {
            char c = channel[i];
            if (char.IsControl(c))
            {
                return "Channel \"" + channel + "\" contains a control character, which Pushpin rejects";
            }

            if (c == '}')
            {
                return "Channel \"" + channel + "\" has a '}' without a '{'";
            }

            if (c == '{')
            {
                int end = channel.IndexOf('}', i + 1);
                if (end < 0)
                {
                    return "Channel \"" + channel + "\" has a '{' without a '}'";
                }

                string name = channel.Substring(i + 1, end - i - 1);
                if (!IsParameterName(name))
                {
                    return "Channel \"" + channel + "\" has the variable part '{" + name + "}'; a variable part is a name of letters, digits and '_' that does not start with a digit";
                }

                i = end;
            }
        }

        return null;
    }

    private static bool IsParameterName(string name)
    {
        if (name.Length == 0 || char.IsDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static INamedTypeSymbol? ContextOf(INamedTypeSymbol handler, KnownTypes known)
    {
        foreach (var attribute in handler.GetAttributes())
        {
            if (KnownTypes.Is(attribute.AttributeClass, known.JsonContextAttribute)
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is INamedTypeSymbol context)
            {
                return context;
            }
        }

        return null;
    }

    private static Diagnostic Invalid(AttributeData attribute, INamedTypeSymbol handler, string what) =>
        Diagnostic.Create(DiagnosticDescriptors.InvalidPublishes, SymbolLocations.Attribute(attribute, handler), handler.Name, what);
}
