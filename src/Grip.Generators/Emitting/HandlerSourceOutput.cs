using System;
using System.Text;
using Grip.Generators.Diagnostics;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Grip.Generators.Emitting;

/// <summary>
/// The source output: one file per handler model, or, for the never-expected internal failure, a
/// located GRIP0099 diagnostic instead of an exception that would fail the whole build.
/// </summary>
internal static class HandlerSourceOutput
{
    public static void Write(SourceProductionContext context, HandlerResult? result)
    {
        if (result is null)
        {
            return;
        }

        if (result.Failure is { } failure)
        {
            var location = failure.FilePath.Length == 0 ? Location.None : Location.Create(failure.FilePath, failure.Span, failure.LineSpan);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, location, failure.TypeName, failure.Message));
            return;
        }

        var model = result.Model!;
        string source;
        try
        {
            source = HandlerEmitter.Emit(model, context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, model.TypeName, ex.GetType().Name + ": " + ex.Message));
            return;
        }

        context.AddSource(model.HintName, SourceText.From(source, Encoding.UTF8));
    }
}
