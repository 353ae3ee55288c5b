using System.Security.Claims;
using System.Text;
using Grip.Infrastructure;

namespace Grip.Abstractions.Tests.Connection;

/// <summary>
/// A host connection reads the request's services, user and meta only when first asked for, once,
/// and never from a request that has ended (docs/performance.md, "Allocations per request").
/// </summary>
public sealed class GripConnectionRequestStateTests
{
    private static GripConnection HostConnection(FakeHostRequest host, bool trustedMeta = true) =>
        new("conn-1", new TestGripRequest(), host, trustedMeta, new GripResponse());

    [Fact]
    public void Nothing_is_read_from_the_request_until_asked_for()
    {
        var host = new FakeHostRequest(meta: () => [new("user", "alice")]);
        using (var connection = HostConnection(host))
        {
            connection.Send("hello");
            connection.Subscribe("room");
        }

        Assert.Equal(0, host.ServicesReads);
        Assert.Equal(0, host.UserReads);
        Assert.Equal(0, host.MetaReads);
    }

    [Fact]
    public void Each_is_read_once_and_kept()
    {
        var services = new TestServices();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "test"));
        var host = new FakeHostRequest(meta: () => [new("user", "alice")], services: () => services, user: () => user);
        using var connection = HostConnection(host);

        Assert.Same(services, connection.Services);
        Assert.Same(services, connection.Services);
        Assert.Same(user, connection.User);
        Assert.Same(user, connection.User);
        Assert.Equal("alice", connection.Meta["user"]);
        Assert.Equal("alice", connection.Meta["USER"]);
        Assert.Equal((1, 1, 1), (host.ServicesReads, host.UserReads, host.MetaReads));
    }

    [Fact]
    public void Untrusted_meta_headers_are_never_read()
    {
        var host = new FakeHostRequest(meta: () => [new("user", "mallory")]);
        using var connection = HostConnection(host, trustedMeta: false);
        Assert.Null(connection.Meta["user"]);
        Assert.Equal(0, connection.Meta.Count);
        Assert.Equal(0, host.MetaReads);
    }

    [Fact]
    public void Read_for_the_first_time_after_the_request_ended_is_an_error_not_another_requests_state()
    {
        // The host reuses a request's objects for the next request: a handler that kept the
        // connection past its request must not get the next request's services or user.
        var host = new FakeHostRequest();
        var connection = HostConnection(host);
        connection.Dispose();

        Assert.Throws<ObjectDisposedException>(() => connection.Services);
        Assert.Throws<ObjectDisposedException>(() => connection.User);
        Assert.Equal(0, host.ServicesReads);
        Assert.Equal(0, host.UserReads);
    }

    [Fact]
    public void What_was_read_during_the_request_stays_readable_after_it()
    {
        var host = new FakeHostRequest();
        var connection = HostConnection(host);
        var services = connection.Services;
        connection.Dispose();
        Assert.Same(services, connection.Services);
    }

    [Fact]
    public void Captured_state_outlives_the_request_for_a_handler_still_running()
    {
        // A handler timeout: the host captures before it answers, and the handler goes on reading.
        string? header = "alice";
        var services = new TestServices();
        var user = new ClaimsPrincipal(new ClaimsIdentity("test"));
        var host = new FakeHostRequest(meta: () => header is null ? null : [new("user", header)], services: () => services, user: () => user);
        var connection = HostConnection(host);
        Assert.True(connection.Abandon(GripFrameworkClose.HandlerTimeout));
        connection.CaptureRequestState();
        header = null;
        connection.Dispose();

        Assert.Same(services, connection.Services);
        Assert.Same(user, connection.User);
        Assert.Equal("alice", connection.Meta["user"]);
        Assert.Equal((1, 1, 1), (host.ServicesReads, host.UserReads, host.MetaReads));
    }

    [Fact]
    public void Threads_racing_on_the_first_read_all_get_the_same_object()
    {
        for (int round = 0; round < 200; round++)
        {
            // Every read of the host makes a new object: only one may win.
            var host = new FakeHostRequest(services: () => new TestServices(), user: () => new ClaimsPrincipal(new ClaimsIdentity()));
            using var connection = HostConnection(host);
            using var start = new Barrier(4);
            var seen = new object[4][];
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            {
                start.SignalAndWait();
                seen[i] = [connection.Services, connection.User];
            });

            Assert.All(seen, s => Assert.Same(seen[0][0], s[0]));
            Assert.All(seen, s => Assert.Same(seen[0][1], s[1]));
        }
    }

    [Fact]
    public void A_connection_made_without_a_host_has_an_anonymous_user_or_the_one_given()
    {
        using var plain = new GripConnection("conn-1", new TestGripRequest(), new TestServices());
        Assert.NotNull(plain.User);
        Assert.False(plain.User.Identity!.IsAuthenticated);
        Assert.Same(plain.User, plain.User);

        var alice = new ClaimsPrincipal(new ClaimsIdentity("test"));
        using var signedIn = new GripConnection("conn-2", new TestGripRequest(), new TestServices()) { User = alice };
        Assert.Same(alice, signedIn.User);
        signedIn.Dispose();
        Assert.Same(alice, signedIn.User);
    }

    [Fact]
    public void The_control_message_writer_shared_by_the_thread_writes_each_message_whole()
    {
        // One Utf8JsonWriter per thread serves every connection's control messages: after a message
        // that failed validation, and across connections, each message is written from a clean state.
        using var first = new GripConnection("conn-1", new TestGripRequest(), new TestServices());
        first.Subscribe("a");
        Assert.Throws<ArgumentException>(() => first.Subscribe("bad channel\n"));
        first.Unsubscribe("b");
        using var second = new GripConnection("conn-2", new TestGripRequest(), new TestServices());
        second.SendControl(new Grip.Protocol.SubscribeControlMessage("c", [GripFilters.SkipSelf]));

        Assert.Equal(
            Control("{\"type\":\"subscribe\",\"channel\":\"a\"}") + Control("{\"type\":\"unsubscribe\",\"channel\":\"b\"}"),
            Encoding.Latin1.GetString(first.Response.Events.Span));
        Assert.Equal(
            Control("{\"type\":\"subscribe\",\"channel\":\"c\",\"filters\":[\"skip-self\"]}"),
            Encoding.Latin1.GetString(second.Response.Events.Span));
    }

    /// <summary>A TEXT event carrying <c>c:</c> and <paramref name="json"/> (ASCII), as on the wire.</summary>
    private static string Control(string json) => $"TEXT {json.Length + 2:x}\r\nc:{json}\r\n";

    [Fact]
    public void The_shared_writer_is_safe_across_threads()
    {
        Parallel.For(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var connection = new GripConnection("conn-" + i, new TestGripRequest(), new TestServices());
            string channel = "ch-" + i;
            connection.Subscribe(channel);
            Assert.Equal(Control("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}"), Encoding.Latin1.GetString(connection.Response.Events.Span));
        });
    }
}
