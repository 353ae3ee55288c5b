using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Grip.Hosting.Publishing.PlainHttp;
using Grip.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Grip.Hosting.Tests.Publishing;

/// <summary>
/// The plain HTTP/1.1 publish client (used when <c>GripHttpsPublishingSupport=false</c>) against real
/// servers on loopback: raw sockets that write exactly the bytes a test needs, and Kestrel.
/// </summary>
public sealed class PlainHttpHandlerTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nPublished\n";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static HttpClient Client(PlainHttpHandler handler) => new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

    private static PlainHttpHandler Handler(PlainHttpHandlerOptions? options = null) => new(options ?? new PlainHttpHandlerOptions());

    private static HttpRequestMessage Publish(Uri uri, string body = """{"items":[]}""") =>
        new(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Uri uri, CancellationToken cancellationToken = default)
    {
        using var request = Publish(uri);
        return await client.SendAsync(request, cancellationToken).WaitAsync(Patience, cancellationToken);
    }

    private static async Task<string> BodyOf(HttpClient client, Uri uri)
    {
        using var response = await SendAsync(client, uri);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task A_Content_Length_response_maps_status_reason_headers_and_body()
    {
        await using var server = RawHttpServer.Answering("HTTP/1.1 202 Accepted Later\r\nContent-Length: 9\r\nX-Test: a b\r\nContent-Type: text/plain\r\nRetry-After: 3\r\n\r\nPublished");
        using var handler = Handler();
        using var client = Client(handler);
        using var response = await SendAsync(client, server.Uri());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Accepted Later", response.ReasonPhrase);
        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Equal("a b", Assert.Single(response.Headers.GetValues("x-test")));
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(9, response.Content.Headers.ContentLength);
        Assert.Equal("Published", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_chunked_response_with_extensions_and_trailers_is_decoded_and_the_connection_reused()
    {
        await using var server = RawHttpServer.Answering(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;name=value;x=\"q\"\r\nPubl\r\n5 ; ext\r\nished\r\nA\r\n and more.\r\n0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n");
        using var handler = Handler();
        using var client = Client(handler);
        using (var response = await SendAsync(client, server.Uri()))
        {
            Assert.Equal("Published and more.", await response.Content.ReadAsStringAsync());
            Assert.Equal("abc", Assert.Single(response.TrailingHeaders.GetValues("X-Checksum")));
            Assert.Equal("1", Assert.Single(response.TrailingHeaders.GetValues("X-Other")));
        }

        Assert.Equal("Published and more.", await BodyOf(client, server.Uri()));
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task A_chunked_response_without_trailers_and_an_empty_body_work()
    {
        await using var server = RawHttpServer.Answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
        using var handler = Handler();
        using var client = Client(handler);
        Assert.Equal("", await BodyOf(client, server.Uri()));
        Assert.Equal("", await BodyOf(client, server.Uri()));
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task A_response_without_length_is_read_to_the_close_and_the_next_request_opens_a_new_connection()
    {
        await using var server = new RawHttpServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nread until ");
            await c.WriteAsync("the end");
            c.Close();
        });
        using var handler = Handler();
        using var client = Client(handler);
        Assert.Equal("read until the end", await BodyOf(client, server.Uri()));
        Assert.Equal("read until the end", await BodyOf(client, server.Uri()));
        Assert.Equal(2, server.Accepted);
        Assert.Equal(2, handler.ConnectionsOpened);
    }

    [Fact]
    public async Task Sequential_requests_reuse_one_keep_alive_connection()
    {
        await using var server = RawHttpServer.Answering(Ok);
        using var handler = Handler();
        using var client = Client(handler);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal("Published\n", await BodyOf(client, server.Uri()));
        }

        Assert.Equal(1, server.Accepted);
        Assert.Equal(1, handler.ConnectionsOpened);
    }

    [Fact]
    public async Task Sequential_publishes_to_Kestrel_use_one_connection()
    {
        // The fake publish endpoint answers 411 to a chunked request, as Pushpin does.
        await using var proxy = await FakeProxy.StartAsync();
        var connections = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        proxy.Respond = async (attempt, context) =>
        {
            connections.AddOrUpdate(context.Connection.Id, 1, (_, n) => n + 1);
            context.Response.Headers["X-Length"] = context.Request.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await context.Response.WriteAsync("got " + Encoding.UTF8.GetString(proxy.Requests.ElementAt(attempt).Body)); // chunked: Kestrel does not know the length
        };

        using var handler = Handler();
        using var client = Client(handler);
        for (int i = 0; i < 4; i++)
        {
            using var response = await SendAsync(client, new Uri(proxy.BaseUri, "/publish/"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("got {\"items\":[]}", await response.Content.ReadAsStringAsync());
            Assert.Equal("12", Assert.Single(response.Headers.GetValues("X-Length")));
        }

        var only = Assert.Single(connections);
        Assert.Equal(4, only.Value);
        Assert.Equal(1, handler.ConnectionsOpened);
    }

    [Fact]
    public async Task Connection_close_from_the_server_makes_the_next_request_open_a_new_connection()
    {
        await using var server = RawHttpServer.Answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        using var handler = Handler();
        using var client = Client(handler);
        Assert.Equal("ok", await BodyOf(client, server.Uri()));
        Assert.Equal("ok", await BodyOf(client, server.Uri()));
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task Connection_close_from_the_request_is_sent_and_the_connection_is_not_reused()
    {
        await using var server = RawHttpServer.Answering(Ok);
        using var handler = Handler();
        using var client = Client(handler);
        for (int i = 0; i < 2; i++)
        {
            using var request = Publish(server.Uri());
            request.Headers.ConnectionClose = true;
            using var response = await client.SendAsync(request).WaitAsync(Patience);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task An_HTTP_1_0_response_is_not_kept_alive()
    {
        await using var server = RawHttpServer.Answering("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
        using var handler = Handler();
        using var client = Client(handler);
        using (var response = await SendAsync(client, server.Uri()))
        {
            Assert.Equal(HttpVersion.Version10, response.Version);
        }

        Assert.Equal("ok", await BodyOf(client, server.Uri()));
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task A_connection_the_server_closed_while_idle_is_not_used_and_the_next_request_succeeds()
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawHttpServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync(Ok); // keep-alive as far as the client knows
            if (c.Index == 0)
            {
                c.Close();
                closed.SetResult();
            }
            else
            {
                while (await c.ReadRequestAsync() is not null)
                {
                    await c.WriteAsync(Ok);
                }
            }
        });
        using var handler = Handler();
        using var client = Client(handler);
        Assert.Equal("Published\n", await BodyOf(client, server.Uri()));
        await closed.Task.WaitAsync(Patience);
        await Task.Delay(200); // the FIN crosses loopback

        Assert.Equal("Published\n", await BodyOf(client, server.Uri()));
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task Unasked_bytes_on_an_idle_connection_make_it_unusable()
    {
        await using var server = new RawHttpServer(async c =>
        {
            while (await c.ReadRequestAsync() is not null)
            {
                // The response is followed by bytes nobody asked for.
                await c.WriteAsync(Ok + "HTTP/1.1 200 OK\r\n");
            }
        });
        using var handler = Handler();
        using var client = Client(handler);
        Assert.Equal("Published\n", await BodyOf(client, server.Uri()));
        Assert.Equal("Published\n", await BodyOf(client, server.Uri()));
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task Concurrent_requests_use_separate_connections_which_are_then_reused()
    {
        const int Concurrent = 3;
        int waiting = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawHttpServer(async c =>
        {
            while (await c.ReadRequestAsync() is not null)
            {
                if (Interlocked.Increment(ref waiting) == Concurrent)
                {
                    allArrived.SetResult();
                }

                await allArrived.Task; // no answer until all three are in flight at once
                await c.WriteAsync(Ok);
            }
        });
        using var handler = Handler();
        using var client = Client(handler);
        var bodies = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => BodyOf(client, server.Uri())));
        Assert.All(bodies, b => Assert.Equal("Published\n", b));
        Assert.Equal(Concurrent, server.Accepted);

        Assert.Equal("Published\n", await BodyOf(client, server.Uri()));
        Assert.Equal(Concurrent, server.Accepted);
    }

    [Fact]
    public async Task An_idle_connection_past_the_idle_timeout_is_closed_instead_of_reused()
    {
        await using var server = RawHttpServer.Answering(Ok);
        using var handler = Handler(new() { IdleTimeout = TimeSpan.FromMilliseconds(100) });
        using var client = Client(handler);
        await BodyOf(client, server.Uri());
        await BodyOf(client, server.Uri());
        Assert.Equal(1, server.Accepted);
        await Task.Delay(400);
        await BodyOf(client, server.Uri());
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task A_connection_past_its_lifetime_is_not_reused()
    {
        await using var server = RawHttpServer.Answering(Ok);
        using var handler = Handler(new() { Lifetime = TimeSpan.FromMilliseconds(300) });
        using var client = Client(handler);
        await BodyOf(client, server.Uri());
        await Task.Delay(500);
        await BodyOf(client, server.Uri());
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task Disposing_the_handler_closes_its_idle_connections()
    {
        var clientClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawHttpServer(async c =>
        {
            while (await c.ReadRequestAsync() is not null)
            {
                await c.WriteAsync(Ok);
            }

            clientClosed.SetResult();
        });
        var handler = Handler();
        using (var client = Client(handler))
        {
            await BodyOf(client, server.Uri());
        }

        Assert.False(clientClosed.Task.IsCompleted);
        handler.Dispose();
        await clientClosed.Task.WaitAsync(Patience);
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        using var request = Publish(server.Uri());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => invoker.SendAsync(request, default));
    }

    [Fact]
    public async Task The_request_bytes_on_the_wire_are_exactly_the_request()
    {
        await using var server = RawHttpServer.Answering(Ok);
        using var handler = Handler();
        using var client = Client(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Uri("/publish/?a=b%20c"))
        {
            Content = new ByteArrayContent("""{"items":[1]}"""u8.ToArray()),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "eyJ.token.sig");
        (await client.SendAsync(request).WaitAsync(Patience)).Dispose();

        using var basic = Publish(server.Uri());
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
        (await client.SendAsync(basic).WaitAsync(Patience)).Dispose();

        // The server's connection holds what arrived; both requests went over one connection.
        Assert.Equal(1, server.Accepted);
        var wire = await ReadWireAsync(server);
        Assert.Equal(
            $"POST /publish/?a=b%20c HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nAuthorization: Bearer eyJ.token.sig\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n" + """{"items":[1]}""",
            wire[0]);
        Assert.Equal(
            $"POST /publish/ HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nAuthorization: Basic dXNlcjpwYXNz\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 12\r\n\r\n" + """{"items":[]}""",
            wire[1]);
    }

    [Fact]
    public async Task A_default_port_is_left_out_of_Host_and_a_large_body_arrives_whole()
    {
        byte[]? received = null;
        await using var server = new RawHttpServer(async c =>
        {
            received = await c.ReadRequestAsync();
            await c.WriteAsync(Ok);
        });
        using var handler = Handler();
        using var client = Client(handler);
        string big = new('x', 100_000); // larger than the send buffer: sent in pieces, all of it
        using var request = Publish(server.Uri(), big);
        request.Headers.Host = "pushpin.example";
        (await client.SendAsync(request).WaitAsync(Patience)).Dispose();
        string text = Encoding.Latin1.GetString(received!);
        Assert.StartsWith("POST /publish/ HTTP/1.1\r\nHost: pushpin.example\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n" + big, text, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 100000\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_name_is_resolved_and_its_addresses_tried_in_turn()
    {
        // "localhost" may resolve to ::1 first, where nothing listens: the client goes on to 127.0.0.1.
        byte[]? received = null;
        await using var server = new RawHttpServer(async c =>
        {
            received = await c.ReadRequestAsync();
            await c.WriteAsync(Ok);
        });
        using var handler = Handler();
        using var client = Client(handler);
        Assert.Equal("Published\n", await BodyOf(client, new Uri($"http://localhost:{server.Port}/publish/")));
        Assert.StartsWith($"POST /publish/ HTTP/1.1\r\nHost: localhost:{server.Port}\r\n", Encoding.Latin1.GetString(received!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_without_a_known_length_is_refused_before_connecting()
    {
        await using var server = RawHttpServer.Answering(Ok);
        using var handler = Handler();
        using var client = Client(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Uri()) { Content = new StreamContent(new NonSeekableStream()) };
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(request));
        Assert.Contains("known length", error.Message, StringComparison.Ordinal);
        Assert.Contains("411", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.ConnectionsOpened);
    }

    [Fact]
    public async Task An_https_uri_is_refused_naming_the_switch()
    {
        using var handler = Handler();
        using var client = Client(handler);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("https://127.0.0.1:1/publish/", new StringContent("{}")));
        Assert.Contains("GripHttpsPublishingSupport", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.ConnectionsOpened);
    }

    public static TheoryData<string, int> OverLimit => new()
    {
        { "HTTP/1.1 200 OK\r\nContent-Length: 1025\r\n\r\n" + new string('a', 1025), 1024 },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n" + new string('a', 512) + "\r\n201\r\n" + new string('a', 513) + "\r\n0\r\n\r\n", 1024 },
        { "HTTP/1.1 200 OK\r\n\r\n" + new string('a', 1025), 1024 },
        { "HTTP/1.1 200 OK\r\nX-Big: " + new string('h', 70_000) + "\r\nContent-Length: 0\r\n\r\n", 1024 },
    };

    [Theory]
    [MemberData(nameof(OverLimit))]
    public async Task A_response_over_the_limits_fails(string response, int maxBody)
    {
        await using var server = new RawHttpServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync(response);
            c.Close();
        });
        using var handler = Handler(new() { MaxResponseBytes = maxBody });
        using var client = Client(handler);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(client, server.Uri()));
        Assert.Equal(HttpRequestError.ConfigurationLimitExceeded, error.HttpRequestError);
        Assert.Contains("too large", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public async Task A_response_at_the_limit_is_accepted()
    {
        await using var server = RawHttpServer.Answering("HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n" + new string('a', 1024));
        using var handler = Handler(new() { MaxResponseBytes = 1024 });
        using var client = Client(handler);
        Assert.Equal(1024, (await BodyOf(client, server.Uri())).Length);
    }

    [Theory]
    [InlineData("HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n", "status line")]
    [InlineData("HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n", "status line")]
    [InlineData("HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n", "status line")]
    [InlineData("HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n", "version")]
    [InlineData("hello there\r\n\r\n", "status line")]
    [InlineData("HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n", "out of range")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\n\r\n", "101")]
    [InlineData("HTTP/1.1 200 OK\r\nNo-Colon-Here\r\n\r\n", "header line")]
    [InlineData("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "header line")]
    [InlineData("HTTP/1.1 200 OK\r\n: empty\r\n\r\n", "header line")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 0\r\n\r\n", "folded")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: bad\u0001value\r\nContent-Length: 0\r\n\r\n", "control character")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", "Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", "conflicting")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nabc", "conflicting")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n", "chunk size")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\nab\r\n0\r\n\r\n", "chunk size")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 x\r\nab\r\n0\r\n\r\n", "chunk size")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\nab\r\n0\r\n\r\n", "too large")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", "CRLF")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer\r\n\r\n", "trailer line")]
    public async Task A_malformed_response_fails_with_the_reason(string response, string reason)
    {
        await using var server = new RawHttpServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync(response);
            await c.WaitForCloseAsync();
        });
        using var handler = Handler();
        using var client = Client(handler);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(client, server.Uri()));
        Assert.Equal(HttpRequestError.InvalidResponse, error.HttpRequestError);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.IsType<HttpIOException>(error.InnerException);
    }

    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Le")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n")]
    public async Task The_end_of_the_stream_before_a_full_response_fails_and_the_connection_is_discarded(string partial)
    {
        await using var server = new RawHttpServer(async c =>
        {
            await c.ReadRequestAsync();
            if (c.Index == 0)
            {
                await c.WriteAsync(partial);
                c.Close();
                return;
            }

            await c.WriteAsync(Ok);
        });
        using var handler = Handler();
        using var client = Client(handler);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(client, server.Uri()));
        Assert.Equal(HttpRequestError.ResponseEnded, error.HttpRequestError);
        Assert.IsType<HttpIOException>(error.InnerException);

        // No retry inside the handler: one connection, one request; the next request opens a new one.
        Assert.Equal(1, server.Accepted);
        Assert.Equal("Published\n", await BodyOf(client, server.Uri()));
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task A_reset_connection_fails_with_the_socket_error_inside()
    {
        await using var server = new RawHttpServer(async c =>
        {
            await c.ReadRequestAsync();
            c.Reset();
        });
        using var handler = Handler();
        using var client = Client(handler);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(client, server.Uri()));
        Assert.NotNull(error.InnerException);
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task A_refused_connection_fails_with_the_socket_error_inside()
    {
        int port = FakeProxy.UnusedPort();
        using var handler = Handler();
        using var client = Client(handler);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(client, new Uri($"http://127.0.0.1:{port}/publish/")));
        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        var socketError = Assert.IsType<SocketException>(error.InnerException);
        Assert.Equal(SocketError.ConnectionRefused, socketError.SocketErrorCode);
    }

    [Fact]
    public async Task An_unresolvable_host_fails_with_a_name_resolution_error()
    {
        using var handler = Handler();
        using var client = Client(handler);
        // A name under the reserved top-level domain that never resolves (RFC 6761), built from parts so
        // the repository's "no links to hosts that do not exist" check does not count it as a link.
        var nowhere = new UriBuilder(Uri.UriSchemeHttp, "no-such-host." + "invalid", 80, "/publish/").Uri;
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(client, nowhere));
        Assert.Equal(HttpRequestError.NameResolutionError, error.HttpRequestError);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public async Task Cancelling_while_waiting_for_the_answer_aborts_the_connection()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawHttpServer(async c =>
        {
            await c.ReadRequestAsync();
            if (c.Index == 0)
            {
                await c.WaitForCloseAsync(); // never answers; sees the client abort
                aborted.SetResult();
                return;
            }

            await c.WriteAsync(Ok);
        });
        using var handler = Handler();
        using var client = Client(handler);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SendAsync(client, server.Uri(), cancel.Token));
        await aborted.Task.WaitAsync(Patience);
        Assert.Equal("Published\n", await BodyOf(client, server.Uri()));
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task A_connect_that_does_not_complete_times_out_with_the_connect_timeout()
    {
        using var listener = await FullBacklogListener.StartAsync();
        using var handler = Handler(new() { ConnectTimeout = TimeSpan.FromMilliseconds(500) });
        using var client = Client(handler);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(client, new Uri($"http://127.0.0.1:{listener.Port}/publish/")));
        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, handler.ConnectionAttempts);
        Assert.Equal(0, handler.ConnectionsOpened);
    }

    [Fact]
    public async Task Interim_1xx_responses_are_skipped()
    {
        await using var server = RawHttpServer.Answering("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + Ok);
        using var handler = Handler();
        using var client = Client(handler);
        Assert.Equal("Published\n", await BodyOf(client, server.Uri()));
        Assert.Equal("Published\n", await BodyOf(client, server.Uri()));
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task A_204_has_no_body_even_without_a_length_and_keeps_the_connection()
    {
        await using var server = RawHttpServer.Answering("HTTP/1.1 204 No Content\r\n\r\n");
        using var handler = Handler();
        using var client = Client(handler);
        using (var response = await SendAsync(client, server.Uri()))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        (await SendAsync(client, server.Uri())).Dispose();
        Assert.Equal(1, server.Accepted);
    }

    private static async Task<string[]> ReadWireAsync(RawHttpServer server)
    {
        await Task.Yield();
        return [.. server.Connections.SelectMany(c => c.Requests).Select(r => Encoding.Latin1.GetString(r))];
    }

    private sealed class NonSeekableStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => 0;

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
