using System.Diagnostics.Metrics;

namespace Grip.Hosting.Diagnostics;

/// <summary>The instruments of the <c>Grip</c> meter, created through <see cref="IMeterFactory"/>.</summary>
internal sealed class GripMetrics
{
    public GripMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GripTelemetry.Name);
        Events = meter.CreateCounter<long>("grip.events", "{event}", "WebSocket-over-HTTP events received, by type.");
        BatchSize = meter.CreateHistogram<int>("grip.batch.size", "{event}", "Events per request.");
        BatchBytes = meter.CreateHistogram<long>("grip.batch.bytes", "By", "Request body size.");
        HandlerDuration = meter.CreateHistogram<double>("grip.handler.duration", "s", "Time spent dispatching one batch to the handler.");
        Opens = meter.CreateCounter<long>("grip.connections.opened", "{connection}", "Connections accepted.");
        Closes = meter.CreateCounter<long>("grip.connections.closed", "{connection}", "Close handshakes (by side: client or origin).");
        Disconnects = meter.CreateCounter<long>("grip.connections.disconnected", "{connection}", "Connections that vanished (DISCONNECT) or were dropped by the origin.");
        Rejects = meter.CreateCounter<long>("grip.requests.rejected", "{request}", "Requests or handshakes refused, by reason.");
        HandlerFaults = meter.CreateCounter<long>("grip.handler.faults", "{exception}", "Exceptions thrown by handler methods.");
        PublishDuration = meter.CreateHistogram<double>("grip.publish.duration", "s", "Time from a publish call to its outcome at one proxy (queue, retries and answer included).");
        PublishFailures = meter.CreateCounter<long>("grip.publish.failures", "{publish}", "Publishes that did not succeed at a proxy, by outcome (failed, unknown) and reason.");
        PublishUnknown = meter.CreateCounter<long>("grip.publish.unknown", "{publish}", "Publishes whose outcome at a proxy is unknown: sent, but no answer (they may have been published; not re-sent unless at-least-once).");
        PublishItems = meter.CreateCounter<long>("grip.publish.items", "{item}", "Items published (counted once per proxy that accepted them).");
        PublishRequests = meter.CreateCounter<long>("grip.publish.requests", "{request}", "Publish requests sent to a proxy, by result (delivered, not_sent, rejected, unknown).");
        PublishBatchSize = meter.CreateHistogram<int>("grip.publish.batch.size", "{publish}", "Publishes carried by one request (coalescing).");
        PublishQueued = meter.CreateUpDownCounter<long>("grip.publish.pending", "{publish}", "Publishes waiting for a proxy (queued or in an unanswered request).");
    }

    public Counter<long> Events { get; }

    public Histogram<int> BatchSize { get; }

    public Histogram<long> BatchBytes { get; }

    public Histogram<double> HandlerDuration { get; }

    public Counter<long> Opens { get; }

    public Counter<long> Closes { get; }

    public Counter<long> Disconnects { get; }

    public Counter<long> Rejects { get; }

    public Counter<long> HandlerFaults { get; }

    public Histogram<double> PublishDuration { get; }

    public Counter<long> PublishFailures { get; }

    public Counter<long> PublishUnknown { get; }

    public Counter<long> PublishItems { get; }

    public Counter<long> PublishRequests { get; }

    public Histogram<int> PublishBatchSize { get; }

    public UpDownCounter<long> PublishQueued { get; }
}
