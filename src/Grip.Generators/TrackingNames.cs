namespace Grip.Generators;

/// <summary>
/// The names of the generator's pipeline steps. Tests read every constant here (by reflection) and
/// require each named step to come back Cached/Unchanged when an unrelated file changes.
/// </summary>
internal static class TrackingNames
{
    public const string OpenHandlers = nameof(OpenHandlers);
    public const string MessageHandlers = nameof(MessageHandlers);
    public const string CloseHandlers = nameof(CloseHandlers);
    public const string DistinctHandlers = nameof(DistinctHandlers);
    public const string Handlers = nameof(Handlers);
}
