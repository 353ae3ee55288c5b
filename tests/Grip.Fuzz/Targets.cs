using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using Grip.Configuration;
using Grip.Protocol;

namespace Grip.Fuzz;

/// <summary>
/// The WebSocket-over-HTTP readers must agree: <see cref="WebSocketEventReader"/> (memory),
/// <see cref="WebSocketEventSpanReader"/> (span) and <see cref="WebSocketEventSequenceReader"/>
/// (one segment, split in two and three, one byte per segment for small bodies, and fed
/// incrementally the way a PipeReader delivers a body) decode the same events, or fail with
/// <see cref="WebSocketFormatException"/> at the same offset. Any other exception is a failure.
/// </summary>
public sealed class ReaderTarget : IFuzzTarget
{
    private static readonly string[] Types = ["OPEN", "TEXT", "BINARY", "PING", "PONG", "CLOSE", "DISCONNECT", "KEEPALIVE", "text", "X"];

    public string Name => "readers";

    public int Weight => 75;

    public IReadOnlyList<byte[]> Dictionary { get; } =
        [.. Types.Select(Encoding.ASCII.GetBytes), .. new[] { " ", "\r\n", "\r", "\n", " 0\r\n", " 7d\r\n", " 7e\r\n", " ffffffff\r\n", " 80000000\r\n", "\r\n\r\n", "m:", "c:", "\x03\xe8", "TEXT 5\r\nhello\r\n", "OPEN\r\n", "CLOSE 2\r\n\x03\xe8\r\n" }.Select(Encoding.Latin1.GetBytes)];

    public byte[] Generate(Random random)
    {
        var writer = new ArrayBufferWriter<byte>();
        int count = random.Next(1, 12);
        for (int i = 0; i < count; i++)
        {
            var type = (WebSocketEventType)random.Next(1, 8);
            if (random.Next(4) == 0)
            {
                WebSocketEventWriter.WriteEvent(writer, type);
            }
            else
            {
                byte[] content = new byte[random.Next(4) == 0 ? random.Next(300) : random.Next(12)];
                random.NextBytes(content);
                WebSocketEventWriter.WriteEvent(writer, type, content);
            }
        }

        return writer.WrittenSpan.ToArray();
    }

    public string Check(byte[] input)
    {
        var memory = Outcome.Of(() => Decode.Memory(input));
        Agree(memory, Outcome.Of(() => Decode.Span(input)), "span reader");
        Agree(memory, Outcome.Of(() => Decode.Sequence(new ReadOnlySequence<byte>(input))), "sequence reader (one segment)");
        if (input.Length > 1)
        {
            int cut = (int)((uint)HashCode.Combine(input.Length, input[0], input[^1]) % (uint)input.Length);
            Agree(memory, Outcome.Of(() => Decode.Sequence(Segments.Split(input, cut))), $"sequence reader (split at {cut})");
            Agree(memory, Outcome.Of(() => Decode.Sequence(Segments.Split(input, input.Length / 3, 2 * input.Length / 3))), "sequence reader (three segments)");
            Agree(memory, Outcome.Of(() => Decode.Incrementally(input, [cut, input.Length - 1])), $"sequence reader (incremental, chunks ending at {cut} and {input.Length - 1})");
        }

        if (input.Length <= 96)
        {
            Agree(memory, Outcome.Of(() => Decode.Sequence(Segments.Bytewise(input))), "sequence reader (one byte per segment)");
        }

        return memory.Shape;
    }

    private static void Agree(Outcome expected, Outcome actual, string reader)
    {
        if (!expected.Equals(actual))
        {
            throw new FuzzFailureException($"{reader} disagrees with the memory reader: {actual} vs {expected}");
        }
    }
}

/// <summary>A reader's result: the events (as a hash and a count) or the format error's offset and message.</summary>
public readonly record struct Outcome(int Count, long Hash, string? Error, string Shape)
{
    public static Outcome Of(Func<(int Count, long Hash, string Shape)> decode)
    {
        try
        {
            var (count, hash, shape) = decode();
            return new Outcome(count, hash, null, shape);
        }
        catch (WebSocketFormatException ex)
        {
            return new Outcome(-1, ex.Offset, ex.Message, "error:" + Shapes.WithoutDigits(ex.Message));
        }
        catch (Exception ex) when (ex is not FuzzFailureException)
        {
            throw new FuzzFailureException($"unexpected {ex.GetType().Name}: {ex.Message}");
        }
    }

    public override string ToString() => Error ?? $"{Count} events (hash {Hash:x})";
}

