using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grip.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Grip.Hosting.Tests;

public class ObservabilityTests
{
    private static MetricCollector<T> Collect<T>(ProbeHost host, string name)
        where T : struct => new(host.App.Services.GetRequiredService<IMeterFactory>(), "Grip", name);

    [Fact]
    public async Task Events_batches_opens_closes_disconnects_and_durations_are_measured()
    {
        await using var host = await ProbeHost.StartAsync();
        using var events = Collect<long>(host, "grip.events");
        using var batch = Collect<int>(host, "grip.batch.size");
        using var duration = Collect<double>(host, "grip.handler.duration");
        using var opens = Collect<long>(host, "grip.connections.opened");
        using var closes = Collect<long>(host, "grip.connections.closed");
        using var disconnects = Collect<long>(host, "grip.connections.disconnected");

        (await host.SendAsync(Events.Open)).Dispose();
        (await host.SendAsync([.. Events.Text("a"), .. Events.Text("b"), .. "PING\r\n"u8])).Dispose();
        (await host.SendAsync("CLOSE\r\n"u8.ToArray())).Dispose();
        (await host.SendAsync("DISCONNECT\r\n"u8.ToArray())).Dispose();

        var byType = events.GetMeasurementSnapshot().GroupBy(m => (string)m.Tags["grip.event.type"]!).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.Equal(1, byType["open"]);
        Assert.Equal(2, byType["text"]);
        Assert.Equal(1, byType["ping"]);
        Assert.Equal(1, byType["close"]);
        Assert.Equal(1, byType["disconnect"]);
        Assert.Equal([1, 3, 1, 1], batch.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal(4, duration.GetMeasurementSnapshot().Count);
        Assert.All(duration.GetMeasurementSnapshot(), m => Assert.Equal("ProbeHandler", m.Tags["grip.handler"]));
        Assert.Equal(1, opens.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, closes.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, disconnects.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task Rejects_are_counted_by_reason()
    {
        await using var host = await ProbeHost.StartAsync();
        using var rejects = Collect<long>(host, "grip.requests.rejected");
        (await host.SendAsync(Events.Open, sig: "garbage")).Dispose();
        (await host.SendAsync("TEXT 5"u8.ToArray())).Dispose();
        (await host.SendAsync(Events.Open, connectionId: null)).Dispose();
        host.Probe.OnOpen = c => c.Reject(403);
        (await host.SendAsync(Events.Open)).Dispose();
        host.Probe.OnOpen = _ => throw new InvalidOperationException("x");
        (await host.SendAsync(Events.Open)).Dispose();

        var reasons = rejects.GetMeasurementSnapshot().Select(m => (string)m.Tags["grip.reject.reason"]!).ToArray();
        Assert.Equal(["signature", "malformed", "no-connection-id", "handler", "handler-error"], reasons);
    }

    [Fact]
    public async Task Handler_faults_are_logged_with_the_connection_id()
    {
        var logs = new FakeLogCollector();
        await using var host = await ProbeHost.StartAsync(services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))));
        (await host.SendAsync(Events.Text("throw"), connectionId: "conn-42")).Dispose();
        var record = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Contains("conn-42", record.Message, StringComparison.Ordinal);
        Assert.Contains("ProbeHandler", record.Message, StringComparison.Ordinal);
        Assert.Equal("secret exception text", record.Exception!.Message);
        Assert.Equal(4, record.Id.Id);
    }

    [Fact]
    public async Task Signature_failures_are_logged_without_the_token()
    {
        var logs = new FakeLogCollector();
        await using var host = await ProbeHost.StartAsync(services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))));
        string forged = Jwt.Hs256("wrong", Jwt.Claims("pushpin", Jwt.Now(host.Time) + 60));
        (await host.SendAsync(Events.Open, sig: forged)).Dispose();
        var record = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 1 && r.Category == "Grip.Hosting.GripEndpoint");
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Contains("signature does not verify", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(forged.Split('.')[2], record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_and_dispatch_spans_are_emitted()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Grip",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (stopped)
                {
                    stopped.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await ProbeHost.StartAsync();
        (await host.SendAsync(Events.Text("hi"), connectionId: "span-conn")).Dispose();
        (await host.SendAsync(Events.Text("throw"), connectionId: "span-conn-2")).Dispose();
        Activity request, dispatch, handler, failed;
        lock (stopped)
        {
            request = Assert.Single(stopped, a => a.OperationName == "grip.request" && Equals(a.GetTagItem("grip.connection_id"), "span-conn"));
            dispatch = Assert.Single(stopped, a => a.OperationName == "grip.dispatch" && a.ParentSpanId == request.SpanId);
            handler = Assert.Single(stopped, a => a.OperationName == "grip.handler.message" && Equals(a.GetTagItem("grip.connection_id"), "span-conn"));
            failed = Assert.Single(stopped, a => a.OperationName == "grip.handler.message" && Equals(a.GetTagItem("grip.connection_id"), "span-conn-2"));
        }

        Assert.Equal(dispatch.SpanId, handler.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Unset, handler.Status);
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal("System.InvalidOperationException", failed.GetTagItem("error.type"));

        Assert.Equal("ProbeHandler", request.GetTagItem("grip.handler"));
        Assert.Equal(1, request.GetTagItem("grip.events"));
        Assert.Equal(true, request.GetTagItem("grip.signed"));
        Assert.Equal(request.TraceId, dispatch.TraceId);
    }
}
