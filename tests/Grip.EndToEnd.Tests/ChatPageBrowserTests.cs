using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Testing.Pushpin;
using Microsoft.Playwright;

namespace Grip.EndToEnd.Tests;

/// <summary>The chat page in headless Chromium: two pages talk through Pushpin to the Chat sample (JIT build).</summary>
public sealed class ChatPageBrowserTests(ChatJitFixture fixture) : IClassFixture<ChatJitFixture>
{
    [Fact]
    public Task Two_pages_exchange_messages_through_the_proxy() => ChatPageScenario.TwoPagesExchangeMessagesAsync(fixture.Deployment);
}

/// <summary>The same page served by the Native AOT executable.</summary>
public sealed class ChatPageBrowserAotTests(ChatAotFixture fixture) : IClassFixture<ChatAotFixture>
{
    [AotFact]
    public Task Two_pages_exchange_messages_through_the_proxy() => ChatPageScenario.TwoPagesExchangeMessagesAsync(fixture.Deployment);
}

internal static class ChatPageScenario
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static async Task TwoPagesExchangeMessagesAsync(SampleDeployment d)
    {
        await AptPackages.EnsureCommandAsync("chromium", "chromium");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ChromiumArgs,
            Headless = true,
            Timeout = 30_000,
        });

        var alice = await browser.NewPageAsync();
        var bob = await browser.NewPageAsync();
        var errors = new List<string>();
        foreach (var page in new[] { alice, bob })
        {
            page.Console += (_, m) =>
            {
                if (m.Type == "error")
                {
                    errors.Add(m.Text);
                }
            };
            page.PageError += (_, e) => errors.Add(e);
            await page.GotoAsync(d.Http("/").ToString());
            await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("connected", new() { Timeout = 15_000 });
        }

        // Make sure both subscriptions are live before the conversation starts.
        for (int i = 0; i < 50; i++)
        {
            await d.Pushpin.PublishAsync("all", "probe");
            if (await alice.Locator("#messages li", new() { HasText = "probe" }).CountAsync() > 0
                && await bob.Locator("#messages li", new() { HasText = "probe" }).CountAsync() > 0)
            {
                break;
            }

            await Task.Delay(100);
        }

        await alice.FillAsync("#message", "hello bob ✓");
        await alice.PressAsync("#message", "Enter");
        await Assertions.Expect(bob.Locator("#messages li").Last).ToHaveTextAsync("hello bob ✓");
        await Assertions.Expect(alice.Locator("#messages li").Last).ToHaveTextAsync("hello bob ✓");
        await Assertions.Expect(alice.Locator("#message")).ToHaveValueAsync(string.Empty);

        await bob.FillAsync("#message", "<b>hi alice</b>");
        await bob.ClickAsync("#send");
        await Assertions.Expect(alice.Locator("#messages li").Last).ToHaveTextAsync("<b>hi alice</b>");
        await Assertions.Expect(bob.Locator("#messages li").Last).ToHaveTextAsync("<b>hi alice</b>");

        // Shown as text, never as HTML.
        Assert.Equal(0, await alice.Locator("#messages li b").CountAsync());
        Assert.True(errors.Count == 0, "page errors: " + string.Join(" | ", errors));
    }
}