/// <summary>Decoders for each reader, folding the events into a count, a hash and a shape.</summary>
internal static class Decode
{
    public static (int, long, string) Memory(byte[] body)
    {
        var fold = new Fold();
        var reader = new WebSocketEventReader(body);
        while (reader.Read(out var e))
        {
            fold.Add(e.TypeName.Span, (int)e.Type, e.HasContent, e.Content.Span);
        }

        return fold.Result;
    }

    public static (int, long, string) Span(byte[] body)
    {
        var fold = new Fold();
        var reader = new WebSocketEventSpanReader(body);
        OperationStatus status;
        while ((status = reader.TryRead(out var e)) == OperationStatus.Done)
        {
            fold.Add(e.TypeName, (int)e.Type, e.HasContent, e.Content);
        }

        if (status != OperationStatus.NeedMoreData || !reader.End)
        {
            throw new FuzzFailureException($"span reader stopped with {status} at {reader.Consumed} of {body.Length}");
        }

        return fold.Result;
    }

    public static (int, long, string) Sequence(ReadOnlySequence<byte> body)
    {
        var fold = new Fold();
        var reader = new WebSocketEventSequenceReader(body);
        while (reader.Read(out var e))
        {
            fold.Add(e.TypeName.ToArray(), (int)e.Type, e.HasContent, e.Content.IsSingleSegment ? e.Content.FirstSpan : e.Content.ToArray());
        }

        if (!reader.End || reader.BytesConsumed != body.Length)
        {
            throw new FuzzFailureException($"sequence reader ended at {reader.BytesConsumed} of {body.Length}");
        }

        return fold.Result;
    }

    /// <summary>The body arriving in chunks: each reader sees what is unconsumed so far, not final until the end.</summary>
    public static (int, long, string) Incrementally(byte[] body, int[] chunkEnds)
    {
        var fold = new Fold();
        long consumed = 0;
        int available = 0;
        foreach (int end in chunkEnds.Append(body.Length))
        {
            available = Math.Max(available, Math.Min(end, body.Length));
            bool final = available == body.Length;
            var window = Segments.Split(body[(int)consumed..available]);
            var reader = new WebSocketEventSequenceReader(window, final, consumed);
            OperationStatus status;
            while ((status = reader.TryRead(out var e)) == OperationStatus.Done)
            {
                fold.Add(e.TypeName.ToArray(), (int)e.Type, e.HasContent, e.Content.ToArray());
            }

            consumed += reader.BytesConsumed;
            if (final && consumed != body.Length)
            {
                throw new FuzzFailureException($"incremental reader ended at {consumed} of {body.Length} ({status})");
            }
        }

        return fold.Result;
    }

    private sealed class Fold
    {
        private int _types;
        private int _contents;
        private int _count;
        private HashCode _hash;

        public (int, long, string) Result => (_count, _hash.ToHashCode(), $"{_types:x}:{_contents:x}:{BitOperations.Log2((uint)_count + 1)}");

        public void Add(ReadOnlySpan<byte> typeName, int type, bool hasContent, ReadOnlySpan<byte> content)
        {
            _count++;
            _hash.AddBytes(typeName);
            _hash.Add(type);
            _hash.Add(hasContent);
            _hash.Add(content.Length);
            _hash.AddBytes(content);
            _types |= 1 << Math.Clamp(type, 0, 15);
            _contents |= 1 << (hasContent ? (content.Length > 125 ? 3 : content.Length == 0 ? 2 : 1) : 0);
        }
    }
}

