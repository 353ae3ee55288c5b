using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Grip.Hosting.Diagnostics;

/// <summary>
/// The names GripHandlers reports under: a <see cref="Meter"/> and an <see cref="ActivitySource"/>
/// both called <c>Grip</c> (docs/observability.md lists every instrument and tag).
/// </summary>
public static class GripTelemetry
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = GripActivities.SourceName;

    /// <summary>The activity source for request, dispatch and publish spans: the one <c>Grip</c> source, shared with the handler spans.</summary>
    internal static ActivitySource ActivitySource => GripActivities.Source;
}
