namespace Grip.Generators;

/// <summary>
/// The names of the generator's pipeline steps. Tests read every constant here (by reflection) and
/// require each named step to come back Cached/Unchanged when an unrelated file changes.
/// </summary>
internal static class TrackingNames
{
    public const string CandidateClasses = nameof(CandidateClasses);
    public const string SemanticInputs = nameof(SemanticInputs);
    public const string HandlerModels = nameof(HandlerModels);
}
