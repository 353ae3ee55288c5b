using System.Net;
using System.Text;
using Grip.Hosting.Tests.Infrastructure;
using Grip.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Grip.Hosting.Tests;

/// <summary>
/// Issue 14 through the whole endpoint: batches that used to be an unhandled 500, the handler
/// timeout, escaped logs and the issuer warning.
/// </summary>
public class ReliabilityTests
{
    [Fact]
    public async Task A_PING_over_125_bytes_is_a_200_that_closes_with_1002_not_a_500()
    {
        await using var host = await ProbeHost.StartAsync();
        byte[] body = Encoding.ASCII.GetBytes("PING 7e\r\n" + new string('0', 126) + "\r\n");
        using var response = await host.SendAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CLOSE 19\r\n\x03\u00ea" + "Control frame too large\r\n", Encoding.Latin1.GetString(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Ninety_thousand_one_byte_texts_are_a_200_under_the_limit_ending_with_1009()
    {
        await using var host = await ProbeHost.StartAsync();
        host.Probe.OnMessage = (c, m) =>
        {
            c.SendUtf8(m.Data.Span);
            return default;
        };
        var body = new List<byte>();
        for (int i = 0; i < 90_000; i++)
        {
            body.AddRange("TEXT 1\r\na\r\n"u8.ToArray());
        }

        using var response = await host.SendAsync([.. body]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        byte[] answer = await response.Content.ReadAsByteArrayAsync();
        Assert.InRange(answer.Length, 999_000, GripLimits.MaxResponseBodyBytes);
        Assert.EndsWith("CLOSE 18\r\n\x03\xf1Response limit reached\r\n", Encoding.Latin1.GetString(answer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_framework_close_is_logged_with_the_connection_id_escaped()
    {
        var logs = new FakeLogCollector();
        await using var host = await ProbeHost.StartAsync(services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))));
        byte[] body = Encoding.ASCII.GetBytes("PING 80\r\n" + new string('0', 128) + "\r\n");
        (await host.SendAsync(body, connectionId: "conn-\u001b[2Jx")).Dispose();
        var record = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 11);
        Assert.Contains("conn-\\u001b[2Jx", record.Message, StringComparison.Ordinal);
        Assert.Contains("1002", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', record.Message);
    }

    [Fact]
    public async Task A_handler_that_never_returns_closes_only_its_connection_with_1011_after_the_timeout()
    {
        var logs = new FakeLogCollector();
        await using var host = await ProbeHost.StartAsync(services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))));
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Probe.OnMessage = async (c, m) =>
        {
            if (m.GetText() == "hang")
            {
                entered.TrySetResult();
                await new TaskCompletionSource().Task; // never completes, ignores every token
            }

            c.Send("echo:" + m.GetText());
        };

        int timers = host.Time.TimersCreated;
        var hanging = host.SendAsync(Events.Text("hang"), connectionId: "hung-1");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await host.Time.WaitForTimersAsync(timers + 1); // the endpoint's timeout timer is running

        // Other connections are served while the handler hangs.
        for (int i = 0; i < 5; i++)
        {
            using var other = await host.SendAsync(Events.Text("hi" + i), connectionId: "other-" + i);
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            Assert.Equal($"TEXT a\r\nm:echo:hi{i}\r\n", Encoding.UTF8.GetString(await other.Content.ReadAsByteArrayAsync()));
        }

        Assert.False(hanging.IsCompleted);
        host.Time.Advance(GripOptions.DefaultHandlerTimeout - TimeSpan.FromSeconds(1));
        await Task.Delay(100);
        Assert.False(hanging.IsCompleted, "answered before the timeout");
        host.Time.Advance(TimeSpan.FromSeconds(1));

