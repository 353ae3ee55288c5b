using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Grip.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection;

namespace Grip.Hosting.Tests;

public class EndpointTests
{
    [Fact]
    public async Task Open_is_accepted_with_exact_content_type_and_grip_extension()
    {
        await using var host = await ProbeHost.StartAsync();
        using var response = await host.SendAsync(Events.Open);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/websocket-events", string.Join(",", response.Content.Headers.GetValues("Content-Type")));
        Assert.Equal("grip", string.Join(",", response.Headers.GetValues("Sec-WebSocket-Extensions")));
        Assert.False(response.Headers.Contains("Sec-WebSocket-Protocol"));
        Assert.False(response.Headers.Contains("Keep-Alive-Interval"));
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("OPEN\r\n", Events.Decode(body));
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal(["open"], host.Probe.Calls);
    }

    [Fact]
    public async Task Message_is_echoed_with_prefix_and_no_grip_extension_after_open()
    {
        await using var host = await ProbeHost.StartAsync();
        using var response = await host.SendAsync([.. Events.Text("hi"), .. Events.Text("héllo ✓")]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Sec-WebSocket-Extensions"));
        Assert.Equal("TEXT 9\r\nm:echo:hi\r\nTEXT 11\r\nm:echo:héllo ✓\r\n", Events.Decode(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Subprotocol_chosen_by_handler_is_returned()
    {
        await using var host = await ProbeHost.StartAsync();
        host.Probe.OnOpen = c => c.AcceptSubprotocol("bar");
        using var response = await host.SendAsync(Events.Open, configure: r => r.Headers.TryAddWithoutValidation("Sec-WebSocket-Protocol", "foo, bar"));
        Assert.Equal("bar", string.Join(",", response.Headers.GetValues("Sec-WebSocket-Protocol")));
    }

    [Fact]
    public async Task Meta_changes_become_set_meta_headers_and_keep_alive_interval_is_sent()
    {
        await using var host = await ProbeHost.StartAsync();
        host.Probe.OnOpen = c =>
        {
            c.Meta.Set("User", "alice");
            c.Meta.Remove("Old");
            c.SetKeepAliveInterval(TimeSpan.FromSeconds(25));
        };
        using var response = await host.SendAsync(Events.Open, configure: r => r.Headers.TryAddWithoutValidation("Meta-Old", "x"));
        Assert.Equal("alice", string.Join(",", response.Headers.GetValues("Set-Meta-User")));
        Assert.Equal(string.Empty, string.Join(",", response.Headers.GetValues("Set-Meta-Old")));
        Assert.Equal("25", string.Join(",", response.Headers.GetValues("Keep-Alive-Interval")));
    }

    [Fact]
    public async Task Keep_alive_interval_off_is_zero()
    {
        await using var host = await ProbeHost.StartAsync();
        host.Probe.OnOpen = c => c.SetKeepAliveInterval(null);
        using var response = await host.SendAsync(Events.Open);
        Assert.Equal("0", string.Join(",", response.Headers.GetValues("Keep-Alive-Interval")));
    }

    [Fact]
    public async Task Signed_meta_headers_reach_the_handler()
    {
        await using var host = await ProbeHost.StartAsync();
        using var response = await host.SendAsync(Events.Text("x"), configure: r => r.Headers.TryAddWithoutValidation("Meta-User", "alice"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice", host.Probe.LastMeta!["user"]);
    }

    [Fact]
    public async Task Unsigned_meta_headers_are_ignored_in_development_mode()
    {
        await using var host = await ProbeHost.StartAsync(new() { ["Grip:AllowUnsignedRequests"] = "true" });
        using var response = await host.SendAsync(Events.Text("x"), sig: null, configure: r => r.Headers.TryAddWithoutValidation("Meta-User", "mallory"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(host.Probe.LastMeta!);
    }

    [Fact]
    public async Task Handler_reject_relays_status_and_body()
    {
        await using var host = await ProbeHost.StartAsync();
        host.Probe.OnOpen = c => c.Reject(403, "go away");
        using var response = await host.SendAsync(Events.Open);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("go away", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Sec-WebSocket-Extensions"));
    }

    [Fact]
    public async Task Exception_in_open_is_a_500_without_exception_text()
    {
        await using var host = await ProbeHost.StartAsync();
        host.Probe.OnOpen = _ => throw new InvalidOperationException("secret exception text");
        using var response = await host.SendAsync(Events.Open);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("secret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exception_in_message_closes_with_1011_and_hides_the_text()
    {
        await using var host = await ProbeHost.StartAsync();
        using var response = await host.SendAsync(Events.Text("throw"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string body = Events.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("CLOSE ", body, StringComparison.Ordinal);
        Assert.Contains("\u0003\u00f3Internal server error", Encoding.Latin1.GetString(await response.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_and_disconnect_reach_on_close()
    {
        await using var host = await ProbeHost.StartAsync();
        using (var close = await host.SendAsync([.. "CLOSE 2\r\n"u8, 0x0F, 0xA0, .. "\r\n"u8]))
        {
            Assert.Equal([.. "CLOSE 2\r\n"u8, 0x0F, 0xA0, .. "\r\n"u8], await close.Content.ReadAsByteArrayAsync());
        }

        using (var disconnect = await host.SendAsync("DISCONNECT\r\n"u8.ToArray()))
        {
            Assert.Equal(HttpStatusCode.OK, disconnect.StatusCode);
        }

        Assert.Equal(["close:4000", "close:disconnect"], host.Probe.Calls);
    }

    [Fact]
    public async Task Empty_keep_alive_poll_is_answered_with_an_empty_batch()
    {
        await using var host = await ProbeHost.StartAsync();
        using var response = await host.SendAsync([]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(host.Probe.Calls);
    }

    [Fact]
    public async Task Missing_connection_id_is_400()
    {
        await using var host = await ProbeHost.StartAsync();
        using var response = await host.SendAsync(Events.Open, connectionId: null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Connection-Id", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(host.Probe.Calls);
    }

    [Theory]
    [InlineData("TEXT 5", 0)]
    [InlineData("OPEN\r\nTEXT", 6)]
    [InlineData("foobar", 0)]
    [InlineData("TEXT zz\r\nm:bad\r\n", 5)]
    public async Task Malformed_batch_is_400_naming_the_offset_and_runs_no_handler(string body, int offset)
    {
        await using var host = await ProbeHost.StartAsync();
        using var response = await host.SendAsync(Encoding.ASCII.GetBytes(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"at byte {offset}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(host.Probe.Calls);
    }

    [Fact]
    public async Task Malformed_tail_runs_no_handler_for_the_valid_head()
    {
        await using var host = await ProbeHost.StartAsync();
        using var response = await host.SendAsync([.. Events.Text("first"), .. "TEXT 9\r\nshort"u8]);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
    }

    [Theory]
    [InlineData("GET", "application/websocket-events", "application/websocket-events", "POST")]
    [InlineData("POST", "text/plain", "application/websocket-events", "Content-Type")]
    [InlineData("POST", "application/websocket-events", "text/html", "Accept")]
    [InlineData("POST", "application/websocket-events", null, "Accept")]
    public async Task Not_websocket_over_http_is_400_with_a_reason(string method, string contentType, string? accept, string expected)
    {
        await using var host = await ProbeHost.StartAsync(map: app =>
        {
            app.MapGripHandler<ProbeHandler>("/ws");
            app.MapGet("/ws", (RequestDelegate)(ctx => Task.CompletedTask)); // a GET never reaches us through routing
        });
        var request = new HttpRequestMessage(new HttpMethod(method), "/ws");
        if (method != "GET")
        {
            request.Content = new ByteArrayContent(Events.Open);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        request.Headers.TryAddWithoutValidation("Connection-Id", "c");
        request.Headers.TryAddWithoutValidation("Grip-Sig", host.ValidSig());
        using var response = await host.Client.SendAsync(request);
        if (method == "GET")
        {
            // The endpoint is POST only; GET goes elsewhere and never dispatches.
            Assert.Empty(host.Probe.Calls);
            return;
        }

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(host.Probe.Calls);
    }

    [Theory]
    [InlineData("*/*")]
    [InlineData("application/*")]
    [InlineData("text/html, application/websocket-events; q=0.9")]
    public async Task Accept_forms_of_js_grip_are_recognised(string accept)
    {
        await using var host = await ProbeHost.StartAsync();
        using var response = await host.SendAsync(Events.Open, configure: r =>
        {
            r.Headers.Accept.Clear();
            r.Headers.TryAddWithoutValidation("Accept", accept);
            r.Content!.Headers.Remove("Content-Type");
            r.Content.Headers.TryAddWithoutValidation("Content-Type", "application/websocket-events; charset=whatever");
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("application/websocket-events", "application/websocket-events")] // as Pushpin sends them: the ordinal fast path
    [InlineData("APPLICATION/WebSocket-Events", "application/websocket-events")]
    [InlineData("application/websocket-events", "Application/WEBSOCKET-events")]
    [InlineData(" application/websocket-events ", "application/websocket-events ;q=1")]
    [InlineData("application/websocket-events", "application/websocket-events, text/plain")]
    public async Task Media_types_are_compared_without_case_and_around_parameters(string contentType, string accept)
    {
        await using var host = await ProbeHost.StartAsync();
        using var response = await OpenWithMediaTypesAsync(host, contentType, accept);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Probe.Calls);
    }

    [Theory]
    [InlineData("application/websocket-eventsx", "application/websocket-events", "Content-Type")]
    [InlineData("application/websocket-events", "application/websocket-eventsx", "Accept")]
    [InlineData("application/websocket-event", "application/websocket-events", "Content-Type")]
    public async Task A_media_type_that_only_begins_like_ours_is_400(string contentType, string accept, string expected)
    {
        await using var host = await ProbeHost.StartAsync();
        using var response = await OpenWithMediaTypesAsync(host, contentType, accept);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(host.Probe.Calls);
    }

    /// <summary>An OPEN with the given Content-Type and Accept, exactly as written.</summary>
    private static Task<HttpResponseMessage> OpenWithMediaTypesAsync(ProbeHost host, string contentType, string accept) =>
        host.SendAsync(Events.Open, configure: r =>
        {
            r.Headers.Accept.Clear();
            r.Headers.TryAddWithoutValidation("Accept", accept);
            r.Content!.Headers.Remove("Content-Type");
            r.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        });

    [Fact]
    public async Task Body_over_the_limit_is_413()
    {
        await using var host = await ProbeHost.StartAsync(new()
        {
            ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme",
            ["Grip:MaxRequestBodySize"] = "100",
        });
        using var response = await host.SendAsync(Events.Text(new string('x', 200)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(host.Probe.Calls);

        using var ok = await host.SendAsync(Events.Text(new string('x', 80)));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413()
    {
        await using var host = await ProbeHost.StartAsync(new()
        {
            ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme",
            ["Grip:MaxRequestBodySize"] = "5000",
        });
        using var response = await host.SendAsync([], configure: r =>
        {
            var content = new StreamContent(new MemoryStream(Events.Text(new string('x', 20_000))));
            content.Headers.TryAddWithoutValidation("Content-Type", "application/websocket-events");
            r.Content = content;
            r.Headers.TransferEncodingChunked = true;
        });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
    }

    [Fact]
    public async Task Chunked_body_in_small_pieces_past_the_first_buffer_reaches_the_handler_whole()
    {
        // No Content-Length, so the endpoint starts with a 4 KiB buffer and grows it while the body
        // arrives in 100-byte pieces: every event must reach the handler intact and in order.
        await using var host = await ProbeHost.StartAsync();
        var texts = Enumerable.Range(0, 40).Select(i => i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + new string('é', 150)).ToArray();
        byte[] body = [.. texts.SelectMany(Events.Text)];
        Assert.True(body.Length > 3 * 4096);
        using var response = await host.SendAsync([], configure: r =>
        {
            var content = new StreamContent(new TrickleStream(body, 100));
            content.Headers.TryAddWithoutValidation("Content-Type", "application/websocket-events");
            r.Content = content;
            r.Headers.TransferEncodingChunked = true;
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(texts.Select(t => "message:" + t), host.Probe.Calls);
        Assert.Equal(string.Concat(texts.Select(t => Events.Decode(Events.Text("m:echo:" + t)))), Events.Decode(await response.Content.ReadAsByteArrayAsync()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Body_of_exactly_the_limit_is_read_and_one_byte_more_is_413(bool chunked)
    {
        byte[] exact = Events.Text(new string('x', 91));
        await using var host = await ProbeHost.StartAsync(new()
        {
            ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme",
            ["Grip:MaxRequestBodySize"] = exact.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        Action<HttpRequestMessage> As(byte[] body) => r =>
        {
            var content = chunked ? (HttpContent)new StreamContent(new TrickleStream(body, 7)) : new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", "application/websocket-events");
            r.Content = content;
            r.Headers.TransferEncodingChunked = chunked;
        };

        using var ok = await host.SendAsync([], configure: As(exact));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(["message:" + new string('x', 91)], host.Probe.Calls);

        using var over = await host.SendAsync([], configure: As(Events.Text(new string('x', 92))));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Single(host.Probe.Calls);
    }

    [Fact]
    public async Task Without_authentication_the_connection_user_is_anonymous_and_with_it_the_signed_in_user()
    {
        var users = new ConcurrentQueue<System.Security.Claims.ClaimsPrincipal>();
        await using var host = await ProbeHost.StartAsync(
            services: s => s.AddAuthentication("Test").AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, HeaderAuthHandler>("Test", null),
            middleware: app => app.UseAuthentication());
        host.Probe.OnOpen = c => users.Enqueue(c.User);
        using var anonymous = await host.SendAsync(Events.Open);
        using var alice = await host.SendAsync(Events.Open, configure: r => r.Headers.Add("X-User", "alice"));
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        var seen = users.ToArray();
        Assert.Equal(2, seen.Length);
        Assert.False(seen[0].Identity?.IsAuthenticated ?? false);
        Assert.Empty(seen[0].Claims);
        Assert.True(seen[1].Identity?.IsAuthenticated);
        Assert.Equal("alice", seen[1].FindFirst("name")?.Value);
    }

    /// <summary>A body handed out at most <c>piece</c> bytes per read, with a yield between reads.</summary>
    private sealed class TrickleStream(byte[] data, int piece) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(piece, buffer.Length), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return Read(buffer.Span);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Response_compression_never_touches_the_events()
    {
        await using var host = await ProbeHost.StartAsync(
            services: s => s.AddResponseCompression(o =>
            {
                o.EnableForHttps = true;
                o.MimeTypes = ["application/websocket-events"];
                o.Providers.Add<GzipCompressionProvider>();
            }),
            middleware: app => app.UseResponseCompression());
        host.Probe.OnMessage = (c, m) =>
        {
            c.Send(new string('a', 5000));
            return ValueTask.CompletedTask;
        };
        using var response = await host.SendAsync(Events.Text("x"), configure: r => r.Headers.TryAddWithoutValidation("Accept-Encoding", "deflate, gzip, br, zstd"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("gzip", response.Content.Headers.ContentEncoding);
        Assert.Equal("application/websocket-events", response.Content.Headers.ContentType!.ToString());
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        Assert.StartsWith("TEXT 138a\r\nm:aaaa", Encoding.ASCII.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_builder_composes_with_filters()
    {
        await using var host = await ProbeHost.StartAsync(map: app =>
            app.MapGripHandler<ProbeHandler>("/ws").AddEndpointFilter(async (ctx, next) =>
                ctx.HttpContext.Request.Headers.ContainsKey("X-Block")
                    ? Results.StatusCode(429)
                    : await next(ctx)));
        using var blocked = await host.SendAsync(Events.Open, configure: r => r.Headers.Add("X-Block", "1"));
        Assert.Equal((HttpStatusCode)429, blocked.StatusCode);
        Assert.Empty(host.Probe.Calls);
        using var passed = await host.SendAsync(Events.Open);
        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        Assert.Equal(["open"], host.Probe.Calls);
    }

    [Fact]
    public async Task Endpoint_builder_composes_with_authorization()
    {
        await using var host = await ProbeHost.StartAsync(
            services: s =>
            {
                s.AddAuthentication("Test").AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, HeaderAuthHandler>("Test", null);
                s.AddAuthorization();
            },
            middleware: app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
            },
            map: app => app.MapGripHandler<ProbeHandler>("/ws").RequireAuthorization());
        using var anonymous = await host.SendAsync(Events.Open);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty(host.Probe.Calls);
        using var authed = await host.SendAsync(Events.Open, configure: r => r.Headers.Add("X-User", "alice"));
        Assert.Equal(HttpStatusCode.OK, authed.StatusCode);
    }

    [Fact]
    public async Task Endpoint_builder_composes_with_rate_limiting()
    {
        await using var host = await ProbeHost.StartAsync(
            services: s => s.AddRateLimiter(o =>
            {
                o.RejectionStatusCode = 429;
                o.AddFixedWindowLimiter("one", w =>
                {
                    w.PermitLimit = 1;
                    w.Window = TimeSpan.FromHours(1);
                    w.QueueLimit = 0;
                });
            }),
            middleware: app => app.UseRateLimiter(),
            map: app => app.MapGripHandler<ProbeHandler>("/ws").RequireRateLimiting("one"));
        using var first = await host.SendAsync(Events.Open);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await host.SendAsync(Events.Open);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.Equal(["open"], host.Probe.Calls);
    }

    [Fact]
    public async Task Endpoint_builder_composes_with_cors()
    {
        await using var host = await ProbeHost.StartAsync(
            services: s => s.AddCors(o => o.AddPolicy("proxy", p => p.WithOrigins("https://app.example").AllowAnyHeader())),
            middleware: app => app.UseCors(),
            map: app => app.MapGripHandler<ProbeHandler>("/ws").RequireCors("proxy"));
        using var allowed = await host.SendAsync(Events.Open, configure: r => r.Headers.Add("Origin", "https://app.example"));
        Assert.Equal("https://app.example", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        using var other = await host.SendAsync(Events.Open, configure: r => r.Headers.Add("Origin", "https://evil.example"));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Only_post_is_mapped()
    {
        await using var host = await ProbeHost.StartAsync();
        using var response = await host.Client.GetAsync(new Uri("/ws", UriKind.Relative));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
    }
}

public sealed class HeaderAuthHandler(
    Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions> options,
    Microsoft.Extensions.Logging.ILoggerFactory logger,
    System.Text.Encodings.Web.UrlEncoder encoder)
    : Microsoft.AspNetCore.Authentication.AuthenticationHandler<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<Microsoft.AspNetCore.Authentication.AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue("X-User", out var user))
        {
            return Task.FromResult(Microsoft.AspNetCore.Authentication.AuthenticateResult.NoResult());
        }

        var identity = new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("name", user.ToString())], "Test");
        return Task.FromResult(Microsoft.AspNetCore.Authentication.AuthenticateResult.Success(
            new Microsoft.AspNetCore.Authentication.AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(identity), "Test")));
    }
}
