using Microsoft.CodeAnalysis.Text;

namespace Grip.Generators.Model;

/// <summary>What the transform produced for one class: a model, or (rarely) an internal failure.</summary>
internal sealed record HandlerResult(HandlerModel? Model, FailureInfo? Failure);

/// <summary>
/// Where the generator failed, as plain values. Only this never-expected path carries a position;
/// normal diagnostics come from the analyzer, where they can be suppressed.
/// </summary>
internal sealed record FailureInfo(string TypeName, string Message, string FilePath, TextSpan Span, LinePositionSpan LineSpan);
