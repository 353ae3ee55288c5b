using System.Collections.Concurrent;
using System.Security.Claims;
using Grip.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace Grip.Handlers.Tests;

/// <summary>
/// What a request costs when its handlers do not ask for it (docs/performance.md, "Allocations per
/// request"): no principal made for a user nobody reads, and the user's channel still joined when
/// someone signed in.
/// </summary>
public sealed class RequestStateTests
{
    [Fact]
    public async Task A_batch_that_never_reads_the_user_or_services_makes_no_principal_and_no_scope()
    {
        var seen = new ConcurrentQueue<(string Path, bool AuthenticationFeature, bool Scope)>();
        await using var host = await GripTestHost.StartAsync(
            null,
            app =>
            {
                // Runs around every request the proxy sends to the origin: did anything make a user?
                app.Use(async (context, next) =>
                {
                    await next(context);
                    seen.Enqueue((context.Request.Path, context.Features.Get<IHttpAuthenticationFeature>() is not null, context.Features.Get<IServiceProvidersFeature>() is not null));
                });
                app.MapGripHandler<StaticEchoHandler>("/echo");
                app.MapGripHandler<ProfileHandler>("/me");
                app.MapGripHandler<RequestHandler>("/request");
            });

        await using (var client = await host.ConnectAsync("/echo"))
        {
            await client.SendTextAsync("hi");
            Assert.Equal("hi", await client.ReceiveTextAsync());
        }

        await using (var client = await host.ConnectAsync("/me"))
        {
            // ProfileHandler's OPEN takes the ClaimsPrincipal: that request made one.
            Assert.Equal("hello ", await client.ReceiveTextAsync());
        }

        var echo = seen.Where(s => s.Path == "/echo").ToArray();
        Assert.NotEmpty(echo);
        Assert.All(echo, s => Assert.False(s.AuthenticationFeature));
        Assert.All(echo, s => Assert.False(s.Scope));
        Assert.Contains(seen, s => s.Path == "/me" && s.AuthenticationFeature);

        // A handler with an instance method (RequestHandler takes an ILogger in its constructor) does
        // create the request's scope.
        await using (var client = await host.ConnectAsync("/request"))
        {
            await client.ReceiveTextAsync();
        }

        Assert.Contains(seen, s => s.Path == "/request" && s.Scope);
    }

    [Fact]
    public async Task A_user_id_provider_registered_by_the_app_names_the_user_channel()
    {
        await using var host = await TestTokens.StartAsync(
            app => app.MapGripHandler<ProfileHandler>("/me"),
            services => services.AddSingleton<IGripUserIdProvider>(new NameUserIds()));
        await using var alice = await host.ConnectAsync("/me", headers: [TestTokens.Bearer(TestTokens.Create("u1", "alice"))]);
        await using var guest = await host.ConnectAsync("/me");
        Assert.Equal("hello alice", await alice.ReceiveTextAsync());
        Assert.Equal("hello ", await guest.ReceiveTextAsync());

        // The app's provider, not the default: the name, and a channel even for an anonymous user.
        Assert.Contains(GripChannels.ForUser("name-alice"), alice.Subscriptions);
        Assert.DoesNotContain(GripChannels.ForUser("u1"), alice.Subscriptions);
        Assert.Contains(GripChannels.ForUser("guest"), guest.Subscriptions);

        var publisher = host.Services.GetRequiredService<IGripPublisher>();
        await publisher.PublishToUserAsync("name-alice", "for alice");
        Assert.Equal("for alice", await alice.ReceiveTextAsync());
        await guest.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }

    /// <summary>Names users by their name claim, and everyone else "guest".</summary>
    private sealed class NameUserIds : IGripUserIdProvider
    {
        public string? GetUserId(ClaimsPrincipal user) =>
            user.Identity is { IsAuthenticated: true, Name: { } name } ? "name-" + name : "guest";
    }
}
