using System.Collections.Immutable;
using System.Text;
using Grip.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Grip.Generators.Analyzers;

/// <summary>
/// Finds constant arguments to GripHandlers APIs that would throw at run time: close codes that
/// cannot be sent (GRIP0010) and channel names Pushpin rejects (GRIP0011).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConstantArgumentAnalyzer : DiagnosticAnalyzer
{
    private const int MaxReasonBytes = 123;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.InvalidCloseCode,
        DiagnosticDescriptors.InvalidChannel);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Only compilations that see Grip.Abstractions can call its APIs.
            var connection = start.Compilation.GetTypeByMetadataName("Grip.GripConnection");
            if (connection is null)
            {
                return;
            }

            var gripAssembly = connection.ContainingAssembly;
            start.RegisterOperationAction(
                c => Analyze(c, ((IInvocationOperation)c.Operation).TargetMethod, ((IInvocationOperation)c.Operation).Arguments, gripAssembly),
                OperationKind.Invocation);
            start.RegisterOperationAction(
                c =>
                {
                    var creation = (IObjectCreationOperation)c.Operation;
                    if (creation.Constructor is { } constructor)
                    {
                        Analyze(c, constructor, creation.Arguments, gripAssembly);
                    }
                },
                OperationKind.ObjectCreation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, IMethodSymbol method, ImmutableArray<IArgumentOperation> arguments, IAssemblySymbol gripAssembly)
    {
        if (!SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, gripAssembly))
        {
            return;
        }

        // The close APIs: GripConnection.Close, PublishCloseAsync, WebSocketMessageFormat.CloseConnection.
        bool isClose = method.Name is "Close" or "PublishCloseAsync" or "CloseConnection";
        foreach (var argument in arguments)
        {
            // A default value the user did not write is the API's own, and valid.
            if (argument.Parameter is not { } parameter || argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                continue;
            }

            var constant = argument.Value.ConstantValue;
            if (!constant.HasValue)
            {
                continue;
            }

            if (parameter.Name == "channel" && parameter.Type.SpecialType == SpecialType.System_String)
            {
                string? problem = constant.Value switch
                {
                    null => "it is null",
                    "" => "it is empty",
                    string s when HasControlCharacter(s) => "it contains a control character",
                    _ => null,
                };
                if (problem is not null)
                {
                    string shown = constant.Value is string text ? SymbolDisplay.FormatLiteral(text, quote: true) : "null";
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidChannel, argument.Value.Syntax.GetLocation(), shown, problem));
                }
            }
            else if (isClose && parameter.Name == "code" && constant.Value is int code && !IsValidToSend(code))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidCloseCode,
                    argument.Value.Syntax.GetLocation(),
                    "Close code " + code.ToString(System.Globalization.CultureInfo.InvariantCulture) + " cannot be sent: " + WhyInvalid(code)));
            }
            else if (isClose && parameter.Name == "reason" && constant.Value is string reason && Encoding.UTF8.GetByteCount(reason) > MaxReasonBytes)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidCloseCode,
                    argument.Value.Syntax.GetLocation(),
                    "The close reason is " + Encoding.UTF8.GetByteCount(reason).ToString(System.Globalization.CultureInfo.InvariantCulture) + " UTF-8 bytes; a close frame carries at most 123"));
            }
        }
    }

    // Mirrors Grip.CloseCodes.IsValidToSend (RFC 6455 section 7.4).
    private static bool IsValidToSend(int code) =>
        code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    private static string WhyInvalid(int code) => code switch
    {
        1005 or 1006 or 1015 => "it is reserved for reporting a missing code, an abnormal closure or a TLS failure and must never be sent; use 1000-1003, 1007-1014 or 3000-4999",
        >= 1004 and < 3000 => "it is reserved or unassigned in RFC 6455; use 1000-1003, 1007-1014 or 3000-4999",
        _ => "close codes must be 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 section 7.4)",
    };

    private static bool HasControlCharacter(string value)
    {
        foreach (char c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
