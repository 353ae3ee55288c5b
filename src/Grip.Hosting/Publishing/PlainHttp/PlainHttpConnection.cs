using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Grip.Hosting.Publishing.PlainHttp;

/// <summary>
/// One HTTP/1.1 connection of a <see cref="PlainHttpHandler"/>: sends a request (head and body through one
/// buffer, so a small publish is one send) and reads its response (status line, headers, a body framed by
/// <c>Content-Length</c>, chunked coding or the end of the connection). Used by one request at a time.
/// </summary>
internal sealed class PlainHttpConnection : IDisposable
{
    private const int SendBufferBytes = 16 * 1024;
    private const int InitialReceiveBytes = 4 * 1024;

    private readonly Socket _socket;
    private byte[] _buffer = new byte[InitialReceiveBytes];
    private int _start;
    private int _end;

    public PlainHttpConnection(Socket socket, long openedAt)
    {
        _socket = socket;
        OpenedAt = openedAt;
        IdleSince = openedAt;
    }

    /// <summary><see cref="Environment.TickCount64"/> when it was opened.</summary>
    public long OpenedAt { get; }

    /// <summary><see cref="Environment.TickCount64"/> when its last response was read.</summary>
    public long IdleSince { get; set; }

    /// <summary>
    /// Whether an idle connection can take a request: nothing is buffered and the socket is not readable
    /// (readable while idle means the server closed it, reset it, or sent something unasked for).
    /// </summary>
    public bool IsOpenAndQuiet()
    {
        if (_start != _end)
        {
            return false;
        }

        try
        {
            return !_socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>Any failure below, as the <see cref="HttpRequestException"/> the handler reports.</summary>
    public static HttpRequestException Fail(Exception cause) => cause switch
    {
        HttpRequestException already => already,
        _ => new HttpRequestException(HttpRequestError.ConnectionError, "The connection to the publish endpoint failed: " + cause.Message, cause),
    };

    /// <summary>Writes the head and the body (exactly <paramref name="contentLength"/> bytes).</summary>
    public async Task SendRequestAsync(HttpRequestMessage request, byte[] head, long contentLength, CancellationToken cancellationToken)
    {
        // A cancellation aborts the socket: whatever is pending fails at once and the connection is discarded.
        using var abort = cancellationToken.UnsafeRegister(static s => ((Socket)s!).Dispose(), _socket);
        var stream = new SendStream(_socket, head);
        if (request.Content is { } content)
        {
            await content.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (stream.BodyBytes != contentLength)
        {
            throw new HttpRequestException(HttpRequestError.Unknown, $"The request body was {stream.BodyBytes} bytes, not its Content-Length of {contentLength}; the connection is closed.");
        }
    }

    /// <summary>Reads the response; <c>KeepAlive</c> says whether the connection may take another request.</summary>
    public async Task<(HttpResponseMessage Response, bool KeepAlive)> ReadResponseAsync(HttpRequestMessage request, PlainHttpHandlerOptions options, CancellationToken cancellationToken)
    {
        using var abort = cancellationToken.UnsafeRegister(static s => ((Socket)s!).Dispose(), _socket);
        ResponseHead head;
        do
        {
            head = await ReadHeadAsync(options.MaxHeaderBytes, cancellationToken).ConfigureAwait(false);
            if (head.Status == 101)
            {
                throw Invalid("101 Switching Protocols was not asked for.");
            }
        }
        while (head.Status < 200); // interim responses (100 Continue, 103 Early Hints) precede the real one

        var response = new HttpResponseMessage((HttpStatusCode)head.Status)
        {
            Version = head.Version,
            RequestMessage = request,
        };
        if (head.Reason.Length > 0)
        {
            response.ReasonPhrase = head.Reason;
        }

        try
        {
            bool keepAlive = head.Version == HttpVersion.Version11 && !head.ConnectionClose;
            byte[] body;
            int bodyLength;
            if (request.Method == HttpMethod.Head || head.Status is 204 or 304)
            {
                (body, bodyLength) = ([], 0);
            }
            else if (head.TransferEncoding is not null)
            {
                if (EndsWithChunked(head.TransferEncoding))
                {
                    (body, bodyLength) = await ReadChunkedAsync(response, options, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    (body, bodyLength) = await ReadToCloseAsync(options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
                    keepAlive = false;
                }
            }
            else if (head.ContentLength is { } length)
            {
                if (length > options.MaxResponseBytes)
                {
                    throw TooLarge(options.MaxResponseBytes);
                }

                body = new byte[length];
                bodyLength = (int)length;
                await ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                (body, bodyLength) = await ReadToCloseAsync(options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
                keepAlive = false;
            }

            // Bytes after the response were not asked for: such a connection is not reused.
            keepAlive &= _start == _end;
            response.Content = new ByteArrayContent(body, 0, bodyLength);
            foreach (var (name, value) in head.Headers)
            {
                if (!response.Headers.TryAddWithoutValidation(name, value))
                {
                    response.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            return (response, keepAlive);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static bool EndsWithChunked(string transferEncoding)
    {
        int comma = transferEncoding.LastIndexOf(',');
        var last = transferEncoding.AsSpan(comma + 1).Trim(" \t");
        return last.Equals("chunked", StringComparison.OrdinalIgnoreCase);
    }

    private async Task<ResponseHead> ReadHeadAsync(int maxHeaderBytes, CancellationToken cancellationToken)
    {
        int end = await ReadSectionAsync(maxHeaderBytes, "the response headers", mayBeEmpty: false, cancellationToken).ConfigureAwait(false);
        var section = _buffer.AsSpan(_start, end - _start);
        _start = end;
        int lineEnd = section.IndexOf("\r\n"u8);
        var head = ParseStatusLine(section[..lineEnd]);
        ParseFields(section[(lineEnd + 2)..], head.Headers, "header");
        foreach (var (name, value) in head.Headers)
        {
            if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                long length = ParseContentLength(value);
                if (head.ContentLength is { } earlier && earlier != length)
                {
                    throw Invalid($"conflicting Content-Length headers ({earlier} and {length}).");
                }

                head.ContentLength = length;
            }
            else if (string.Equals(name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                head.TransferEncoding = head.TransferEncoding is null ? value : head.TransferEncoding + ", " + value;
            }
            else if (string.Equals(name, "Connection", StringComparison.OrdinalIgnoreCase) && HasToken(value, "close"))
            {
                head.ConnectionClose = true;
            }
        }

        return head;
    }

    /// <summary>
    /// Buffers up to the end of a header (or trailer) section, the blank line included, and returns the
    /// buffer index just past it; an empty section (just CRLF) is allowed for trailers.
    /// </summary>
    private async Task<int> ReadSectionAsync(int maxBytes, string what, bool mayBeEmpty, CancellationToken cancellationToken)
    {
        int searched = 0;
        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            if (available.Length >= 2 && available[0] == '\r' && available[1] == '\n' && mayBeEmpty)
            {
                return _start + 2;
            }

            int found = available[Math.Max(0, searched - 3)..].IndexOf("\r\n\r\n"u8);
            if (found >= 0)
            {
                return _start + Math.Max(0, searched - 3) + found + 4;
            }

            if (available.Length >= maxBytes)
            {
                throw TooLarge(maxBytes, what);
            }

            searched = available.Length;
            if (await FillAsync(maxBytes, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw Ended(what);
            }
        }
    }

    private static ResponseHead ParseStatusLine(ReadOnlySpan<byte> line)
    {
        // HTTP/1.x SP 3DIGIT SP reason-phrase (the reason may be empty; a missing SP before it is tolerated)
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != ' '
            || !IsDigit(line[9]) || !IsDigit(line[10]) || !IsDigit(line[11]) || (line.Length > 12 && line[12] != ' '))
        {
            throw Invalid($"malformed status line '{Printable(line)}'.");
        }

        var version = line[7] switch
        {
            (byte)'1' => HttpVersion.Version11,
            (byte)'0' => HttpVersion.Version10,
            _ => throw Invalid($"unsupported HTTP version in '{Printable(line)}'."),
        };
        int status = ((line[9] - '0') * 100) + ((line[10] - '0') * 10) + (line[11] - '0');
        if (status < 100)
        {
            throw Invalid($"status code {status} out of range.");
        }

        var reason = line.Length > 13 ? line[13..] : [];
        if (ContainsControl(reason))
        {
            throw Invalid("control character in the reason phrase.");
        }

        return new ResponseHead(version, status, Encoding.Latin1.GetString(reason));
    }

    /// <summary>Parses <c>name: value CRLF</c> lines up to (and including) the blank line that ends a section.</summary>
    private static void ParseFields(ReadOnlySpan<byte> fields, List<(string Name, string Value)> into, string what)
    {
        while (true)
        {
            int lineEnd = fields.IndexOf("\r\n"u8);
            if (lineEnd == 0)
            {
                return;
            }

            var line = fields[..lineEnd];
            fields = fields[(lineEnd + 2)..];
            if (line[0] is (byte)' ' or (byte)'\t')
            {
                throw Invalid($"a folded {what} line (obsolete line folding is not accepted).");
            }

            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsToken(line[..colon]))
            {
                throw Invalid($"malformed {what} line '{Printable(line)}'.");
            }

            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (ContainsControl(value))
            {
                throw Invalid($"control character in the {Printable(line[..colon])} {what}.");
            }

            into.Add((Encoding.Latin1.GetString(line[..colon]), Encoding.Latin1.GetString(value)));
        }
    }

    private static long ParseContentLength(string value)
    {
        // "5" or a repeated list of the same value ("5, 5"), which RFC 9110 §8.6 allows a recipient to accept.
        long? length = null;
        foreach (var range in value.AsSpan().Split(','))
        {
            var part = value.AsSpan(range).Trim(" \t");
            if (part.Length == 0 || part.Length > 18 || part.ContainsAnyExceptInRange('0', '9'))
            {
                throw Invalid($"malformed Content-Length '{value}'.");
            }

            long parsed = long.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (length is { } earlier && earlier != parsed)
            {
                throw Invalid($"conflicting Content-Length values '{value}'.");
            }

            length = parsed;
        }

        return length!.Value;
    }

    private async Task<(byte[] Body, int Length)> ReadChunkedAsync(HttpResponseMessage response, PlainHttpHandlerOptions options, CancellationToken cancellationToken)
    {
        var body = new BodyBuffer();
        while (true)
        {
            // chunk-size [ chunk-ext ] CRLF; the extensions are read and ignored.
            int lineEnd = await ReadLineAsync(options.MaxHeaderBytes, cancellationToken).ConfigureAwait(false);
            var line = _buffer.AsSpan(_start, lineEnd - _start);
            _start = lineEnd + 2;
            long size = ParseChunkSize(line);
            if (size == 0)
            {
                break;
            }

            if (size > options.MaxResponseBytes - body.Length)
            {
                throw TooLarge(options.MaxResponseBytes);
            }

            var chunk = body.Extend((int)size);
            await ReadExactlyAsync(chunk, cancellationToken).ConfigureAwait(false);
            await ExpectCrlfAsync(cancellationToken).ConfigureAwait(false);
        }

        // The trailer section: fields, then the blank line.
        int end = await ReadSectionAsync(options.MaxHeaderBytes, "the trailers", mayBeEmpty: true, cancellationToken).ConfigureAwait(false);
        var trailers = new List<(string, string)>();
        ParseFields(_buffer.AsSpan(_start, end - _start), trailers, "trailer");
        _start = end;
        foreach (var (name, value) in trailers)
        {
            response.TrailingHeaders.TryAddWithoutValidation(name, value);
        }

        return (body.Array, body.Length);
    }

    private static long ParseChunkSize(ReadOnlySpan<byte> line)
    {
        int digits = 0;
        long size = 0;
        while (digits < line.Length && Grip.Protocol.WebSocketEventParser.HexValue(line[digits]) is var v && v >= 0)
        {
            if (digits == 15)
            {
                throw Invalid($"chunk size '{Printable(line)}' is too large.");
            }

            size = (size << 4) | (uint)v;
            digits++;
        }

        var rest = line[digits..].TrimStart(" \t"u8);
        if (digits == 0 || (rest.Length > 0 && rest[0] != ';') || ContainsControl(rest))
        {
            throw Invalid($"malformed chunk size line '{Printable(line)}'.");
        }

        return size;
    }

    private async Task ExpectCrlfAsync(CancellationToken cancellationToken)
    {
        while (_end - _start < 2)
        {
            if (await FillAsync(int.MaxValue, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw Ended("a chunk");
            }
        }

        if (_buffer[_start] != '\r' || _buffer[_start + 1] != '\n')
        {
            throw Invalid("a chunk's data is not followed by CRLF (its size is wrong).");
        }

        _start += 2;
    }

    /// <summary>Buffers a whole line and returns the index of its CR.</summary>
    private async Task<int> ReadLineAsync(int maxBytes, CancellationToken cancellationToken)
    {
        int searched = 0;
        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            int found = available[Math.Max(0, searched - 1)..].IndexOf("\r\n"u8);
            if (found >= 0)
            {
                return _start + Math.Max(0, searched - 1) + found;
            }

            if (available.Length >= maxBytes)
            {
                throw TooLarge(maxBytes, "a chunk size line");
            }

            searched = available.Length;
            if (await FillAsync(maxBytes, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw Ended("a chunk size line");
            }
        }
    }

    private async Task<(byte[] Body, int Length)> ReadToCloseAsync(int maxBytes, CancellationToken cancellationToken)
    {
        var body = new BodyBuffer();
        while (true)
        {
            if (_end > _start)
            {
                int buffered = _end - _start;
                if (buffered > maxBytes - body.Length)
                {
                    throw TooLarge(maxBytes);
                }

                _buffer.AsSpan(_start, buffered).CopyTo(body.Extend(buffered).Span);
                _start = _end = 0;
            }

            if (await FillAsync(int.MaxValue, cancellationToken).ConfigureAwait(false) == 0)
            {
                return (body.Array, body.Length);
            }
        }
    }

    /// <summary>Fills <paramref name="destination"/> from the buffer, then straight from the socket.</summary>
    private async Task ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int buffered = Math.Min(_end - _start, destination.Length);
        _buffer.AsSpan(_start, buffered).CopyTo(destination.Span);
        _start += buffered;
        destination = destination[buffered..];
        while (destination.Length > 0)
        {
            int read = await _socket.ReceiveAsync(destination, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw Ended("the response body");
            }

            destination = destination[read..];
        }
    }

    /// <summary>Receives more into the buffer (compacting, or growing it up to <paramref name="limit"/>); 0 at the end of the stream.</summary>
    private async ValueTask<int> FillAsync(int limit, CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_start > 0 && _end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            int size = (int)Math.Min((long)_buffer.Length * 2, Math.Max((long)limit + 4, _buffer.Length + 1));
            Array.Resize(ref _buffer, size);
        }

        int read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        _end += read;
        return read;
    }

    private static bool HasToken(string value, string token)
    {
        foreach (var range in value.AsSpan().Split(','))
        {
            if (value.AsSpan(range).Trim(" \t").Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    /// <summary>RFC 9110 token characters (a field name).</summary>
    private static bool IsToken(ReadOnlySpan<byte> name)
    {
        foreach (byte b in name)
        {
            bool ok = b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+'
                or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Control characters other than HT (CR and LF inside a line included).</summary>
    private static bool ContainsControl(ReadOnlySpan<byte> value)
    {
        foreach (byte b in value)
        {
            if ((b < 0x20 && b != '\t') || b == 0x7F)
            {
                return true;
            }
        }

        return false;
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, 200)]);
        return text.Length < bytes.Length ? text + "…" : text;
    }

    private static HttpRequestException Invalid(string detail) => new(
        HttpRequestError.InvalidResponse,
        "The publish endpoint's response is not valid HTTP/1.1: " + detail,
        new HttpIOException(HttpRequestError.InvalidResponse, detail));

    private static HttpRequestException Ended(string what) => new(
        HttpRequestError.ResponseEnded,
        $"The publish endpoint closed the connection before the end of {what}.",
        new HttpIOException(HttpRequestError.ResponseEnded, $"End of stream while reading {what}."));

    private static HttpRequestException TooLarge(int limit, string what = "the response body") => new(
        HttpRequestError.ConfigurationLimitExceeded,
        $"The publish endpoint's response is too large: {what} exceeds {limit} bytes.",
        new HttpIOException(HttpRequestError.ConfigurationLimitExceeded, $"{what} exceeds {limit} bytes."));

    /// <summary>The status line and header fields of a response, with the framing headers picked out.</summary>
    private sealed class ResponseHead(Version version, int status, string reason)
    {
        public Version Version { get; } = version;

        public int Status { get; } = status;

        public string Reason { get; } = reason;

        public List<(string Name, string Value)> Headers { get; } = [];

        public long? ContentLength { get; set; }

        public string? TransferEncoding { get; set; }

        public bool ConnectionClose { get; set; }
    }

    /// <summary>A response body of not yet known length (chunked or read to the end), grown by doubling.</summary>
    private sealed class BodyBuffer
    {
        public byte[] Array { get; private set; } = [];

        public int Length { get; private set; }

        /// <summary>Makes room for <paramref name="count"/> more bytes and returns that space.</summary>
        public Memory<byte> Extend(int count)
        {
            int needed = Length + count;
            if (needed > Array.Length)
            {
                var grown = new byte[Math.Max(needed, Math.Min(Math.Max(Array.Length * 2, 256), int.MaxValue / 2))];
                Array.AsSpan(0, Length).CopyTo(grown);
                Array = grown;
            }

            var space = Array.AsMemory(Length, count);
            Length = needed;
            return space;
        }
    }

    /// <summary>
    /// The request as a write-only stream: the head first, then the body, gathered in one buffer and sent
    /// when it is full or flushed; a write larger than the buffer goes out directly.
    /// </summary>
    private sealed class SendStream : Stream
    {
        private readonly Socket _socket;
        private readonly byte[] _buffer;
        private int _count;

        public SendStream(Socket socket, byte[] head)
        {
            _socket = socket;
            _buffer = new byte[Math.Max(SendBufferBytes, head.Length)];
            head.CopyTo(_buffer, 0);
            _count = head.Length;
        }

        public long BodyBytes { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            BodyBytes += buffer.Length;
            if (buffer.Length <= _buffer.Length - _count)
            {
                buffer.Span.CopyTo(_buffer.AsSpan(_count));
                _count += buffer.Length;
                return;
            }

            await SendBufferedAsync(cancellationToken).ConfigureAwait(false);
            if (buffer.Length >= _buffer.Length)
            {
                await SendAllAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                buffer.Span.CopyTo(_buffer);
                _count = buffer.Length;
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => SendBufferedAsync(cancellationToken);

        public override void Flush() => throw new NotSupportedException("The plain HTTP publish client writes asynchronously only.");

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The plain HTTP publish client writes asynchronously only.");

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private async Task SendBufferedAsync(CancellationToken cancellationToken)
        {
            if (_count > 0)
            {
                int count = _count;
                _count = 0;
                await SendAllAsync(_buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            while (data.Length > 0)
            {
                int sent = await _socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                data = data[sent..];
            }
        }
    }
}