/// <summary>Builds multi-segment sequences.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] body, params int[] at)
    {
        var pieces = new List<byte[]>();
        int start = 0;
        foreach (int i in at)
        {
            int end = Math.Clamp(i, start, body.Length);
            pieces.Add(body[start..end]);
            start = end;
        }

        pieces.Add(body[start..]);
        return Create(pieces);
    }

    public static ReadOnlySequence<byte> Bytewise(byte[] body) => Create([.. body.Select(b => new[] { b })]);

    private static ReadOnlySequence<byte> Create(List<byte[]> pieces)
    {
        if (pieces.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(pieces[0], 0);
        var last = first;
        for (int i = 1; i < pieces.Count; i++)
        {
            last = last.Append(pieces[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

/// <summary>
/// <c>GRIP_URL</c> parsing: <see cref="GripUrl.TryParse"/> never throws, agrees with
/// <see cref="GripUrl.Parse"/> (which throws only <see cref="FormatException"/>), a parsed
/// configuration's derived values never throw, and neither an error message nor
/// <see cref="GripProxyConfig.ToString"/> repeats the key or the password.
/// </summary>
public sealed class GripUrlTarget : IFuzzTarget
{
    public string Name => "gripurl";

    public int Weight => 17;

    public IReadOnlyList<byte[]> Dictionary { get; } =
        [.. new[] { "http://", "https://", "ftp://", "127.0.0.1", ":5561", "[::1]", "/", "//", "?", "&", "=", "#", "@", ":", "%", "%2B", "%20", "%00", "%zz", "+", "iss=", "key=", "verify-iss=", "verify-key=", "base64:", "pushpin", "user:pass@", "changeme", "-----BEGIN PUBLIC KEY-----", "{\"kty\":\"EC\",\"crv\":\"P-256\"}", "{\"kty\":\"oct\",\"k\":\"AA\"}", "\u00e9", "\ud83d\ude00", " ", "\t" }.Select(Encoding.UTF8.GetBytes)];

    public byte[] Generate(Random random)
    {
        string[] hosts = ["127.0.0.1:5561", "api.fanout.io", "[::1]:1", "h", "user:p%40ss@host:80", "x.y"];
        string[] paths = ["/", "", "/realm/realm", "//", "/a/b/"];
        string[] parameters = ["iss=pushpin", "key=changeme", "key=base64:aGVsbG8=", "verify-iss=fastly:sid", "verify-key=base64:geag12132w==", "verify-key=" + Uri.EscapeDataString(FastlyFanout.PublicKeyJwk), "other=1", "key=", "iss=", "a"];
        var sb = new StringBuilder(random.Next(4) == 0 ? "https://" : "http://");
        sb.Append(hosts[random.Next(hosts.Length)]).Append(paths[random.Next(paths.Length)]);
        int n = random.Next(5);
        for (int i = 0; i < n; i++)
        {
            sb.Append(i == 0 ? '?' : '&').Append(parameters[random.Next(parameters.Length)]);
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public string Check(byte[] input)
    {
        string text = Encoding.UTF8.GetString(input);
        int split = text.IndexOf('\u0001', StringComparison.Ordinal);
        string url = split < 0 ? text : text[..split];
        string? separateKey = split < 0 ? null : text[(split + 1)..];

        bool ok;
        GripProxyConfig? config;
        string? error;
        try
        {
            ok = GripUrl.TryParse(url, out config, out error, separateKey);
        }
        catch (Exception ex)
        {
            throw new FuzzFailureException($"TryParse threw {ex.GetType().Name}: {ex.Message}");
        }

        try
        {
            var parsed = GripUrl.Parse(url, separateKey);
            if (!ok)
            {
                throw new FuzzFailureException("Parse succeeded where TryParse failed");
            }

            if (parsed.ControlUri != config!.ControlUri || parsed.Key != config.Key || parsed.Password != config.Password)
            {
                throw new FuzzFailureException("Parse and TryParse disagree");
            }
        }
        catch (FormatException ex)
        {
            if (ok)
            {
                throw new FuzzFailureException("Parse threw where TryParse succeeded: " + ex.Message);
            }
        }
        catch (Exception ex) when (ex is not FuzzFailureException)
        {
            throw new FuzzFailureException($"Parse threw {ex.GetType().Name}: {ex.Message}");
        }

        if (!ok)
        {
            if (string.IsNullOrEmpty(error))
            {
                throw new FuzzFailureException("TryParse failed without a message");
            }

            foreach (string secret in Secrets(url))
            {
                if (error.Contains(secret, StringComparison.Ordinal))
                {
                    throw new FuzzFailureException($"the error message repeats a secret: {error}");
                }
            }

            return "error:" + Shapes.WithoutDigits(error);
        }

        try
        {
            _ = config!.PublishUri;
            _ = config.EffectiveVerifyKey;
            string description = config.ToString();
            foreach (string? secret in new[] { config.Key, config.Password })
            {
                if (secret is { Length: >= 8 } && Occurrences(url, secret) == 1 && description.Contains(secret, StringComparison.Ordinal))
                {
                    throw new FuzzFailureException($"ToString repeats a secret: {description}");
                }
            }

            return $"ok:{config.PublishAuth}:{config.EffectiveVerifyKey is not null}:{config.VerifyIss is not null}:{config.PublishUri.Scheme}";
        }
        catch (Exception ex) when (ex is not FuzzFailureException)
        {
            throw new FuzzFailureException($"a parsed configuration threw {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// Values of <c>key=</c>/<c>verify-key=</c> and the password in the URL's text, when long enough
    /// to be told apart and present only once (text that also appears elsewhere may be echoed).
    /// </summary>
    private static IEnumerable<string> Secrets(string url)
    {
        int q = url.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            foreach (string part in url[(q + 1)..].Split('&'))
            {
                int eq = part.IndexOf('=', StringComparison.Ordinal);
                if ((part.StartsWith("key=", StringComparison.Ordinal) || part.StartsWith("verify-key=", StringComparison.Ordinal)) && part.Length - eq > 10)
                {
                    string value = part[(eq + 1)..];
                    if (Occurrences(url, value) == 1)
                    {
                        yield return value;
                    }
                }
            }
        }

        string head = q < 0 ? url : url[..q];
        int scheme = head.IndexOf("://", StringComparison.Ordinal);
        int at = head.LastIndexOf('@');
        if (scheme >= 0 && at > scheme)
        {
            string userInfo = head[(scheme + 3)..at];
            int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            string password = colon < 0 ? string.Empty : userInfo[(colon + 1)..];
            if (password.Length >= 10 && Occurrences(url, password) == 1)
            {
                yield return password;
            }
        }
    }

    private static int Occurrences(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

/// <summary>
/// Key strings (<c>key</c>, <c>verify-key</c>, <c>GRIP_VERIFY_KEY</c>): <see cref="GripKeyMaterial.TryParse"/>
/// never throws and agrees with <see cref="GripKeyMaterial.Parse"/> (only <see cref="FormatException"/>).
/// </summary>
public sealed class KeyTarget : IFuzzTarget
{
    private static readonly string Pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECKo5A1ebyFcnmVV8SE5On+8G81Jy\nBjSvcrx4VLetWCjuDAmppTo3xM/zz763COTCgHfp/6lPdCyYjjqc+GM7sw==\n-----END PUBLIC KEY-----";

    public string Name => "keys";

    public int Weight => 8;

    public IReadOnlyList<byte[]> Dictionary { get; } =
        [.. new[] { "base64:", "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----", "-----BEGIN PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----", "\n", "{", "}", "\"kty\"", ":", ",", "\"EC\"", "\"RSA\"", "\"oct\"", "\"OKP\"", "\"crv\"", "\"P-256\"", "\"P-384\"", "\"P-521\"", "\"x\"", "\"y\"", "\"d\"", "\"n\"", "\"e\"", "\"k\"", "\"AQAB\"", "=", "==", "-", "_", "+", "/", "\u00e9" }.Select(Encoding.UTF8.GetBytes)];

    public byte[] Generate(Random random) => Encoding.UTF8.GetBytes(random.Next(6) switch
    {
        0 => "base64:" + Convert.ToBase64String(Encoding.UTF8.GetBytes(Pem)),
        1 => Pem,
        2 => FastlyFanout.PublicKeyJwk,
        3 => """{"kty":"oct","k":"c2VjcmV0"}""",
        4 => "base64:" + Convert.ToBase64String(RandomBytes(random)),
        _ => "changeme",
    });

    public string Check(byte[] input)
    {
        string text = Encoding.UTF8.GetString(input);
        bool ok;
        GripKeyMaterial? material;
        string? error;
        try
        {
            ok = GripKeyMaterial.TryParse(text, out material, out error);
        }
        catch (Exception ex)
        {
            throw new FuzzFailureException($"TryParse threw {ex.GetType().Name}: {ex.Message}");
        }

        try
        {
            var parsed = GripKeyMaterial.Parse(text);
            if (!ok || parsed.Kind != material!.Kind)
            {
                throw new FuzzFailureException("Parse and TryParse disagree");
            }
        }
        catch (FormatException)
        {
            if (ok)
            {
                throw new FuzzFailureException("Parse threw where TryParse succeeded");
            }
        }
        catch (ArgumentException) when (text.Length == 0)
        {
            // An empty key is an argument error by contract.
        }
        catch (Exception ex) when (ex is not FuzzFailureException)
        {
            throw new FuzzFailureException($"Parse threw {ex.GetType().Name}: {ex.Message}");
        }

        if (!ok)
        {
            return "error:" + Shapes.WithoutDigits(error ?? "(none)");
        }

        string described = material!.ToString();
        if (material.Kind == GripKeyKind.Symmetric && text.Length >= 8 && described.Contains(text, StringComparison.Ordinal))
        {
            throw new FuzzFailureException("ToString repeats the secret");
        }

        return "ok:" + material.Kind;
    }

    private static byte[] RandomBytes(Random random)
    {
        byte[] bytes = new byte[random.Next(64)];
        random.NextBytes(bytes);
        return bytes;
    }
}

internal static class Shapes
{
    /// <summary>
    /// A message reduced to its kind: cut before any quoted or parenthesised detail, numbers left out.
    /// One shape per kind of error, so feedback rewards new kinds of outcome, not new numbers.
    /// </summary>
    public static string WithoutDigits(string message)
    {
        var sb = new StringBuilder(64);
        foreach (char c in message)
        {
            if (c is '\'' or '"' or '(' or '`' || sb.Length >= 80)
            {
                break;
            }

            if (char.IsAsciiDigit(c))
            {
                if (sb.Length == 0 || sb[^1] != '#')
                {
                    sb.Append('#');
                }

                continue;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
