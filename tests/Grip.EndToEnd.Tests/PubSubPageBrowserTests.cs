using Microsoft.Playwright;

namespace Grip.EndToEnd.Tests;

/// <summary>The PubSub page in headless Chromium: two pages, tokens, a publish, and the SSE panel, through Pushpin.</summary>
public sealed class PubSubPageBrowserTests(PubSubJitFixture fixture) : IClassFixture<PubSubJitFixture>
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    [Fact]
    public async Task Two_pages_subscribe_publish_and_see_it_over_WebSocket_and_SSE()
    {
        var d = fixture.Deployment;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ChromiumArgs,
            Headless = true,
            Timeout = 30_000,
        });

        var errors = new List<string>();
        async Task<IPage> OpenAsync(string clientId)
        {
            var page = await browser.NewPageAsync();
            page.PageError += (_, e) => errors.Add(e);
            await page.GotoAsync(d.Http("/").ToString());
            await page.FillAsync("#clientId", clientId);
            await page.ClickAsync("#connect");
            await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("connected", new() { Timeout = 15_000 });
            await page.FillAsync("#channel", "browser-news");
            await page.ClickAsync("#subscribe");
            await Assertions.Expect(page.Locator("#messages li").Last).ToHaveTextAsync("subscribed browser-news");
            return page;
        }

        var alice = await OpenAsync("alice");
        var bob = await OpenAsync("bob");

        // Bob also listens over Server-Sent Events, held by the proxy.
        await bob.FillAsync("#sseChannel", "browser-news");
        await bob.ClickAsync("#listen");
        await Assertions.Expect(bob.Locator("#sseStatus")).ToHaveTextAsync("listening", new() { Timeout = 15_000 });

        await alice.FillAsync("#name", "greeting");
        await alice.FillAsync("#data", """{"text":"hello from alice"}""");
        await alice.ClickAsync("#publish");

        const string shown = """browser-news greeting from alice: {"text":"hello from alice"}""";
        await Assertions.Expect(alice.Locator("#messages li").Last).ToHaveTextAsync(shown);
        await Assertions.Expect(bob.Locator("#messages li").Last).ToHaveTextAsync(shown);
        await Assertions.Expect(bob.Locator("#events li").Last).ToHaveTextAsync(shown);

        // A channel the token does not allow is refused with a typed error (tokens from the page allow every channel,
        // so an invalid name shows the error path instead).
        await alice.FillAsync("#channel", "bad channel!");
        await alice.ClickAsync("#subscribe");
        await Assertions.Expect(alice.Locator("#messages li.err").Last).ToContainTextAsync("invalid-channel");
        Assert.True(errors.Count == 0, "page errors: " + string.Join(" | ", errors));
    }
}
