using System.Diagnostics;

namespace Grip;

/// <summary>
/// The one <c>Grip</c> activity source, and the spans around each handler call on it (the hosting
/// layer starts its request, dispatch and publish spans on <see cref="Source"/> too). Costs one
/// check when nobody listens.
/// </summary>
internal static class GripActivities
{
    public const string SourceName = "Grip";

    /// <summary>The activity source every GripHandlers span starts on.</summary>
    internal static readonly ActivitySource Source = new(SourceName, typeof(GripActivities).Assembly.GetName().Version?.ToString());

    /// <summary>Whether anyone listens to the <c>Grip</c> source (then the dispatcher takes its span-opening path).</summary>
    public static bool IsEnabled => Source.HasListeners();

    public static Activity? StartHandler<THandler>(string kind, GripConnection connection)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("grip.handler." + kind, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("grip.handler", typeof(THandler).Name);
            activity.SetTag("grip.connection_id", connection.Id);
        }

        return activity;
    }

    public static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        activity.SetTag("error.type", exception.GetType().FullName);
    }
}
