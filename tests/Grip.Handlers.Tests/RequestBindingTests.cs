using Grip.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grip.Handlers.Tests;

/// <summary>HttpContext, ClaimsPrincipal and ILogger parameters, end to end through the in-process test host.</summary>
public sealed class RequestBindingTests
{
    [Fact]
    public async Task Open_gets_the_requests_HttpContext_and_messages_get_user_logger_and_context()
    {
        await using var host = await GripTestHost.StartAsync(
            b => b.Services.AddFakeLogging(),
            app => app.MapGripHandler<RequestHandler>("/ws"));
        await using var client = await host.ConnectAsync("/ws?room=7", headers: [new("X-Client", "tests")]);

        Assert.Equal("open /ws?room=7 via tests", await client.ReceiveTextAsync());
        await client.SendTextAsync("hi");
        Assert.Equal("hi from anonymous (same user: True, connection-id: True)", await client.ReceiveTextAsync());

        // Both loggers (constructor and method parameter) have the handler type as their category.
        var lines = host.Services.GetFakeLogCollector().GetSnapshot()
            .Where(r => r.Category == typeof(RequestHandler).FullName)
            .Select(r => (r.Level, r.Message))
            .ToArray();
        Assert.Equal([(LogLevel.Information, "open /ws"), (LogLevel.Information, "text hi")], lines);
    }

    [Fact]
    public void GetHttpContext_on_a_connection_made_by_hand_says_why_it_has_none()
    {
        using var connection = new GripConnection("c1", new TestGripRequest(), new ServiceCollection().BuildServiceProvider());
        var ex = Assert.Throws<InvalidOperationException>(() => connection.GetHttpContext());
        Assert.Contains("not created by a GripHandlers endpoint", ex.Message, StringComparison.Ordinal);
        Assert.False(connection.User.Identity!.IsAuthenticated);
    }
}
