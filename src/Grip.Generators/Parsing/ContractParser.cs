using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Generators.Parsing;

/// <summary>
/// The <see cref="ContractModel"/> of a handler class (docs/asyncapi.md): its routes from the same
/// <see cref="HandlerParser"/> the dispatch code uses, the <c>SendJson</c> calls and constant
/// <c>GetQueryValue</c> names in its source, its <c>[GripPublishes]</c> and <c>[GripCloseCode]</c>, and the XML docs of the JSON
/// types its messages reach.
/// </summary>
internal static class ContractParser
{
    /// <summary>The contract, or null when the class gets no valid dispatch code or is not reachable from assembly level.</summary>
    public static ContractModel? Parse(INamedTypeSymbol type, Compilation compilation, KnownTypes known, CancellationToken cancellationToken)
    {
        var model = HandlerParser.Parse(type, known, new List<Diagnostic>(), cancellationToken);
        if (model is null || !model.IsValid || !IsAccessible(type))
        {
            return null;
        }

        var jsonSymbols = new List<ITypeSymbol>();
        var routes = new List<RouteContractModel>();
        bool typed = false;
        foreach (var method in model.Messages)
        {
            var symbol = type.GetMembers(method.Name).OfType<IMethodSymbol>().FirstOrDefault(m => m.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, known.OnMessage)));
            var message = MessagePayload(method, model);
            if (method.MessageKind == MessageKind.Json && symbol is not null)
            {
                var parameter = method.Parameters.FirstOrDefault(p => p.Kind == ParameterKind.Message);
                if (parameter is not null && symbol.Parameters.FirstOrDefault(p => p.Name == parameter.Name) is { } p)
                {
                    jsonSymbols.Add(p.Type);
                }
            }

            PayloadModel? reply = method.ReplyKind switch
            {
                ReplyKind.None => null,
                ReplyKind.Text => new PayloadModel("Text", null),
                ReplyKind.ByteArray or ReplyKind.Memory => new PayloadModel("Binary", null),
                _ => new PayloadModel("Json", model.JsonTypes[method.ReplyJsonTypeIndex]),
            };
            if (method.ReplyKind == ReplyKind.Json && symbol is not null)
            {
                jsonSymbols.Add(Unwrap(symbol.ReturnType, known));
            }

