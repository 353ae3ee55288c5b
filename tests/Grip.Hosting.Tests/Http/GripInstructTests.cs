using System.Net;
using System.Security.Cryptography;
using System.Text;
using Grip.Hosting.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Tests.Http;

/// <summary>GRIP HTTP hold instructions (grip-spec §6, vectors §8.8).</summary>
public sealed class GripInstructTests
{
    [Fact]
    public void One_channel_long_poll_with_timeout()
    {
        var headers = new GripInstruct(GripHoldMode.Response, "foo") { TimeoutSeconds = 100 }.BuildHeaders();
        Assert.Equal(
            [new("Grip-Hold", "response"), new("Grip-Channel", "foo"), new("Grip-Timeout", "100")],
            headers);
    }

    [Fact]
    public void Channels_with_prev_ids_and_filters()
    {
        Assert.Equal("channel; prev-id=prev-id", GripInstruct.FormatChannels([new("channel", "prev-id")]));
        Assert.Equal(
            "channel1; prev-id=prev-id1, channel2; prev-id=prev-id2",
            GripInstruct.FormatChannels([new("channel1", "prev-id1"), new("channel2", "prev-id2")]));
        Assert.Equal("room; filter=skip-self", GripInstruct.FormatChannels([new("room", null, ["skip-self"])]));
    }

    [Fact]
    public void Keep_alive_is_always_base64()
    {
        var headers = new GripInstruct(GripHoldMode.Stream, "foo") { KeepAliveContent = "foo"u8.ToArray(), KeepAliveTimeoutSeconds = 100 }.BuildHeaders();
        Assert.Contains(new KeyValuePair<string, string>("Grip-Keep-Alive", "Zm9v; format=base64; timeout=100"), headers);

        var interval = new GripInstruct(GripHoldMode.Stream, "foo") { KeepAliveContent = "a\tb; c\n"u8.ToArray(), KeepAliveTimeoutSeconds = 3, KeepAliveMode = GripHoldKeepAliveMode.Interval }.BuildHeaders();
        Assert.Contains(new KeyValuePair<string, string>("Grip-Keep-Alive", "YQliOyBjCg==; format=base64; timeout=3; mode=interval"), interval);
    }

    [Fact]
    public void Meta_is_quoted_with_escapes()
    {
        Assert.Equal("bar=\"baz\", hoge=\"piyo\"", GripInstruct.FormatMeta(new Dictionary<string, string> { ["hoge"] = "piyo", ["bar"] = "baz" }));
        Assert.Equal("bar=\"\\\"quoted string\\\"\"", GripInstruct.FormatMeta(new Dictionary<string, string> { ["bar"] = "\"quoted string\"" }));
    }

    [Fact]
    public void Stream_with_next_link_and_status()
    {
        var headers = new GripInstruct(GripHoldMode.Stream, "news")
        {
            NextLink = new Uri("https://www.example.com/path/"),
            NextLinkTimeoutSeconds = 100,
            Status = 304,
            StatusReason = "Not Modified",
        }.BuildHeaders();
        Assert.Contains(new KeyValuePair<string, string>("Grip-Hold", "stream"), headers);
        Assert.Contains(new KeyValuePair<string, string>("Grip-Link", "<https://www.example.com/path/>; rel=next; timeout=100"), headers);
        Assert.Contains(new KeyValuePair<string, string>("Grip-Status", "304 Not Modified"), headers);

        var noTimeout = new GripInstruct(GripHoldMode.Stream, "news") { NextLink = new Uri("http://example.com/path/") }.BuildHeaders();
        Assert.Contains(new KeyValuePair<string, string>("Grip-Link", "<http://example.com/path/>; rel=next"), noTimeout);
    }

    [Theory]
    [InlineData("a,b")]
    [InlineData("a;b")]
    [InlineData("a b")]
    [InlineData("")]
    [InlineData("caf\u00e9")]
    public void Channel_names_the_proxy_would_misread_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new GripInstruct(GripHoldMode.Stream, name).BuildHeaders());

    [Fact]
    public void Values_the_proxy_would_change_silently_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GripInstruct(GripHoldMode.Response, "c") { TimeoutSeconds = 4 }.BuildHeaders());
        Assert.Throws<ArgumentException>(() => new GripInstruct(GripHoldMode.Stream, "c") { TimeoutSeconds = 30 }.BuildHeaders());
        Assert.Throws<ArgumentOutOfRangeException>(() => new GripInstruct(GripHoldMode.Stream, "c") { KeepAliveContent = "x"u8.ToArray(), KeepAliveTimeoutSeconds = 0 }.BuildHeaders());
        Assert.Throws<ArgumentException>(() => new GripInstruct(GripHoldMode.Stream, Array.Empty<string>()));
    }

    [Fact]
    public void Server_sent_events_are_formatted_line_by_line()
    {
        Assert.Equal("event: message\nid: 7\ndata: {\"a\":1}\n\n", GripResults.FormatServerSentEvent("{\"a\":1}", "message", "7"));
        Assert.Equal("data: line1\ndata: line2\n\n", GripResults.FormatServerSentEvent("line1\r\nline2"));
        Assert.Throws<ArgumentException>(() => GripResults.FormatServerSentEvent("x", "bad\nname"));
    }

    [Fact]
    public async Task A_signed_request_gets_the_hold_headers_and_an_unsigned_one_gets_501()
    {
        const string key = "hold-test-key";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddGrip(o => o.GripUrl = "http://127.0.0.1:5561/?iss=pushpin&key=" + key);
        await using var app = builder.Build();
        app.MapGet("/api/stream/{channel}", (string channel) => GripResults.EventStream([new GripHoldChannel(channel)], 20, "event: hello\ndata: {}\n\n"));
        await app.StartAsync();
        using var client = app.GetTestServer().CreateClient();

        using var unsigned = await client.GetAsync(new Uri("/api/stream/news", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotImplemented, unsigned.StatusCode);
        Assert.False(unsigned.Headers.Contains("Grip-Hold"));

        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/stream/news");
        forged.Headers.Add("Grip-Sig", Sign("wrong-key"));
        using var forgedResponse = await client.SendAsync(forged);
        Assert.Equal(HttpStatusCode.NotImplemented, forgedResponse.StatusCode);

        using var signed = new HttpRequestMessage(HttpMethod.Get, "/api/stream/news");
        signed.Headers.Add("Grip-Sig", Sign(key));
        using var response = await client.SendAsync(signed);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("stream", Assert.Single(response.Headers.GetValues("Grip-Hold")));
        Assert.Equal("news", Assert.Single(response.Headers.GetValues("Grip-Channel")));
        Assert.Equal("OgoK; format=base64; timeout=20", Assert.Single(response.Headers.GetValues("Grip-Keep-Alive")));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("event: hello\ndata: {}\n\n", await response.Content.ReadAsStringAsync());
    }

    /// <summary>A Pushpin-style HS256 Grip-Sig: {"exp": now+3600, "iss": "pushpin"}.</summary>
    private static string Sign(string key)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        string header = B64("""{"typ":"JWT","alg":"HS256"}"""u8.ToArray());
        string claims = B64(Encoding.UTF8.GetBytes($$"""{"exp":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600}},"iss":"pushpin"}"""));
        string input = header + "." + claims;
        return input + "." + B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(input)));
    }
}
