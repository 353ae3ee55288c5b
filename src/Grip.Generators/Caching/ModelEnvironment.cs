using Grip.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Caching;

/// <summary>
/// What every class's step needs besides its syntax. Never equal to another instance: it carries the
/// compilation, so the step re-runs per compilation and the <see cref="ModelCache"/> decides what that
/// costs.
/// </summary>
internal sealed class ModelEnvironment(SemanticInputs inputs, Compilation compilation)
{
    public EquatableArray<string> Aliases => Inputs.Aliases;

    public SemanticInputs Inputs { get; } = inputs;

    public Compilation Compilation { get; } = compilation;
}
