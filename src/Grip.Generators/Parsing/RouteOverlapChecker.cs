using System.Collections.Generic;
using Grip.Generators.Diagnostics;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Grip.Generators.Parsing;

/// <summary>
/// Collects the parsed handler methods by role and rejects what dispatch could not decide between:
/// a second <c>[OnOpen]</c> or <c>[OnClose]</c> (GRIP0004), and two <c>[OnMessage]</c> methods that
/// take the same messages (GRIP0005: the same message type, or both untyped text or binary).
/// </summary>
internal sealed class RouteOverlapChecker(string typeName, List<Diagnostic> diagnostics)
{
    private readonly List<(MethodModel Model, IMethodSymbol Symbol)> _messages = new();
    private IMethodSymbol? _openSymbol;
    private IMethodSymbol? _closeSymbol;

    public MethodModel? Open { get; private set; }

    public MethodModel? Close { get; private set; }

    public EquatableArray<MethodModel> Messages
    {
        get
        {
            var models = new MethodModel[_messages.Count];
            for (int i = 0; i < models.Length; i++)
            {
                models[i] = _messages[i].Model;
            }

            return new EquatableArray<MethodModel>(models);
        }
    }

    public void Add(HandlerRole role, MethodModel model, IMethodSymbol method)
    {
        switch (role)
        {
            case HandlerRole.Open when _openSymbol is not null:
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.DuplicateLifecycleMethod, SymbolLocations.Of(method), typeName, "[OnOpen]", _openSymbol.Name, method.Name));
                break;
            case HandlerRole.Open:
                Open = model;
                _openSymbol = method;
                break;
            case HandlerRole.Close when _closeSymbol is not null:
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.DuplicateLifecycleMethod, SymbolLocations.Of(method), typeName, "[OnClose]", _closeSymbol.Name, method.Name));
                break;
            case HandlerRole.Close:
                Close = model;
                _closeSymbol = method;
                break;
            default:
                CheckOverlap(model, method);
                _messages.Add((model, method));
                break;
        }
    }

    // Reports only the first earlier method that takes the same messages.
    private void CheckOverlap(MethodModel model, IMethodSymbol method)
    {
        foreach (var (other, otherSymbol) in _messages)
        {
            string? what = null;
            if (model.MessageType is not null && model.MessageType == other.MessageType)
            {
                what = "messages of type " + SymbolDisplay.FormatLiteral(model.MessageType, quote: true);
            }
            else if (model.TakesText && other.TakesText)
            {
                what = "text messages";
            }
            else if (model.TakesBinary && other.TakesBinary)
            {
                what = "binary messages";
            }

            if (what is not null)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.AmbiguousMessageHandlers, SymbolLocations.Of(method), otherSymbol.Name, method.Name, what));
                return;
            }
        }
    }
}
