using Grip.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Grip.Handlers.Tests;

/// <summary>
/// Issue 16 item 6, in-process with a real JwtBearer handler and signed test tokens: the user in
/// handlers, [Authorize] and RequireAuthorization on MapGripHandler, OPEN vs later events, and users
/// as a publish target.
/// </summary>
public sealed class IdentityTests
{
    [Fact]
    public async Task RequireAuthorization_rejects_the_handshake_without_a_token_and_with_a_bad_one()
    {
        await using var host = await TestTokens.StartAsync(app => app.MapGripHandler<ProfileHandler>("/me").RequireAuthorization());

        var none = await Assert.ThrowsAsync<GripTestConnectException>(() => host.ConnectAsync("/me"));
        Assert.Equal(401, none.StatusCode);

        var otherKey = new SymmetricSecurityKey(new byte[32]);
        var forged = await Assert.ThrowsAsync<GripTestConnectException>(() => host.ConnectAsync("/me", headers: [TestTokens.Bearer(TestTokens.Create("u1", "mallory", key: otherKey))]));
        Assert.Equal(401, forged.StatusCode);

        var expired = await Assert.ThrowsAsync<GripTestConnectException>(() => host.ConnectAsync("/me", headers: [TestTokens.Bearer(TestTokens.Create("u1", "alice", lifetime: TimeSpan.FromMinutes(-0.5)))]));
        Assert.Equal(401, expired.StatusCode);
    }

    [Fact]
    public async Task A_bearer_token_in_the_header_or_the_query_string_is_the_connections_user()
    {
        await using var host = await TestTokens.StartAsync(app => app.MapGripHandler<ProfileHandler>("/me").RequireAuthorization());

        await using var header = await host.ConnectAsync("/me", headers: [TestTokens.Bearer(TestTokens.Create("u1", "alice", "admin"))]);
        Assert.Equal("hello alice", await header.ReceiveTextAsync());
        await header.SendTextAsync("who");
        Assert.Equal("who: alice role=admin", await header.ReceiveTextAsync());

        await using var query = await host.ConnectAsync("/me?access_token=" + TestTokens.Create("u2", "bob"));
        Assert.Equal("hello bob", await query.ReceiveTextAsync());
        await query.SendTextAsync("who");
        Assert.Equal("who: bob role=none", await query.ReceiveTextAsync());

        // Each signed-in connection joined its user's channel when it opened.
        Assert.Contains("grip.user.u1", header.Subscriptions);
        Assert.Contains("grip.user.u2", query.Subscriptions);
    }

    [Fact]
    public async Task Authorize_on_the_handler_class_is_honoured_with_its_policy()
    {
        await using var host = await TestTokens.StartAsync(app =>
        {
            app.MapGripHandler<AdminHandler>("/admin");
            app.MapGripHandler<MembersHandler>("/members");
        });

        var anonymous = await Assert.ThrowsAsync<GripTestConnectException>(() => host.ConnectAsync("/admin"));
        Assert.Equal(401, anonymous.StatusCode);
        var notAdmin = await Assert.ThrowsAsync<GripTestConnectException>(() => host.ConnectAsync("/admin", headers: [TestTokens.Bearer(TestTokens.Create("u2", "bob"))]));
        Assert.Equal(403, notAdmin.StatusCode);

        await using var admin = await host.ConnectAsync("/admin", headers: [TestTokens.Bearer(TestTokens.Create("u1", "alice", "admin"))]);
        await admin.SendTextAsync("hi");
        Assert.Equal("admin: hi", await admin.ReceiveTextAsync());

        var anonymousMember = await Assert.ThrowsAsync<GripTestConnectException>(() => host.ConnectAsync("/members"));
        Assert.Equal(401, anonymousMember.StatusCode);
        await using var member = await host.ConnectAsync("/members", headers: [TestTokens.Bearer(TestTokens.Create("u2", "bob"))]);
        await member.SendTextAsync("hi");
        Assert.Equal("bob: hi", await member.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_token_that_expires_during_the_connection_fails_the_next_event_and_the_proxy_drops_the_client()
    {
        // The proxy sends the handshake's headers (and query) with every request of the connection,
        // so authorization runs again on every event: once the token has expired, the next event's
        // request gets 401, and a proxy drops a client whose origin answers a later request with
        // anything but 200 (grip-spec 1.4.1; Pushpin and the development proxy alike).
        await using var host = await TestTokens.StartAsync(app => app.MapGripHandler<ProfileHandler>("/me").RequireAuthorization());
        await using var client = await host.ConnectAsync("/me", headers: [TestTokens.Bearer(TestTokens.Create("u1", "alice", lifetime: TimeSpan.FromSeconds(2)))]);
        Assert.Equal("hello alice", await client.ReceiveTextAsync());
        await client.SendTextAsync("who");
        Assert.Equal("who: alice role=none", await client.ReceiveTextAsync());

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await client.SendTextAsync("who");
        await Assert.ThrowsAnyAsync<Exception>(() => client.ReceiveAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task PublishToUser_reaches_every_connection_of_that_user_and_no_other()
    {
        await using var host = await TestTokens.StartAsync(app => app.MapGripHandler<ProfileHandler>("/me").RequireAuthorization());
        await using var alicePhone = await host.ConnectAsync("/me", headers: [TestTokens.Bearer(TestTokens.Create("u1", "alice"))]);
        await using var aliceLaptop = await host.ConnectAsync("/me", headers: [TestTokens.Bearer(TestTokens.Create("u1", "alice"))]);
        await using var bob = await host.ConnectAsync("/me", headers: [TestTokens.Bearer(TestTokens.Create("u2", "bob"))]);
        foreach (var client in new[] { alicePhone, aliceLaptop, bob })
        {
            await client.ReceiveTextAsync();
        }

        var publisher = host.Services.GetRequiredService<IGripPublisher>();
        await publisher.PublishToUserAsync("u1", "for alice");
        await publisher.PublishJsonToUserAsync("u1", new ChatAck("7", 3, null), WebChatJson.Default.ChatAck);
        Assert.Equal("for alice", await alicePhone.ReceiveTextAsync());
        Assert.Equal("for alice", await aliceLaptop.ReceiveTextAsync());
        Assert.Equal("""{"id":"7","length":3,"note":null}""", await alicePhone.ReceiveTextAsync());
        Assert.Equal("""{"id":"7","length":3,"note":null}""", await aliceLaptop.ReceiveTextAsync());
        await bob.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));

        var published = host.Publishes.Select(p => (p.Channel, p.WebSocketMessage?.Text)).ToArray();
        Assert.Equal([("grip.user.u1", "for alice"), ("grip.user.u1", """{"id":"7","length":3,"note":null}""")], published);
    }

    [Fact]
    public async Task An_anonymous_connection_joins_no_user_channel()
    {
        await using var host = await GripTestHost.StartHandlerAsync<ProfileHandler>("/me");
        await using var client = await host.ConnectAsync("/me");
        Assert.Equal("hello ", await client.ReceiveTextAsync());
        Assert.Empty(client.Subscriptions);
        Assert.Null(GripUserIdProvider.Default.GetUserId(new System.Security.Claims.ClaimsPrincipal()));
        Assert.Throws<ArgumentException>(() => GripChannels.ForUser("a\nb"));
        Assert.Throws<ArgumentException>(() => GripChannels.ForUser(""));
    }
}
