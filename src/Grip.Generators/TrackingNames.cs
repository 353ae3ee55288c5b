namespace Grip.Generators;

/// <summary>
/// The names of the generator's pipeline steps. Tests read every constant here (by reflection) and
/// require each named step to come back Cached/Unchanged when an unrelated file changes.
/// </summary>
internal static class TrackingNames
{
    /// <summary>Class declarations with an attributed method, found by syntax (the nodes themselves).</summary>
    public const string CandidateClasses = nameof(CandidateClasses);

    /// <summary>Every file's declaration signature, the aliases, references and options (<c>Caching.SemanticInputs</c>).</summary>
    public const string SemanticInputs = nameof(SemanticInputs);

    /// <summary>One <c>HandlerResult</c> per candidate class: a model, null, or an internal failure.</summary>
    public const string HandlerModels = nameof(HandlerModels);

    /// <summary>One contract per handler class (docs/asyncapi.md).</summary>
    public const string HandlerContracts = nameof(HandlerContracts);
}