            typed |= method.MessageType is not null;
            routes.Add(new RouteContractModel(method.Name, symbol is null ? null : XmlDocText.Summary(symbol), method.MessageType, message, reply));
        }

        var sends = new List<PayloadModel>();
        var queryNames = new List<string>();
        string? sendContext = ScanSource(type, compilation, known, sends, queryNames, jsonSymbols, cancellationToken);

        var publishes = new List<PublishContractModel>();
        foreach (var publish in PublishesParser.Parse(type, known, new List<Diagnostic>(), jsonSymbols))
        {
            publishes.Add(new PublishContractModel(publish.Channel, new PayloadModel(publish.Kind.ToString(), publish.JsonType)));
        }

        var docs = new List<TypeDocsModel>();
        var seen = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var symbol in jsonSymbols)
        {
            CollectDocs(symbol, known, docs, seen);
        }

        string fullName = type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None));
        return new ContractModel(
            model.HintName.Replace(".g.cs", ".Contract.g.cs"),
            "GripContract_" + new string(model.HintName.Replace(".g.cs", string.Empty).Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray()),
            model.FullyQualifiedName,
            fullName,
            XmlDocText.Summary(type),
            model.JsonContextType ?? sendContext,
            typed ? model.DiscriminatorProperty : null,
            routes.ToEquatableArray(),
            sends.ToEquatableArray(),
            publishes.ToEquatableArray(),
            queryNames.ToEquatableArray(),
            docs.ToEquatableArray(),
            CloseCodeParser.Parse(type, known, new List<Diagnostic>()).ToEquatableArray());
    }

    private static PayloadModel MessagePayload(MethodModel method, HandlerModel model) => method.MessageKind switch
    {
        MessageKind.Json => new PayloadModel("Json", model.JsonTypes[method.Parameters.First(p => p.Kind == ParameterKind.Message).JsonTypeIndex]),
        MessageKind.String => new PayloadModel("Text", null),
        MessageKind.Memory or MessageKind.ByteArray => new PayloadModel(method.MessageType is null ? "Binary" : "Text", null),
        _ => new PayloadModel(method.MessageType is null ? "TextOrBinary" : "Text", null),
    };

    private static ITypeSymbol Unwrap(ITypeSymbol type, KnownTypes known) =>
        type is INamedTypeSymbol { IsGenericType: true } named && (KnownTypes.Is(named, known.TaskOfT) || KnownTypes.Is(named, known.ValueTaskOfT))
            ? named.TypeArguments[0]
            : type;

    // SendJson(value, Context.Default.T) calls and GetQueryValue("name") calls in the class's own
    // source, in source order (partial parts in declaration order). Returns the JSON context the first
    // SendJson names (Ctx.Default.T), for a class that sends JSON without a [GripJsonContext].
    private static string? ScanSource(INamedTypeSymbol type, Compilation compilation, KnownTypes known, List<PayloadModel> sends, List<string> queryNames, List<ITypeSymbol> jsonSymbols, CancellationToken cancellationToken)
    {
        string? sendContext = null;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            SemanticModel? semantic = null;
            foreach (var invocation in syntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                string? name = invocation.Expression switch
                {
                    MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                    IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                    GenericNameSyntax generic => generic.Identifier.ValueText,
                    _ => null,
                };
                if (name is not ("SendJson" or "GetQueryValue"))
                {
                    continue;
                }

                semantic ??= compilation.GetSemanticModel(syntax.SyntaxTree);
                // The JSON context's members come from the System.Text.Json generator, whose output this
                // generator does not see: SendJson(value, Ctx.Default.T) then binds only as a candidate,
                // so the sent type is the first argument's.
                var info = semantic.GetSymbolInfo(invocation, cancellationToken);
                if ((info.Symbol ?? info.CandidateSymbols.FirstOrDefault()) is not IMethodSymbol method)
                {
                    continue;
                }

                if (name == "SendJson" && SymbolEqualityComparer.Default.Equals(method.ContainingType, known.Connection) && method.IsGenericMethod
                    && invocation.ArgumentList.Arguments.Count >= 1
                    && (info.Symbol is IMethodSymbol bound && bound.TypeArguments[0] is not ITypeParameterSymbol
                        ? bound.TypeArguments[0]
                        : semantic.GetTypeInfo(invocation.ArgumentList.Arguments[0].Expression, cancellationToken).Type) is { TypeKind: not TypeKind.Error } sent)
                {
                    string typeName = known.FullyQualifiedName(sent);
                    if (sendContext is null && invocation.ArgumentList.Arguments.Count >= 2)
                    {
                        sendContext = ContextOf(invocation.ArgumentList.Arguments[1].Expression, semantic, known, cancellationToken);
                    }

                    if (!sends.Any(s => s.JsonType == typeName))
                    {
                        sends.Add(new PayloadModel("Json", typeName));
                        jsonSymbols.Add(sent);
                    }
                }
                else if (name == "GetQueryValue" && invocation.ArgumentList.Arguments.Count >= 1
                    && semantic.GetConstantValue(invocation.ArgumentList.Arguments[invocation.ArgumentList.Arguments.Count - 1].Expression, cancellationToken) is { HasValue: true, Value: string query }
                    && !queryNames.Contains(query))
                {
                    queryNames.Add(query);
                }
            }
        }

        return sendContext;
    }

    // The JsonSerializerContext class at the root of Ctx.Default.T (or Ctx.Default.GetTypeInfo...).
    private static string? ContextOf(ExpressionSyntax expression, SemanticModel semantic, KnownTypes known, CancellationToken cancellationToken)
    {
        for (var e = expression; e is not null;)
        {
            if (semantic.GetSymbolInfo(e, cancellationToken).Symbol is INamedTypeSymbol candidate && known.JsonSerializerContext is { } baseType)
            {
                for (var t = candidate.BaseType; t is not null; t = t.BaseType)
                {
                    if (SymbolEqualityComparer.Default.Equals(t, baseType))
                    {
                        return known.FullyQualifiedName(candidate);
                    }
                }

                return null;
            }

            e = e switch
            {
                MemberAccessExpressionSyntax member => member.Expression,
                InvocationExpressionSyntax invocation => invocation.Expression,
                _ => null,
            };
        }

        return null;
    }

    // The docs of every named type reached from the messages through properties, element and type
    // arguments; framework types (System.*) have none worth reading.
    private static void CollectDocs(ITypeSymbol type, KnownTypes known, List<TypeDocsModel> docs, HashSet<ITypeSymbol> seen)
    {
        if (type is IArrayTypeSymbol array)
        {
            CollectDocs(array.ElementType, known, docs, seen);
            return;
        }

        if (type is not INamedTypeSymbol named || !seen.Add(named.WithNullableAnnotation(NullableAnnotation.NotAnnotated)))
        {
            return;
        }

        foreach (var argument in named.TypeArguments)
        {
            CollectDocs(argument, known, docs, seen);
        }

        if (named.DeclaringSyntaxReferences.Length == 0 || named.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Enum) || !IsAccessible(named))
        {
            return;
        }

        var members = new List<MemberDocsModel>();
        foreach (var member in named.GetMembers())
        {
            if (member.IsStatic || member.IsImplicitlyDeclared && member is not IPropertySymbol)
            {
                continue;
            }

            ITypeSymbol? memberType = member switch
            {
                IPropertySymbol { IsIndexer: false } property => property.Type,
                IFieldSymbol field when named.TypeKind == TypeKind.Enum || !field.IsImplicitlyDeclared => field.Type,
                _ => null,
            };
            if (memberType is null || member.DeclaredAccessibility != Accessibility.Public && !HasJsonAttribute(member))
            {
                continue;
            }

            string? description = XmlDocText.Summary(member) ?? (named.IsRecord ? XmlDocText.Param(named, member.Name) : null);
            string? jsonName = JsonName(member);
            if (description is not null || jsonName is not null)
            {
                members.Add(new MemberDocsModel(member.Name, jsonName, description));
            }

            if (named.TypeKind != TypeKind.Enum)
            {
                CollectDocs(memberType, known, docs, seen);
            }
        }

        string? summary = XmlDocText.Summary(named);
        if (summary is not null || members.Count > 0)
        {
            docs.Add(new TypeDocsModel(known.FullyQualifiedName(named), summary, members.ToEquatableArray()));
        }
    }

    private static bool HasJsonAttribute(ISymbol member) =>
        member.GetAttributes().Any(a => a.AttributeClass?.Name is "JsonIncludeAttribute" or "JsonPropertyNameAttribute");

    private static string? JsonName(ISymbol member)
    {
        foreach (var attribute in member.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "JsonPropertyNameAttribute" or "JsonStringEnumMemberNameAttribute" } && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name)
            {
                return name;
            }
        }

        return null;
    }

    // typeof(T) in a generated class of the assembly must compile: no private or protected type on the way.
    private static bool IsAccessible(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal) || t.IsFileLocal)
            {
                return false;
            }
        }

        return true;
    }
}
