namespace Grip;

/// <summary>Filters a subscription can carry (Pushpin 1.36, grip-spec §2.3).</summary>
public static class GripFilters
{
    /// <summary>Skip messages whose publish meta <c>sender</c> equals this connection's subscription meta <c>user</c>.</summary>
    public const string SkipSelf = "skip-self";

    /// <summary>Skip messages whose publish meta <c>skip_users</c> (comma list) contains this connection's <c>user</c>.</summary>
    public const string SkipUsers = "skip-users";

    /// <summary>Deliver only if the connection is also subscribed to the channel named by publish meta <c>require_sub</c>.</summary>
    public const string RequireSub = "require-sub";

    /// <summary>Build message ids from subscription meta <c>id_format</c>/<c>id_encoding</c>.</summary>
    public const string BuildId = "build-id";

    /// <summary>Substitute subscription meta values into the content.</summary>
    public const string VarSubst = "var-subst";

    /// <summary>
    /// Whether the filter changes message content (<see cref="VarSubst"/>, <see cref="BuildId"/>):
    /// the filters a publish format's <c>content-filters</c> is compared with.
    /// </summary>
    public static bool IsContentFilter(string filter) => filter is VarSubst or BuildId;

    /// <summary>Whether Pushpin 1.36 knows this filter.</summary>
    public static bool IsKnown(string filter) =>
        filter is SkipSelf or SkipUsers or RequireSub or BuildId or VarSubst;
}