        using var response = await hanging.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CLOSE 11\r\n\x03\xf3Handler timeout\r\n", Encoding.Latin1.GetString(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal("application/websocket-events", response.Content.Headers.ContentType!.ToString());
        var record = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 12);
        Assert.Equal(LogLevel.Error, record.Level);
        Assert.Contains("hung-1", record.Message, StringComparison.Ordinal);
        Assert.Contains("closed with 1011", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hanging_OnOpen_is_rejected_with_500_after_the_timeout_and_its_token_is_cancelled()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await ProbeHost.StartAsync(
            map: app => app.MapGripHandler<HangingOpenHandler>("/ws").WithGripHandlerTimeout(TimeSpan.FromSeconds(5)),
            services: s => s.AddSingleton(new HangingOpenHandler.Signals(entered, cancelled)));
        int timers = host.Time.TimersCreated;
        var pending = host.SendAsync(Events.Open);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await host.Time.WaitForTimersAsync(timers + 1); // the endpoint's timeout timer is running
        host.Time.Advance(TimeSpan.FromSeconds(5));
        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.False(response.Headers.Contains("Sec-WebSocket-Extensions"));
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the handler's token was cancelled
    }

    [Fact]
    public async Task The_endpoint_timeout_overrides_the_option_and_null_turns_it_off()
    {
        await using var host = await ProbeHost.StartAsync(
            new() { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme&verify-iss=pushpin", ["Grip:HandlerTimeout"] = "00:00:02" },
            map: app =>
            {
                app.MapGripHandler<ProbeHandler>("/ws");
                app.MapGripHandler<ProbeHandler>("/slow").WithGripHandlerTimeout(TimeSpan.FromSeconds(30));
                app.MapGripHandler<ProbeHandler>("/patient").WithGripHandlerTimeout(null);
            });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int entered = 0;
        host.Probe.OnMessage = async (c, m) =>
        {
            Interlocked.Increment(ref entered);
            await release.Task;
            c.Send("late");
        };

        int timers = host.Time.TimersCreated;
        var fast = host.Client.SendAsync(ProbeHost.Request(Events.Text("x"), host.ValidSig(), "a", "/ws"));
        var slow = host.Client.SendAsync(ProbeHost.Request(Events.Text("x"), host.ValidSig(), "b", "/slow"));
        var patient = host.Client.SendAsync(ProbeHost.Request(Events.Text("x"), host.ValidSig(), "c", "/patient"));
        while (Volatile.Read(ref entered) < 3)
        {
            await Task.Delay(10);
        }

        await host.Time.WaitForTimersAsync(timers + 2); // /ws and /slow run a timeout timer; /patient none
        host.Time.Advance(TimeSpan.FromSeconds(2));
        using (var r = await fast.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.Contains("Handler timeout", Encoding.UTF8.GetString(await r.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        }

        host.Time.Advance(TimeSpan.FromSeconds(28));
        using (var r = await slow.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.Contains("Handler timeout", Encoding.UTF8.GetString(await r.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        }

        host.Time.Advance(TimeSpan.FromMinutes(20));
        await Task.Delay(100);
        Assert.False(patient.IsCompleted);
        release.SetResult();
        using (var r = await patient.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.Equal("TEXT 6\r\nm:late\r\n", Encoding.UTF8.GetString(await r.Content.ReadAsByteArrayAsync()));
        }
    }

    [Theory]
    [InlineData("off", null)]
    [InlineData("OFF", null)]
    [InlineData("00:00:30", 30.0)]
    public async Task HandlerTimeout_binds_from_configuration(string value, double? seconds)
    {
        await using var host = await ProbeHost.StartAsync(new() { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme&verify-iss=pushpin", ["Grip:HandlerTimeout"] = value });
        var options = host.App.Services.GetRequiredService<IOptions<GripOptions>>().Value;
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, options.HandlerTimeout);
    }

    [Theory]
    [InlineData("soon", "must be a time span")]
    [InlineData("00:00:00", "HandlerTimeout must be more than 0")]
    [InlineData("00:10:00", "HandlerTimeout must be more than 0")]
    public async Task A_bad_HandlerTimeout_stops_start_up(string value, string expected)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ProbeHost.StartAsync(new() { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme&verify-iss=pushpin", ["Grip:HandlerTimeout"] = value }));
        Assert.Contains(expected, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void WithGripHandlerTimeout_refuses_a_timeout_Pushpin_would_not_wait_for()
    {
        var builder = new TestConventionBuilder();
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithGripHandlerTimeout(TimeSpan.FromMinutes(11)));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithGripHandlerTimeout(TimeSpan.Zero));
    }

    [Fact]
    public async Task Client_text_in_refusal_logs_is_escaped_and_bounded()
    {
        var logs = new FakeLogCollector();
        await using var host = await ProbeHost.StartAsync(
            services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))),
            map: app => app.MapGripHandler<ProbeHandler>("/ws/{**rest}"));

        // A path with an escape sequence (percent-encoded on the wire, decoded by ASP.NET Core) and a
        // forged signature: log 1 quotes the path.
        var forged = ProbeHost.Request(Events.Open, "x.y.z", path: "/ws/%1B%5B31mRED%0Afake-line");
        (await host.Client.SendAsync(forged)).Dispose();

        // A Content-Type with control characters is quoted in the 400 reason, log 3.
        (await host.Client.SendAsync(ProbeHost.Request(Events.Open, host.ValidSig(), path: "/ws/x", configure: r => r.Content!.Headers.TryAddWithoutValidation("Content-Type", "text/x\u007f\u009b31m" + new string('A', 2000))))).Dispose();

        // GripHandlers' own lines (ASP.NET Core's request logging is not ours to escape).
        var records = logs.GetSnapshot().Where(r => r.Category?.StartsWith("Grip", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(records);
        foreach (var record in records)
        {
            Assert.DoesNotContain(record.Message, c => c is '\u001b' or '\n' or '\u007f' or '\u009b');
        }

        Assert.Contains(records, r => r.Message.Contains("\\u001b[31mRED\\u000afake-line", StringComparison.Ordinal));
        var refused = Assert.Single(records, r => r.Id.Id == 3 && r.Message.Contains("Content-Type", StringComparison.Ordinal));
        Assert.Contains("\\u007f\\u009b31m", refused.Message, StringComparison.Ordinal);
        Assert.True(refused.Message.Length < 900, $"{refused.Message.Length} chars");
    }

    [Fact]
    public async Task A_verify_key_without_an_issuer_is_warned_about_at_start_up_once()
    {
        var logs = new FakeLogCollector();
        await using (var host = await ProbeHost.StartAsync(
            new() { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme", ["Grip:VerifyKeys:0"] = "old-key" },
            services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))),
            map: app =>
            {
                app.MapGripHandler<ProbeHandler>("/a");
                app.MapGripHandler<ProbeHandler>("/b");
            }))
        {
            var warnings = logs.GetSnapshot().Where(r => r.Id.Id == 14).ToList();
            Assert.Equal(2, warnings.Count);
            Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
            Assert.Contains("GRIP_URL", warnings[0].Message, StringComparison.Ordinal);
            Assert.Contains("Grip:VerifyKeys:0", warnings[1].Message, StringComparison.Ordinal);
            Assert.DoesNotContain("changeme", warnings[0].Message, StringComparison.Ordinal);
        }

        var quiet = new FakeLogCollector();
        await using (var safe = await ProbeHost.StartAsync(services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(quiet)))))
        {
            Assert.DoesNotContain(quiet.GetSnapshot(), r => r.Id.Id == 14);
        }
    }

    [Fact]
    public async Task Without_verify_iss_a_wrong_issuer_passes_and_with_it_it_is_refused()
    {
        // The README's old setup accepted any iss; the default setup now checks it.
        await using (var open = await ProbeHost.StartAsync(new() { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme" }))
        {
            using var response = await open.SendAsync(Events.Open, sig: open.ValidSig(iss: "mallory"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var host = await ProbeHost.StartAsync();
        using (var wrong = await host.SendAsync(Events.Open, sig: host.ValidSig(iss: "mallory")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var missing = await host.SendAsync(Events.Open, sig: Jwt.Hs256(ProbeHost.Key, Jwt.Claims(null, Jwt.Now(host.Time) + 3600))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        }

        Assert.Empty(host.Probe.Calls);
    }

    private sealed class TestConventionBuilder : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
        }
    }
}

/// <summary>A handler whose [OnOpen] awaits until its token is cancelled, then keeps hanging.</summary>
public sealed class HangingOpenHandler : IGripHandler
{
    public sealed record Signals(TaskCompletionSource Entered, TaskCompletionSource Cancelled);

    public static ValueTask DispatchAsync(GripConnection connection, ReadOnlyMemory<byte> events, CancellationToken cancellationToken) =>
        GripDispatcher.DispatchAsync<HangingOpenHandler, Invoker>(connection, events, default, cancellationToken);

    public struct Invoker : IGripHandlerInvoker<HangingOpenHandler>
    {
        public readonly bool HasOpen => true;

        public readonly bool HasClose => false;

        // An async method cannot take the handler slot by reference; this invoker never needs the instance.
        public readonly ValueTask OnOpenAsync(ref HangingOpenHandler? handler, GripConnection connection, CancellationToken cancellationToken) => OpenAsync(connection, cancellationToken);

        private static async ValueTask OpenAsync(GripConnection connection, CancellationToken cancellationToken)
        {
            var signals = (Signals)connection.Services.GetService(typeof(Signals))!;
            using var registration = cancellationToken.Register(() => signals.Cancelled.TrySetResult());
            signals.Entered.TrySetResult();
            await new TaskCompletionSource().Task;
        }

        public readonly ValueTask OnMessageAsync(ref HangingOpenHandler? handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken) => default;

        public readonly ValueTask OnCloseAsync(ref HangingOpenHandler? handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken) => default;
    }
}
