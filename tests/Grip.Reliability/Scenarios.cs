using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Grip.Testing.Pushpin;

namespace Grip.Reliability;

/// <summary>The scenarios of docs/reliability.md. Each starts what it needs on free loopback ports and stops it.</summary>
public static class Scenarios
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) }) { Timeout = TimeSpan.FromSeconds(60) };

    private static string NewKey() => "rel-" + Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();

    private static string GripUrl(int publishPort, string key, bool verifyIss = true) =>
        $"http://127.0.0.1:{publishPort}/?iss=pushpin&key={key}" + (verifyIss ? "&verify-iss=pushpin" : string.Empty);

    // ---------------------------------------------------------------- jwt

    /// <summary>Forged Grip-Sig variants against samples/Echo: every one 401, never dispatched.</summary>
    public static async Task<Record> JwtAsync()
    {
        var record = new Record("jwt");
        string key = NewKey();
        byte[] k = Encoding.UTF8.GetBytes(key);
        await using var echo = await EchoProcess.StartAsync(PushpinProcess.GetFreePort(), GripUrl(PushpinProcess.GetFreePort(), key));
        var uri = new Uri(echo.BaseUri, "/api/websocket");
        long exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        long past = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        const string Hs = """{"typ":"JWT","alg":"HS256"}""";
        string good = $$"""{"iss":"pushpin","exp":{{exp}}}""";
        string valid = Net.Jwt(Hs, good, k);
        string[] parts = valid.Split('.');
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var variants = new Dictionary<string, string?>
        {
            ["missing"] = null,
            ["empty"] = string.Empty,
            ["garbage"] = "value",
            ["two dots"] = "..",
            ["one segment"] = parts[0],
            ["two segments"] = parts[0] + "." + parts[1],
            ["four segments"] = valid + ".x",
            ["alg none with dot"] = Net.Jwt("""{"typ":"JWT","alg":"none"}""", good, null),
            ["alg none no dot"] = Net.Jwt("""{"typ":"JWT","alg":"none"}""", good, null).TrimEnd('.'),
            ["alg None"] = Net.Jwt("""{"typ":"JWT","alg":"None"}""", good, null),
            ["alg HS384"] = Net.Jwt("""{"typ":"JWT","alg":"HS384"}""", good, k),
            ["alg HS512"] = Net.Jwt("""{"typ":"JWT","alg":"HS512"}""", good, k),
            ["alg RS256 signed with HMAC"] = Net.Jwt("""{"typ":"JWT","alg":"RS256"}""", good, k),
            ["alg missing"] = Net.Jwt("""{"typ":"JWT"}""", good, k),
            ["wrong key"] = Net.Jwt(Hs, good, Encoding.UTF8.GetBytes(key + "x")),
            ["empty key"] = Net.Jwt(Hs, good, []),
            ["Pushpin's default key changeme"] = Net.Jwt(Hs, good, "changeme"u8.ToArray()),
            ["expired"] = Net.Jwt(Hs, $$"""{"iss":"pushpin","exp":{{past}}}""", k),
            ["exp in 11 s past the skew"] = Net.Jwt(Hs, $$"""{"iss":"pushpin","exp":{{DateTimeOffset.UtcNow.AddSeconds(-11).ToUnixTimeSeconds()}}}""", k),
            ["no exp"] = Net.Jwt(Hs, """{"iss":"pushpin"}""", k),
            ["exp string"] = Net.Jwt(Hs, """{"iss":"pushpin","exp":"tomorrow"}""", k),
            ["exp numeric string"] = Net.Jwt(Hs, $$"""{"iss":"pushpin","exp":"{{exp}}"}""", k),
            ["exp null"] = Net.Jwt(Hs, """{"iss":"pushpin","exp":null}""", k),
            ["exp object"] = Net.Jwt(Hs, $$$"""{"iss":"pushpin","exp":{"v":{{{exp}}}}}""", k),
            ["exp array"] = Net.Jwt(Hs, $$"""{"iss":"pushpin","exp":[{{exp}}]}""", k),
            ["exp true"] = Net.Jwt(Hs, """{"iss":"pushpin","exp":true}""", k),
            ["exp 1e400"] = Net.Jwt(Hs, """{"iss":"pushpin","exp":1e400}""", k),
            ["nbf in the future"] = Net.Jwt(Hs, $$"""{"iss":"pushpin","exp":{{exp}},"nbf":{{exp - 60}}}""", k),
            ["wrong iss"] = Net.Jwt(Hs, $$"""{"iss":"mallory","exp":{{exp}}}""", k),
            ["no iss"] = Net.Jwt(Hs, $$"""{"exp":{{exp}}}""", k),
            ["iss as a list"] = Net.Jwt(Hs, $$"""{"iss":["pushpin"],"exp":{{exp}}}""", k),
            ["crit unknown"] = Net.Jwt("""{"typ":"JWT","alg":"HS256","crit":["exp-v2"],"exp-v2":1}""", good, k),
            ["crit empty"] = Net.Jwt("""{"typ":"JWT","alg":"HS256","crit":[]}""", good, k),
            ["crit b64"] = Net.Jwt("""{"typ":"JWT","alg":"HS256","crit":["b64"],"b64":false}""", good, k),
            ["crit alg"] = Net.Jwt("""{"typ":"JWT","alg":"HS256","crit":["alg"]}""", good, k),
            ["truncated signature"] = valid[..^5],
            ["tampered payload"] = parts[0] + "." + Convert.ToBase64String(Encoding.UTF8.GetBytes($$"""{"iss":"pushpin","exp":{{exp + 99999}}}""")).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[2],
            ["signature stripped"] = parts[0] + "." + parts[1] + ".",
            ["signature of another token"] = parts[0] + "." + parts[1] + "." + Net.Jwt(Hs, $$"""{"iss":"pushpin","exp":{{exp + 1}}}""", k).Split('.')[2],
            ["padding in segments"] = parts[0] + "=." + parts[1] + "." + parts[2],
            ["standard base64 instead of base64url"] = valid.Replace('-', '+').Replace('_', '/') + (valid.Contains('-') || valid.Contains('_') ? string.Empty : "+"),
            ["whitespace inside"] = parts[0] + " ." + parts[1] + "." + parts[2],
            ["RS256 with an attacker's key"] = RsaJwt(rsa, good),
            ["header not JSON"] = Convert.ToBase64String("not json"u8.ToArray()).TrimEnd('=') + "." + parts[1] + "." + parts[2],
            ["payload not JSON"] = Net.Jwt(Hs, "not json", k),
            ["payload a JSON array"] = Net.Jwt(Hs, $$"""[{"iss":"pushpin","exp":{{exp}}}]""", k),
            ["4 KB token"] = Net.Jwt(Hs, $$"""{"iss":"pushpin","exp":{{exp}},"pad":"{{new string('a', 4000)}}"}""", Encoding.UTF8.GetBytes("x")),
        };

        const int Rounds = 20;
        long refused = 0;
        long total = 0;
        var failures = new List<string>();
        for (int round = 0; round < Rounds; round++)
        {
            foreach (var (name, sig) in variants)
            {
                using var response = await Http.SendAsync(Net.Batch(uri, "OPEN\r\n"u8.ToArray(), sig));
                string body = await response.Content.ReadAsStringAsync();
                total++;
                if (response.StatusCode == HttpStatusCode.Unauthorized && !body.Contains("OPEN", StringComparison.Ordinal))
                {
                    refused++;
                }
                else if (round == 0)
                {
                    failures.Add($"{name}: {(int)response.StatusCode}");
                }
            }
        }

        record.Add($"forged Grip-Sig variants ({variants.Count} kinds x {Rounds} rounds) to samples/Echo /api/websocket", total, $"{refused} answered 401, none dispatched" + (failures.Count > 0 ? "; NOT refused: " + string.Join("; ", failures) : string.Empty), refused == total);

        long ok = 0;
        for (int i = 0; i < 100; i++)
        {
            using var response = await Http.SendAsync(Net.Batch(uri, "OPEN\r\n"u8.ToArray(), Net.ValidSig(key), "rel-" + i));
            ok += response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync()).StartsWith("OPEN\r\n", StringComparison.Ordinal) ? 1 : 0;
        }

        record.Add("valid Grip-Sig (control)", 100, $"{ok} answered 200 OPEN", ok == 100);

        // The README's setup before issue 14 (no verify-iss): the key alone decides, and the start-up warns.
        await using var open = await EchoProcess.StartAsync(PushpinProcess.GetFreePort(), GripUrl(PushpinProcess.GetFreePort(), key, verifyIss: false));
        using (var wrongIss = await Http.SendAsync(Net.Batch(new Uri(open.BaseUri, "/api/websocket"), "OPEN\r\n"u8.ToArray(), variants["wrong iss"])))
        {
            bool warned = open.Output.Contains("checks no issuer", StringComparison.Ordinal);
            record.Add("wrong iss, GRIP_URL without verify-iss (the old Quickstart)", 1, $"{(int)wrongIss.StatusCode} (accepted: the key alone decides); start-up warning 14 printed: {warned}", wrongIss.StatusCode == HttpStatusCode.OK && warned);
        }

        bool quiet = !echo.Output.Contains("checks no issuer", StringComparison.Ordinal);
        record.Add("GRIP_URL with verify-iss (the Quickstart now)", 1, $"no issuer warning: {quiet}", quiet);
        return record;
    }

    private static string RsaJwt(System.Security.Cryptography.RSA rsa, string claims)
    {
        string input = Convert.ToBase64String("""{"typ":"JWT","alg":"RS256"}"""u8.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." +
            Convert.ToBase64String(Encoding.UTF8.GetBytes(claims)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        byte[] signature = rsa.SignData(Encoding.ASCII.GetBytes(input), System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        return input + "." + Convert.ToBase64String(signature).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    // ---------------------------------------------------------------- meta

    /// <summary>Meta-* headers: trusted only on a signed request.</summary>
    public static async Task<Record> MetaAsync()
    {
        var record = new Record("meta");
        string key = NewKey();
        await using var signedOrigin = await FaultOrigin.StartAsync(0, o => o.GripUrl = GripUrl(PushpinProcess.GetFreePort(), key), null);
        await using var devOrigin = await FaultOrigin.StartAsync(0, o => o.AllowUnsignedRequests = true, null);
        byte[] body = Net.Event("TEXT", "meta"u8.ToArray());
        KeyValuePair<string, string>[] meta = [new("Meta-User", "admin"), new("Meta-Role", "root\u001b[31m")];
        const int N = 200;

        async Task<(long Status401, long Seen, long Other)> Send(Uri uri, Func<int, string?> sig)
        {
            long unauthorized = 0, seen = 0, other = 0;
            for (int i = 0; i < N; i++)
            {
                using var response = await Http.SendAsync(Net.Batch(uri, body, sig(i), "meta-" + i, meta));
                string text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    unauthorized++;
                }
                else if (text.Contains("user=admin", StringComparison.OrdinalIgnoreCase))
                {
                    seen++;
                }
                else
                {
                    other++;
                }
            }

            return (unauthorized, seen, other);
        }

        var ws = new Uri(signedOrigin.BaseUri, "/ws");
        var unsigned = await Send(ws, _ => null);
        record.Add("unsigned request with Meta-User/Meta-Role, verify key configured", N, $"{unsigned.Status401} x 401, meta reached the handler {unsigned.Seen} times", unsigned.Status401 == N);
        var forged = await Send(ws, _ => Net.ValidSig("not-" + key));
        record.Add("forged Grip-Sig with Meta-*", N, $"{forged.Status401} x 401, meta reached the handler {forged.Seen} times", forged.Status401 == N);
        var signed = await Send(ws, _ => Net.ValidSig(key));
        record.Add("signed request with Meta-* (control)", N, $"meta seen by the handler {signed.Seen} times", signed.Seen == N);
        var dev = await Send(new Uri(devOrigin.BaseUri, "/ws"), _ => null);
        record.Add("unsigned request with Meta-* to an origin with AllowUnsignedRequests (no key)", N, $"dispatched, meta ignored {dev.Other} times, seen {dev.Seen} times", dev.Seen == 0 && dev.Other == N);
        return record;
    }

    // ---------------------------------------------------------------- bodies

    /// <summary>Oversized and slow bodies and slow headers against samples/Echo.</summary>
    public static async Task<Record> BodiesAsync()
    {
        var record = new Record("bodies");
        string key = NewKey();
        await using var echo = await EchoProcess.StartAsync(PushpinProcess.GetFreePort(), GripUrl(PushpinProcess.GetFreePort(), key));
        var uri = new Uri(echo.BaseUri, "/api/websocket");
        byte[] big = new byte[10_000_000];
        "TEXT 989680\r\n"u8.CopyTo(big);

        long tooLarge = 0;
        for (int i = 0; i < 20; i++)
        {
            using var response = await Http.SendAsync(Net.Batch(uri, big, Net.ValidSig(key)));
            tooLarge += response.StatusCode == HttpStatusCode.RequestEntityTooLarge ? 1 : 0;
        }

        record.Add("10 MB body with Content-Length, signed", 20, $"{tooLarge} x 413", tooLarge == 20);

        long chunked = 0;
        for (int i = 0; i < 20; i++)
        {
            var request = Net.Batch(uri, [], Net.ValidSig(key));
            request.Content = new StreamContent(new MemoryStream(big));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/websocket-events");
            request.Headers.TransferEncodingChunked = true;
            try
            {
                using var response = await Http.SendAsync(request);
                chunked += response.StatusCode == HttpStatusCode.RequestEntityTooLarge ? 1 : 0;
            }
            catch (HttpRequestException)
            {
                // The origin may close the connection once it answered 413 before reading the rest.
                chunked++;
            }
        }

        record.Add("10 MB chunked body (no Content-Length), signed", 20, $"{chunked} x 413 (or closed after the 413)", chunked == 20);

        long limitExact = 0;
        byte[] exact = new byte[1_000_001];
        using (var response = await Http.SendAsync(Net.Batch(uri, exact, Net.ValidSig(key))))
        {
            limitExact = response.StatusCode == HttpStatusCode.RequestEntityTooLarge ? 1 : 0;
        }

        record.Add("1,000,001-byte body (one over Grip:MaxRequestBodySize)", 1, limitExact == 1 ? "413" : "not 413", limitExact == 1);

        // Slow bodies: headers complete, then 1 byte every 2 s (Kestrel's minimum body rate is 240 B/s after 5 s).
        var slowBodies = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => SlowAsync(echo.Port, key, slowHeaders: false, TimeSpan.FromSeconds(40))));
        record.Add("slow body (1 byte / 2 s after the headers), 10 at once", 10, Summarize(slowBodies), slowBodies.All(r => r.StartsWith("408", StringComparison.Ordinal) || r.StartsWith("closed", StringComparison.Ordinal)));

        // Slow headers: 1 byte every 2 s (Kestrel's RequestHeadersTimeout is 30 s).
        var slowHeaders = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => SlowAsync(echo.Port, key, slowHeaders: true, TimeSpan.FromSeconds(60))));
        record.Add("slow headers (1 byte / 2 s), 10 at once", 10, Summarize(slowHeaders), slowHeaders.All(r => r.StartsWith("408", StringComparison.Ordinal) || r.StartsWith("closed", StringComparison.Ordinal)));

        // And the origin still serves.
        using var after = await Http.SendAsync(Net.Batch(uri, "OPEN\r\n"u8.ToArray(), Net.ValidSig(key)));
        record.Add("a normal OPEN afterwards", 1, ((int)after.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), after.StatusCode == HttpStatusCode.OK);
        return record;
    }

    private static string Summarize(string[] results) =>
        string.Join(", ", results.GroupBy(r => r).Select(g => $"{g.Count()} x {g.Key}"));

    /// <summary>Drips a request; returns "408 after N s", "closed after N s" or "still open".</summary>
    private static async Task<string> SlowAsync(int port, string key, bool slowHeaders, TimeSpan limit)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        string headers = "POST /api/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/websocket-events\r\nAccept: application/websocket-events\r\n" +
            $"Connection-Id: slow\r\nGrip-Sig: {Net.ValidSig(key)}\r\nContent-Length: 1000\r\n\r\n";
        byte[] bytes = Encoding.ASCII.GetBytes(headers);
        var clock = Stopwatch.StartNew();
        int sent = 0;
        if (!slowHeaders)
        {
            await socket.SendAsync(bytes);
            sent = bytes.Length;
        }

        var buffer = new byte[4096];
        var receive = socket.ReceiveAsync(buffer);
        while (clock.Elapsed < limit)
        {
            var done = await Task.WhenAny(receive, Task.Delay(2000));
            if (done == receive)
            {
                int n = await receive;
                string answer = Encoding.ASCII.GetString(buffer, 0, n);
                return n > 0 && answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal)
                    ? $"408 after {Math.Round(clock.Elapsed.TotalSeconds / 5) * 5:0} s"
                    : $"closed after {Math.Round(clock.Elapsed.TotalSeconds / 5) * 5:0} s" + (n > 0 ? " (" + answer.Split('\r')[0] + ")" : string.Empty);
            }

            try
            {
                await socket.SendAsync(slowHeaders && sent < bytes.Length ? bytes.AsMemory(sent++, 1) : "T"u8.ToArray());
            }
            catch (SocketException)
            {
                return $"closed after {Math.Round(clock.Elapsed.TotalSeconds / 5) * 5:0} s";
            }
        }

        return "still open";
    }

    // ---------------------------------------------------------------- batches

    /// <summary>The batch limits of issue 14 against samples/Echo, then random well-formed batches.</summary>
    public static async Task<Record> BatchesAsync()
    {
        var record = new Record("batches");
        string key = NewKey();
        await using var echo = await EchoProcess.StartAsync(PushpinProcess.GetFreePort(), GripUrl(PushpinProcess.GetFreePort(), key));
        var uri = new Uri(echo.BaseUri, "/api/websocket");

        async Task<(HttpStatusCode Status, byte[] Body)> Post(byte[] body, string id = "batch")
        {
            using var response = await Http.SendAsync(Net.Batch(uri, body, Net.ValidSig(key), id));
            return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
        }

        var ping = await Post(Net.Event("PING", Encoding.ASCII.GetBytes(new string('0', 126))));
        record.Add("PING with 126 bytes (printf 'PING 7e\\r\\n%0126d\\r\\n' 0)", 1, $"{(int)ping.Status}, {Describe(ping.Body)}", ping.Status == HttpStatusCode.OK && Describe(ping.Body).EndsWith("CLOSE 1002", StringComparison.Ordinal));

        var texts = await Post([.. Enumerable.Range(0, 90_000).SelectMany(_ => "TEXT 1\r\na\r\n"u8.ToArray())]);
        record.Add("90,000 one-byte TEXT events", 1, $"{(int)texts.Status}, {texts.Body.Length:N0} bytes, {Describe(texts.Body)}", texts.Status == HttpStatusCode.OK && texts.Body.Length <= 1_000_000 && Describe(texts.Body).EndsWith("CLOSE 1009", StringComparison.Ordinal));

        var pings = await Post([.. "OPEN\r\n"u8.ToArray(), .. Enumerable.Range(0, 90_908).SelectMany(_ => "PING 1\r\nx\r\n"u8.ToArray())]);
        record.Add("OPEN + 90,908 PINGs", 1, $"{(int)pings.Status}, {pings.Body.Length:N0} bytes, {Describe(pings.Body)}", pings.Status == HttpStatusCode.OK && pings.Body.Length <= 1_000_000 && Describe(pings.Body).EndsWith("CLOSE 1009", StringComparison.Ordinal));

        var closeCode = await Post(Net.Event("CLOSE", [0x03, 0xed]));
        record.Add("CLOSE with code 1005 (never sendable)", 1, $"{(int)closeCode.Status}, {Describe(closeCode.Body)}", Describe(closeCode.Body) == "CLOSE 1002");

        // Random well-formed batches: every event type, sizes around every limit.
        var random = new Random(14);
        var statuses = new ConcurrentDictionary<string, long>();
        long overLimit = 0, unparsable = 0;
        const int Batches = 3000;
        await Parallel.ForEachAsync(Enumerable.Range(0, Batches), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            byte[] body;
            lock (random)
            {
                body = RandomBatch(random);
            }

            var (status, answer) = await Post(body, "fuzz-" + i);
            statuses.AddOrUpdate(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            if (answer.Length > 1_000_000)
            {
                Interlocked.Increment(ref overLimit);
            }

            if (status == HttpStatusCode.OK && Describe(answer).StartsWith("unparsable", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref unparsable);
            }
        });
        string summary = string.Join(", ", statuses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value} x {p.Key}"));
        record.Add("random well-formed batches (OPEN/TEXT/BINARY/PING/PONG/CLOSE/DISCONNECT mixes, 1-100,000 events)", Batches, $"{summary}; {overLimit} responses over 1,000,000 bytes; {unparsable} unparsable", statuses.Keys.SequenceEqual(["200"]) && overLimit == 0 && unparsable == 0);
        return record;
    }

    private static byte[] RandomBatch(Random random)
    {
        var body = new List<byte>();
        if (random.Next(3) == 0)
        {
            body.AddRange(Net.Event("OPEN", null));
        }

        int count = random.Next(5) switch { 0 => random.Next(60_000, 100_000), 1 => random.Next(100, 5000), _ => random.Next(1, 100) };
        for (int i = 0; i < count; i++)
        {
            int before = body.Count;
            switch (random.Next(count > 50_000 ? 3 : 10))
            {
                case 0: body.AddRange(Net.Event("TEXT", Encoding.ASCII.GetBytes(new string('t', random.Next(count > 50_000 ? 4 : 3000))))); break;
                case 1: body.AddRange(Net.Event("PING", new byte[random.Next(50) == 0 ? random.Next(126, 200) : random.Next(126)])); break;
                case 2: body.AddRange(Net.Event("BINARY", new byte[random.Next(200)])); break;
                case 3: body.AddRange(Net.Event("PONG", new byte[random.Next(10)])); break;
                case 4: body.AddRange(Net.Event("TEXT", new byte[random.Next(20_000, 32_766)])); break;
                case 5: body.AddRange(Net.Event("CLOSE", random.Next(2) == 0 ? null : [(byte)random.Next(256), (byte)random.Next(256), .. "bye"u8])); break;
                case 6: body.AddRange(Net.Event("DISCONNECT", null)); break;
                case 7: body.AddRange(Net.Event("TEXT", null)); break;
                default: body.AddRange(Net.Event("TEXT", "hello"u8.ToArray())); break;
            }

            if (body.Count > 1_000_000)
            {
                // Stay a batch the origin accepts (Grip:MaxRequestBodySize): drop the event that crossed it.
                body.RemoveRange(before, body.Count - before);
                break;
            }
        }

        return [.. body];
    }

    /// <summary>"N events, last CLOSE 1009" or "unparsable: ...".</summary>
    private static string Describe(byte[] body)
    {
        int count = 0;
        string last = "none";
        try
        {
            var reader = new Grip.Protocol.WebSocketEventReader(body);
            while (reader.Read(out var e))
            {
                count++;
                last = e.Type == Grip.Protocol.WebSocketEventType.Close && e.Content.Length >= 2
                    ? $"CLOSE {(e.Content.Span[0] << 8) | e.Content.Span[1]}"
                    : e.Type.ToString().ToUpperInvariant();
            }
        }
        catch (Grip.Protocol.WebSocketFormatException ex)
        {
            return "unparsable: " + ex.Message;
        }

        return count == 1 ? last : $"{count:N0} events, last {last}";
    }

    // ---------------------------------------------------------------- pushpin-restart

    /// <summary>Pushpin SIGKILLed with clients connected, a broadcast while it is down, then Pushpin restarted on the same ports.</summary>
    public static async Task<Record> PushpinRestartAsync()
    {
        var record = new Record("pushpin-restart");
        int originPort = PushpinProcess.GetFreePort();
        int httpPort = PushpinProcess.GetFreePort();
        int publishPort = PushpinProcess.GetFreePort();
        var pushpin = await Net.PushpinAsync(originPort, httpPort, publishPort);
        await using var echo = await EchoProcess.StartAsync(originPort, pushpin.GripUrl, new Dictionary<string, string> { ["Grip__Publisher__MaxRetryAttempts"] = "1" });
        var wsUri = new Uri(pushpin.ClientUri, "/api/websocket");
        const int Clients = 20;
        var clients = await ConnectAllAsync(wsUri, Clients);
        long echoed = await EchoRoundAsync(clients, "before");
        record.Add("clients connected through Pushpin, echo before the kill", Clients, $"{echoed} echoed", echoed == Clients);

        await Net.KillPushpinAsync(pushpin);
        var closes = await Task.WhenAll(clients.Select(c => c.ReceiveAsync(TimeSpan.FromSeconds(15))));
        long noticed = closes.Count(c => c is null || c.Value.Type == WebSocketMessageType.Close) + clients.Count(c => c.State != WebSocketState.Open);
        record.Add("Pushpin (runner, condure, zurl, proxy, handler) SIGKILLed: clients see the connection end", Clients, $"{Math.Min(noticed, Clients)} saw it end", Math.Min(noticed, Clients) == Clients);

        long gateway = 0;
        for (int i = 0; i < 5; i++)
        {
            using var response = await Http.PostAsync(new Uri(echo.BaseUri, "/api/broadcast"), new StringContent("while down", Encoding.UTF8, "text/plain"));
            string text = await response.Content.ReadAsStringAsync();
            gateway += response.StatusCode == HttpStatusCode.BadGateway && text.StartsWith("Broadcast not delivered", StringComparison.Ordinal) ? 1 : 0;
        }

        record.Add("POST /api/broadcast while Pushpin is down", 5, $"{gateway} x 502 with a reason (issue 14 found an empty 500 here)", gateway == 5);

        foreach (var c in clients)
        {
            c.Dispose();
        }

        var restarted = await Net.PushpinAsync(originPort, httpPort, publishPort, pushpin.SigKey);
        try
        {
            clients = await ConnectAllAsync(wsUri, Clients);
            long again = await EchoRoundAsync(clients, "after");
            record.Add("Pushpin restarted on the same ports: clients reconnect and echo", Clients, $"{again} echoed", again == Clients);
            using var response = await Http.PostAsync(new Uri(echo.BaseUri, "/api/broadcast"), new StringContent("after restart", Encoding.UTF8, "text/plain"));
            var got = await Task.WhenAll(clients.Select(c => c.ReceiveAsync(TimeSpan.FromSeconds(15))));
            long delivered = got.Count(g => g?.Text == "after restart");
            record.Add("broadcast after the restart", Clients, $"{(int)response.StatusCode}, delivered to {delivered}", delivered == Clients);
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }

            await restarted.DisposeAsync();
        }

        return record;
    }

    // ---------------------------------------------------------------- origin-kill

    /// <summary>samples/Echo SIGKILLed behind Pushpin with clients connected, then started again on its port.</summary>
    public static async Task<Record> OriginKillAsync()
    {
        var record = new Record("origin-kill");
        int originPort = PushpinProcess.GetFreePort();
        await using var pushpin = await Net.PushpinAsync(originPort);
        var echo = await EchoProcess.StartAsync(originPort, pushpin.GripUrl);
        var wsUri = new Uri(pushpin.ClientUri, "/api/websocket");
        const int Clients = 20;
        var clients = await ConnectAllAsync(wsUri, Clients);
        try
        {
            long before = await EchoRoundAsync(clients, "before");
            record.Add("clients connected, echo before the kill", Clients, $"{before} echoed", before == Clients);

            await echo.KillAsync();
            await echo.DisposeAsync();
            var clock = Stopwatch.StartNew();

            // Messages sent while the origin is gone: Pushpin retries a request that never reached the origin.
            for (int i = 0; i < Clients; i++)
            {
                await clients[i].SendTextAsync("during-" + i);
            }

            await Task.Delay(1000);
            echo = await EchoProcess.StartAsync(originPort, pushpin.GripUrl);
            double down = clock.Elapsed.TotalSeconds;
            var during = await Task.WhenAll(clients.Select(c => c.ReceiveAsync(TimeSpan.FromSeconds(40))));
            long duringEchoed = during.Select((d, i) => d?.Text == "during-" + i).Count(x => x);
            long open = clients.Count(c => c.State == WebSocketState.Open);
            record.Add($"SIGKILL, origin back after {down:0.0} s; messages sent while it was down", Clients, $"{duringEchoed} echoed after it came back (Pushpin retried), {open} connections still open", duringEchoed == Clients && open == Clients);
            long after = await EchoRoundAsync(clients, "after");
            record.Add("echo after the restart", Clients, $"{after} echoed", after == Clients);
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }

            await echo.DisposeAsync();
        }

        return record;
    }

    // ---------------------------------------------------------------- faults

    /// <summary>A throwing and a hanging handler behind Pushpin while other connections are busy.</summary>
    public static async Task<Record> FaultsAsync()
    {
        var record = new Record("faults");
        int originPort = PushpinProcess.GetFreePort();
        await using var pushpin = await Net.PushpinAsync(originPort);
        var timeout = TimeSpan.FromSeconds(3);
        await using var origin = await FaultOrigin.StartAsync(originPort, o => o.GripUrl = pushpin.GripUrl, timeout);
        var wsUri = new Uri(pushpin.ClientUri, "/ws");
        const int Others = 18;
        const int Rounds = 10;
        using var thrower = await Net.ConnectAsync(wsUri);
        using var hanger = await Net.ConnectAsync(wsUri);
        var others = await ConnectAllAsync(wsUri, Others);
        try
        {
            await thrower.SendTextAsync("throw");
            var clock = Stopwatch.StartNew();
            await hanger.SendTextAsync("hang");
            long echoed = 0;
            for (int round = 0; round < Rounds; round++)
            {
                echoed += await EchoRoundAsync(others, "r" + round);
            }

            double servedWithin = clock.Elapsed.TotalSeconds;
            var thrown = await thrower.ReceiveAsync(TimeSpan.FromSeconds(10));
            record.Add("a handler that throws", 1, thrown is { Status: var s, Reason: var r } ? $"client got close {(int?)s} '{r}'" : "nothing", thrown?.Status == WebSocketCloseStatus.InternalServerError && thrown?.Reason == "Internal server error");
            var hung = await hanger.ReceiveAsync(TimeSpan.FromSeconds(30));
            double after = clock.Elapsed.TotalSeconds;
            record.Add($"a handler that never returns (endpoint timeout {timeout.TotalSeconds:0} s)", 1, hung is { Status: var hs, Reason: var hr } ? $"client got close {(int?)hs} '{hr}' after {after:0.0} s" : "nothing", hung?.Status == WebSocketCloseStatus.InternalServerError && hung?.Reason == "Handler timeout");
            record.Add($"other connections meanwhile ({Others} clients x {Rounds} messages)", Others * Rounds, $"{echoed} echoed, all within {servedWithin:0.0} s", echoed == Others * Rounds);
            long later = await EchoRoundAsync(others, "later");
            record.Add("other connections afterwards", Others, $"{later} echoed", later == Others);
        }
        finally
        {
            foreach (var c in others)
            {
                c.Dispose();
            }
        }

        return record;
    }

    // ---------------------------------------------------------------- soak

    /// <summary>Many connections through Pushpin to samples/Echo for a while: losses and the origin's memory.</summary>
    public static async Task<Record> SoakAsync(int connections, TimeSpan duration, bool rawOrigin = false, bool burst = false)
    {
        var record = new Record((rawOrigin ? "soak-raw" : "soak") + (burst ? " --burst" : string.Empty));
        int originPort = PushpinProcess.GetFreePort();
        await using var pushpin = await Net.PushpinAsync(originPort);
        int echoPort = rawOrigin ? PushpinProcess.GetFreePort() : originPort;
        await using var echo = await EchoProcess.StartAsync(echoPort, pushpin.GripUrl);
        await using var raw = rawOrigin ? await RawEchoOrigin.StartAsync(originPort) : null;
        var wsUri = new Uri(pushpin.ClientUri, "/api/websocket");
        var connectClock = Stopwatch.StartNew();
        var clients = await ConnectAllAsync(wsUri, connections);
        Console.WriteLine($"  {connections} connected in {connectClock.Elapsed.TotalSeconds:0.0} s; open now: {clients.Count(c => c.State == WebSocketState.Open)}");
        long rssStart = echo.RssKiB();
        long sent = 0, echoed = 0, broadcastsSent = 0, broadcastsReceived = 0, dropped = 0, unexpected = 0;
        var endings = new ConcurrentDictionary<string, int>();
        var rssSamples = new List<long> { rssStart };
        using var stop = new CancellationTokenSource(duration);
        var clock = Stopwatch.StartNew();

        async Task Client(ClientWebSocket ws, int id)
        {
            var random = new Random(id);
            var pending = new ConcurrentDictionary<string, byte>();
            var receiver = Task.Run(async () =>
            {
                while (ws.State == WebSocketState.Open)
                {
                    var message = await ws.ReceiveAsync(TimeSpan.FromSeconds(duration.TotalSeconds + 30));
                    if (message is null || message.Value.Type == WebSocketMessageType.Close)
                    {
                        string ending = message is null ? $"receive failed ({ws.State})" : $"close {(int?)message.Value.Status} '{message.Value.Reason}'";
                        if (!stop.IsCancellationRequested)
                        {
                            endings.AddOrUpdate($"{ending} after {Math.Floor(clock.Elapsed.TotalSeconds):0}-{Math.Floor(clock.Elapsed.TotalSeconds) + 1:0} s", 1, (_, n) => n + 1);
                        }

                        break;
                    }

                    if (message.Value.Text.StartsWith("bc-", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref broadcastsReceived);
                    }
                    else if (pending.TryRemove(message.Value.Text, out _))
                    {
                        Interlocked.Increment(ref echoed);
                    }
                    else
                    {
                        Interlocked.Increment(ref unexpected);
                    }
                }
            });
            int seq = 0;
            if (!burst)
            {
                // Clients start at different moments, as real ones do. (--burst: every client sends
                // its first message at the same moment, right after all connected; see docs/reliability.md.)
                await Task.Delay(random.Next(3000));
            }

            while (!stop.IsCancellationRequested && ws.State == WebSocketState.Open)
            {
                string text = $"c{id}-{seq++}";
                pending[text] = 0;
                try
                {
                    await ws.SendTextAsync(text);
                    Interlocked.Increment(ref sent);
                }
                catch (WebSocketException)
                {
                    break;
                }

                try
                {
                    await Task.Delay(1000 + random.Next(2000), stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            // Let the last echoes arrive, then close.
            for (int i = 0; i < 100 && !pending.IsEmpty; i++)
            {
                await Task.Delay(100);
            }

            if (ws.State != WebSocketState.Open)
            {
                Interlocked.Increment(ref dropped);
            }

            try
            {
                using var cts = new CancellationTokenSource(5000);
                await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }

            await Task.WhenAny(receiver, Task.Delay(5000));
        }

        var broadcaster = Task.Run(async () =>
        {
            int n = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(10_000, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                using var response = await Http.PostAsync(new Uri(echo.BaseUri, "/api/broadcast"), new StringContent("bc-" + n++, Encoding.UTF8, "text/plain"));
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref broadcastsSent);
                }

                lock (rssSamples)
                {
                    rssSamples.Add(echo.RssKiB());
                }
            }
        });

        await Task.WhenAll(clients.Select((c, i) => Client(c, i)).Append(broadcaster));
        long rssEnd = echo.RssKiB();
        long lost = sent - echoed;
        long expectedBroadcasts = broadcastsSent * connections;
        string endedEarly = endings.IsEmpty ? string.Empty : " (" + string.Join("; ", endings.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value} x {p.Key}")) + ")";
        record.Add($"{connections} WebSockets through Pushpin to {(rawOrigin ? "a hand-written echo origin (no GripHandlers endpoint)" : "samples/Echo")} for {duration.TotalSeconds:0} s, one message per 1-3 s each{(burst ? ", all first messages at once" : string.Empty)}", sent, $"{echoed:N0} echoed, {lost} lost, {unexpected} unexpected, {dropped} connections dropped{endedEarly}", burst || (lost == 0 && dropped == 0 && unexpected == 0));
        if (!endings.IsEmpty)
        {
            Console.WriteLine("  last receive error: " + Net.LastReceiveError);
            Console.WriteLine("  origin output:\n" + string.Join('\n', echo.Output.Split('\n').TakeLast(20)));
            string logFile = Path.Combine(Path.GetTempPath(), $"grip-soak-pushpin-{Environment.ProcessId}.log");
            File.WriteAllText(logFile, pushpin.Log);
            Console.WriteLine($"  pushpin log: {logFile}; its warnings and errors:\n" + string.Join('\n', pushpin.Log.Split('\n').Where(l => !l.StartsWith("[INFO]", StringComparison.Ordinal) && !l.StartsWith("[DEBUG]", StringComparison.Ordinal)).Take(15)));
        }
        record.Add($"broadcasts every 10 s to all {connections}", expectedBroadcasts, $"{broadcastsReceived:N0} received ({broadcastsSent} broadcasts)", burst || broadcastsReceived == expectedBroadcasts);
        long peak = rssSamples.Max();
        long half = rssSamples[rssSamples.Count / 2];
        record.Add("origin RSS (VmRSS) after connecting / half-way / at the end / peak (KiB at the end)", rssEnd, $"{rssStart / 1024.0:0.0} / {half / 1024.0:0.0} / {rssEnd / 1024.0:0.0} / {peak / 1024.0:0.0} MiB; end vs half-way {(rssEnd - half) * 100.0 / half:+0;-0} %, end vs start {(rssEnd - rssStart) * 100.0 / rssStart:+0;-0} %", true);
        foreach (var c in clients)
        {
            c.Dispose();
        }

        _ = clock;
        return record;
    }

    // ---------------------------------------------------------------- helpers

    private static async Task<List<ClientWebSocket>> ConnectAllAsync(Uri uri, int count)
    {
        var clients = new List<ClientWebSocket>();
        for (int i = 0; i < count; i += 20)
        {
            clients.AddRange(await Task.WhenAll(Enumerable.Range(i, Math.Min(20, count - i)).Select(_ => ConnectWithRetryAsync(uri))));
        }

        return clients;
    }

    private static async Task<ClientWebSocket> ConnectWithRetryAsync(Uri uri)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await Net.ConnectAsync(uri);
            }
            catch (Exception) when (attempt < 5)
            {
                await Task.Delay(500);
            }
        }
    }

    private static async Task<long> EchoRoundAsync(List<ClientWebSocket> clients, string tag)
    {
        var results = await Task.WhenAll(clients.Select(async (c, i) =>
        {
            string text = $"{tag}-{i}";
            try
            {
                await c.SendTextAsync(text);
            }
            catch (WebSocketException)
            {
                return false;
            }

            var got = await c.ReceiveAsync(TimeSpan.FromSeconds(20));
            return got?.Text == text;
        }));
        return results.Count(r => r);
    }
}
