using System.Text;
using System.Text.Json;
using Grip.Hosting.Publishing;
using Grip.Hosting.Tests.Infrastructure;
using Grip.Publishing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Grip.Hosting.Tests;

/// <summary>
/// The delivery rule against fake proxies on loopback, each failure kind with exact counts of the
/// requests the proxy received: a publish that may have reached the proxy is never sent again
/// (unless at-least-once was asked for); what provably did not reach it is retried; the queue
/// per proxy is bounded and coalesces. docs/publishing.md states the rule.
/// </summary>
public sealed class DeliveryGuaranteeTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings, FakeLogCollector? logs = null)
    {
        settings.TryAdd("Grip:Publisher:RetryBaseDelay", "00:00:00.010");
        settings.TryAdd("Grip:Publisher:AttemptTimeout", "00:00:02");
        settings.TryAdd("Grip:Publisher:ResponseTimeout", "00:00:00.500");
        settings.TryAdd("Grip:Publisher:TotalTimeout", "00:00:10");
        settings.TryAdd("Grip:Publisher:MaxRetryAttempts", "2");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        if (logs is null)
        {
            services.AddLogging();
        }
        else
        {
            services.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Debug));
        }

        services.AddGrip(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }

    /// <summary>The proxy holds its first request until the returned source is set, then answers every request "Published".</summary>
    private static TaskCompletionSource HoldFirstRequest(FakeProxy proxy)
    {
        var release = new TaskCompletionSource();
        proxy.Respond = async (attempt, ctx) =>
        {
            if (attempt == 0)
            {
                await release.Task;
            }

            await ctx.Response.WriteAsync("Published\n");
        };
        return release;
    }

    private static IGripPublisher Publisher(ServiceProvider services) => services.GetRequiredService<IGripPublisher>();

    private static MetricCollector<long> Counter(ServiceProvider services, string name) =>
        new(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "Grip", name);

    private static string[] Texts(RecordedRequest request) =>
        [.. JsonDocument.Parse(request.Body).RootElement.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("formats").GetProperty("ws-message").GetProperty("content").GetString()!)];

    [Fact]
    public async Task Answer_after_the_response_timeout_is_unknown_and_sent_once()
    {
        await using var proxy = await FakeProxy.StartAsync();
        proxy.Respond = async (_, ctx) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None);
            await ctx.Response.WriteAsync("Published\n", CancellationToken.None);
        };
        var logs = new FakeLogCollector();
        await using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() }, logs);
        using var unknown = Counter(services, "grip.publish.unknown");
        using var requests = Counter(services, "grip.publish.requests");

        var ex = await Assert.ThrowsAsync<GripPublishException>(() => Publisher(services).PublishAsync("c", "x"));

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Single(proxy.Requests);
        var failure = Assert.Single(ex.Failures);
        Assert.Equal(GripPublishOutcome.Unknown, failure.Outcome);
        Assert.Equal(GripPublishFailureReason.ResponseTimeout, failure.Reason);
        Assert.Null(failure.StatusCode);
        Assert.True(ex.IsUncertain);
        Assert.Contains("UNKNOWN", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, unknown.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal("unknown", Assert.Single(requests.GetMeasurementSnapshot()).Tags["grip.result"]);

        // Logged once, as unknown.
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
        Assert.Equal(15, warning.Id.Id);
    }

    [Fact]
    public async Task Answer_after_the_response_timeout_is_resent_when_at_least_once_was_asked_for()
    {
        await using var proxy = await FakeProxy.StartAsync();
        proxy.Respond = async (_, ctx) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5), CancellationToken.None);
            await ctx.Response.WriteAsync("Published\n", CancellationToken.None);
        };
        await using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });

        var ex = await Assert.ThrowsAsync<GripPublishException>(() => Publisher(services).PublishAsync([new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText("x") }], GripDelivery.AtLeastOnce));

        // The first attempt and MaxRetryAttempts (2) re-sends: the proxy got it three times.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(3, proxy.Requests.Count);
        Assert.Single(proxy.Requests.Select(r => Encoding.UTF8.GetString(r.Body)).Distinct());
        Assert.Equal(GripPublishOutcome.Unknown, Assert.Single(ex.Failures).Outcome);
    }

    [Fact]
    public async Task At_least_once_can_be_the_configured_default()
    {
        await using var proxy = await FakeProxy.StartAsync();
        proxy.Respond = async (attempt, ctx) =>
        {
            if (attempt == 0)
            {
                ctx.Abort();
                return;
            }

            await ctx.Response.WriteAsync("Published\n");
        };
        await using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString(), ["Grip:Publisher:Delivery"] = "AtLeastOnce" });
        await Publisher(services).PublishAsync("c", "x");
        Assert.Equal(2, proxy.Requests.Count);
    }

    [Fact]
    public async Task Connection_dropped_after_the_body_was_read_is_unknown_and_sent_once()
    {
        await using var proxy = await FakeProxy.StartAsync();
        proxy.Respond = (_, ctx) =>
        {
            // The proxy read the whole body (FakeProxy records it first), then the connection drops.
            ctx.Abort();
            return Task.CompletedTask;
        };
        await using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        var ex = await Assert.ThrowsAsync<GripPublishException>(() => Publisher(services).PublishAsync("c", "x"));
        Assert.Single(proxy.Requests);
        var failure = Assert.Single(ex.Failures);
        Assert.Equal(GripPublishOutcome.Unknown, failure.Outcome);
        Assert.Equal(GripPublishFailureReason.ConnectionLost, failure.Reason);
        Assert.Contains("after the request was sent", failure.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_that_never_completes_is_a_send_timeout_and_retried()
    {
        // A listener whose backlog is full: the kernel drops further SYNs, so connecting hangs and no
        // byte of the request can reach anyone.
        using var listener = await FullBacklogListener.StartAsync();
        await using var services = Services(new()
        {
            ["GRIP_URL"] = $"http://127.0.0.1:{listener.Port}/",
            ["Grip:Publisher:AttemptTimeout"] = "00:00:00.300",
        });
        using var requests = Counter(services, "grip.publish.requests");
        var ex = await Assert.ThrowsAsync<GripPublishException>(() => Publisher(services).PublishAsync("c", "x"));
        var failure = Assert.Single(ex.Failures);
        Assert.Equal(GripPublishOutcome.Failed, failure.Outcome);
        Assert.Contains(failure.Reason, new[] { GripPublishFailureReason.SendTimeout, GripPublishFailureReason.NotConnected });
        Assert.False(ex.IsUncertain);
        var attempts = requests.GetMeasurementSnapshot();
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, m => Assert.Equal("not_sent", m.Tags["grip.result"]));
    }

    [Fact]
    public async Task Retry_after_from_a_429_is_honoured()
    {
        await using var proxy = await FakeProxy.StartAsync();
        proxy.Respond = async (attempt, ctx) =>
        {
            if (attempt == 0)
            {
                ctx.Response.StatusCode = 429;
                ctx.Response.Headers.RetryAfter = "1";
                await ctx.Response.WriteAsync("slow down");
                return;
            }

            await ctx.Response.WriteAsync("Published\n");
        };
        await using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Publisher(services).PublishAsync("c", "x");
        Assert.Equal(2, proxy.Requests.Count);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {watch.Elapsed}");
    }

    [Fact]
    public async Task Publishes_queued_behind_a_slow_request_go_together_in_one_request_in_order()
    {
        await using var proxy = await FakeProxy.StartAsync();
        var release = HoldFirstRequest(proxy);
        await using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString(), ["Grip:Publisher:ResponseTimeout"] = "00:00:10" });
        using var batches = new MetricCollector<int>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "Grip", "grip.publish.batch.size");
        var publisher = Publisher(services);
        var first = publisher.PublishAsync("c", "first");
        await WaitUntilAsync(() => proxy.Requests.Count == 1);
        var rest = Enumerable.Range(0, 10).Select(i => publisher.PublishAsync("c", "m" + i)).ToArray();
        release.SetResult();
        await first;
        await Task.WhenAll(rest);

        Assert.Equal(2, proxy.Requests.Count);
        var requests = proxy.Requests.ToArray();
        Assert.Equal(["first"], Texts(requests[0]));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => "m" + i), Texts(requests[1]));
        Assert.Equal([1, 10], batches.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public async Task Coalesced_requests_stay_under_the_body_limit()
    {
        await using var proxy = await FakeProxy.StartAsync();
        var release = HoldFirstRequest(proxy);
        await using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString(), ["Grip:Publisher:ResponseTimeout"] = "00:00:10" });
        var publisher = Publisher(services);
        var first = publisher.PublishAsync("c", "first");
        await WaitUntilAsync(() => proxy.Requests.Count == 1);
        string big = new('b', 400_000);
        var rest = Enumerable.Range(0, 3).Select(i => publisher.PublishAsync("c", i + big)).ToArray();
        release.SetResult();
        await first;
        await Task.WhenAll(rest);

        // 400 KB each: two fit in one request of at most 1,000,000 bytes, the third goes alone.
        var requests = proxy.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.All(requests, r => Assert.InRange(r.Body.Length, 1, GripPublishRequest.MaxBodyBytes));
        Assert.Equal(["0", "1"], Texts(requests[1]).Select(t => t[..1]));
        Assert.Equal(["2"], Texts(requests[2]).Select(t => t[..1]));
    }

    [Fact]
    public async Task Without_coalescing_each_publish_is_its_own_request()
    {
        await using var proxy = await FakeProxy.StartAsync();
        var release = HoldFirstRequest(proxy);
        await using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString(), ["Grip:Publisher:Coalesce"] = "false", ["Grip:Publisher:ResponseTimeout"] = "00:00:10" });
        var publisher = Publisher(services);
        var first = publisher.PublishAsync("c", "first");
        await WaitUntilAsync(() => proxy.Requests.Count == 1);
        var rest = Enumerable.Range(0, 4).Select(i => publisher.PublishAsync("c", "m" + i)).ToArray();
        release.SetResult();
        await first;
        await Task.WhenAll(rest);
        Assert.Equal(5, proxy.Requests.Count);
        Assert.Equal(["first", "m0", "m1", "m2", "m3"], proxy.Requests.Select(r => Texts(r).Single()));
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_with_a_typed_error_and_loses_nothing_queued()
    {
        await using var proxy = await FakeProxy.StartAsync();
        var release = HoldFirstRequest(proxy);
        var logs = new FakeLogCollector();
        await using var services = Services(new()
        {
            ["GRIP_URL"] = proxy.BaseUri.ToString(),
            ["Grip:Publisher:MaxQueuedPublishes"] = "2",
            ["Grip:Publisher:ResponseTimeout"] = "00:00:10",
        }, logs);
        using var failures = Counter(services, "grip.publish.failures");
        var publisher = Publisher(services);
        var first = publisher.PublishAsync("c", "1");
        await WaitUntilAsync(() => proxy.Requests.Count == 1);
        var second = publisher.PublishAsync("c", "2");

        var ex = await Assert.ThrowsAsync<GripPublishQueueFullException>(() => publisher.PublishAsync("c", "3"));
        Assert.Equal(GripPublishFailureReason.QueueFull, Assert.Single(ex.Failures).Reason);
        Assert.Equal(GripPublishOutcome.Failed, ex.Failures[0].Outcome);
        Assert.Throws<GripPublishQueueFullException>(() => publisher.PublishInBackground([new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText("4") }]));
        Assert.Equal(2, ((GripPublisher)publisher).PendingCounts[0]);

        release.SetResult();
        await first;
        await second;
        Assert.Equal(["1", "2"], proxy.Requests.SelectMany(Texts));
        Assert.Equal(2, failures.GetMeasurementSnapshot().Count(m => Equals(m.Tags["grip.reason"], "queue_full")));
        Assert.Equal(2, logs.GetSnapshot().Count(r => r.Id.Id == 16));
    }

    [Fact]
    public async Task The_byte_bound_refuses_like_the_count_bound()
    {
        await using var proxy = await FakeProxy.StartAsync();
        var release = HoldFirstRequest(proxy);
        await using var services = Services(new()
        {
            ["GRIP_URL"] = proxy.BaseUri.ToString(),
            ["Grip:Publisher:MaxQueuedBytes"] = "1000000",
            ["Grip:Publisher:ResponseTimeout"] = "00:00:10",
        });
        var publisher = Publisher(services);
        string big = new('b', 600_000);
        var first = publisher.PublishAsync("c", big);
        await WaitUntilAsync(() => proxy.Requests.Count == 1);
        await Assert.ThrowsAsync<GripPublishQueueFullException>(() => publisher.PublishAsync("c", big));
        release.SetResult();
        await first;
        Assert.Single(proxy.Requests);
    }

    [Fact]
    public async Task A_publish_that_waits_longer_than_the_total_timeout_is_failed_and_never_sent()
    {
        await using var proxy = await FakeProxy.StartAsync();
        var release = HoldFirstRequest(proxy);
        await using var services = Services(new()
        {
            ["GRIP_URL"] = proxy.BaseUri.ToString(),
            ["Grip:Publisher:TotalTimeout"] = "00:00:00.300",
            ["Grip:Publisher:ResponseTimeout"] = "00:00:10",
        });
        var publisher = Publisher(services);
        var first = publisher.PublishAsync("c", "1");
        await WaitUntilAsync(() => proxy.Requests.Count == 1);
        var ex = await Assert.ThrowsAsync<GripPublishException>(() => publisher.PublishAsync("c", "2"));
        Assert.Equal(GripPublishFailureReason.Expired, Assert.Single(ex.Failures).Reason);
        Assert.Equal(GripPublishOutcome.Failed, ex.Failures[0].Outcome);
        release.SetResult();
        await first;
        await Task.Delay(300);
        Assert.Equal(["1"], proxy.Requests.SelectMany(Texts));
    }

    [Fact]
    public async Task A_caller_that_gives_up_while_queued_withdraws_the_publish()
    {
        await using var proxy = await FakeProxy.StartAsync();
        var release = HoldFirstRequest(proxy);
        await using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString(), ["Grip:Publisher:ResponseTimeout"] = "00:00:10" });
        var publisher = Publisher(services);
        var first = publisher.PublishAsync("c", "1");
        await WaitUntilAsync(() => proxy.Requests.Count == 1);
        using var cts = new CancellationTokenSource();
        var withdrawn = publisher.PublishAsync("c", "2", cts.Token);
        var third = publisher.PublishAsync("c", "3");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
        release.SetResult();
        await first;
        await third;
        Assert.Equal(["1", "3"], proxy.Requests.SelectMany(Texts));
        Assert.Equal(0, ((GripPublisher)publisher).PendingCounts[0]);
    }

    [Fact]
    public async Task Background_publishes_report_a_failure_once_and_a_success_not_at_all()
    {
        await using var proxy = await FakeProxy.StartAsync();
        proxy.Respond = async (attempt, ctx) =>
        {
            ctx.Response.StatusCode = attempt == 0 ? 200 : 400;
            await ctx.Response.WriteAsync(attempt == 0 ? "Published\n" : "Invalid format: \n");
        };
        await using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        var publisher = Publisher(services);
        var reported = new List<GripPublishException>();
        var done = new TaskCompletionSource();
        publisher.PublishInBackground([new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText("ok") }], onFailure: ex =>
        {
            lock (reported)
            {
                reported.Add(ex);
            }

            return Task.CompletedTask;
        });
        await WaitUntilAsync(() => proxy.Requests.Count == 1 && ((GripPublisher)publisher).PendingCounts[0] == 0);
        publisher.PublishInBackground([new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText("bad") }], onFailure: ex =>
        {
            lock (reported)
            {
                reported.Add(ex);
            }

            done.SetResult();
            return Task.CompletedTask;
        });
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var failure = Assert.Single(reported);
        Assert.Equal(400, Assert.Single(failure.Failures).StatusCode);
        Assert.Equal(2, proxy.Requests.Count);
    }

    [Fact]
    public async Task Background_publish_validates_its_items_before_queuing()
    {
        await using var proxy = await FakeProxy.StartAsync();
        await using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        Assert.Throws<ArgumentException>(() => Publisher(services).PublishInBackground([new PublishItem("c")]));
        await Task.Delay(100);
        Assert.Empty(proxy.Requests);
    }

    [Fact]
    public async Task Shutdown_sends_what_is_queued_within_the_shutdown_timeout()
    {
        await using var proxy = await FakeProxy.StartAsync();
        var logs = new FakeLogCollector();
        var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() }, logs);
        var publisher = Publisher(services);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<GripPublishException>();
        for (int i = 0; i < 5; i++)
        {
            publisher.PublishInBackground([new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText("m" + i) }], onFailure: ex =>
            {
                failures.Enqueue(ex);
                return Task.CompletedTask;
            });
        }

        await services.DisposeAsync();
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Select(f => f.Message)) + string.Join("\n", logs.GetSnapshot().Select(l => l.Message)));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => "m" + i), proxy.Requests.SelectMany(Texts));
        Assert.Throws<ObjectDisposedException>(() => publisher.PublishInBackground([new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText("late") }]));
    }

    [Fact]
    public async Task Many_concurrent_publishes_each_succeed_once_and_the_queue_empties()
    {
        // A publish taken by a running pump right after it was queued once got reported as expired
        // while it was also sent (found by the fan-out harness: a sender told "not delivered" about
        // a delivered message). Each publish must end exactly once, with the outcome of its request.
        await using var proxy = await FakeProxy.StartAsync();
        await using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString(), ["Grip:Publisher:MaxRequestsInFlight"] = "2" });
        var publisher = Publisher(services);
        for (int round = 0; round < 5; round++)
        {
            var publishes = Enumerable.Range(0, 400).Select(i => Task.Run(() => publisher.PublishAsync("c", round + ":" + i))).ToArray();
            await Task.WhenAll(publishes);
        }

        var texts = proxy.Requests.SelectMany(Texts).ToList();
        Assert.Equal(2000, texts.Count);
        Assert.Equal(2000, texts.Distinct().Count());
        Assert.Equal(0, ((GripPublisher)publisher).PendingCounts[0]);
    }

    [Fact]
    public async Task A_publish_taken_at_once_by_a_running_pump_ends_once_with_its_request_outcome()
    {
        // Found by the fan-out harness on a loaded machine: a running pump took a publish between
        // the moment it was queued and the end of TryEnqueue, which then reported it "expired, not
        // sent" while the pump sent it (the sender was told "not delivered" about a delivered
        // message). The hook holds TryEnqueue at exactly that point until the pump is sending it.
        var sender = new GatedSender();
        var options = new GripPublisherOptions();
        var metrics = new Grip.Hosting.Diagnostics.GripMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        await using var queue = new GripProxyQueue(sender, options, metrics, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var first = NewPending("first");
        Assert.Null(queue.TryEnqueue(first, CancellationToken.None));
        await sender.FirstBatchArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var second = NewPending("second");
        queue.AfterQueuedForTest = () =>
        {
            sender.Release.SetResult();
            Assert.True(SpinWait.SpinUntil(() => sender.Sent == 2, TimeSpan.FromSeconds(10)), "the running pump did not take the second publish");
        };
        Assert.Null(queue.TryEnqueue(second, CancellationToken.None));
        queue.AfterQueuedForTest = null;

        // The second publish is in flight now; only its request may end it.
        Assert.False(second.Completion.IsCompleted);
        sender.ReleaseSecond.SetResult();

        Assert.Null(await first.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(await second.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, sender.Sent);
        Assert.Equal(0, queue.PendingCount);
    }

    private static PendingPublish NewPending(string text)
    {
        var items = new[] { new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText(text) } };
        byte[] body = GripPublishRequest.Serialize(items);
        return new PendingPublish(items, body.AsMemory(10, body.Length - 12), false, default, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    [Fact]
    public void Invalid_publisher_settings_fail_at_start_with_a_message()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GRIP_URL"] = "http://127.0.0.1:5561/",
            ["Grip:Publisher:MaxRequestsInFlight"] = "0",
            ["Grip:Publisher:MaxQueuedPublishes"] = "0",
            ["Grip:Publisher:Delivery"] = "Twice",
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddGrip(configuration).BuildServiceProvider();
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GripOptions>>().Value);
        Assert.Contains("MaxRequestsInFlight must be 1-64", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxQueuedPublishes must be at least 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Delivery must be AtMostOnce or AtLeastOnce (got 'Twice')", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Holds its first and second batches until released; counts what it was given.</summary>
    private sealed class GatedSender : IGripProxySender
    {
        private int _sent;

        public TaskCompletionSource FirstBatchArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseSecond { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Sent => Volatile.Read(ref _sent);

        public Uri Endpoint { get; } = new("http://127.0.0.1:1/publish/");

        public int MaxBatchBytes => 999_988;

        public async Task<GripSendResult> SendAsync(IReadOnlyList<PendingPublish> batch, CancellationToken cancellationToken)
        {
            int sent = Interlocked.Add(ref _sent, batch.Count);
            if (sent == 1)
            {
                FirstBatchArrived.SetResult();
                await Release.Task;
            }
            else if (sent == 2)
            {
                await ReleaseSecond.Task;
            }

            return GripSendResult.Delivered;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(10);
        }
    }
}
