using System.Text;
using Grip.Protocol;

namespace Grip.Abstractions.Tests.Protocol;

/// <summary>
/// The one-pass reading of a TEXT or BINARY line (<c>WebSocketEventParser.TryReadMessageLine</c>) against the
/// general path it short-cuts (find the CRLF, then <c>ParseLine</c>): whenever it answers, the
/// general path gives the same type, type length, content length and line end; and it answers for
/// every ordinary message line, so the short cut is taken where it matters.
/// </summary>
public class MessageLineFastPathTests
{
    [Theory]
    [InlineData("TEXT 0\r\n", WebSocketEventType.Text, 4, 0, 6)]
    [InlineData("TEXT 40\r\n", WebSocketEventType.Text, 4, 0x40, 7)]
    [InlineData("TEXT aF\r\nxyz", WebSocketEventType.Text, 4, 0xAF, 7)]
    [InlineData("TEXT fffffff\r\n", WebSocketEventType.Text, 4, 0xFFFFFFF, 12)]
    [InlineData("BINARY 3\r\n\x00\x01\x02\r\n", WebSocketEventType.Binary, 6, 3, 8)]
    [InlineData("BINARY 0000001\r\n", WebSocketEventType.Binary, 6, 1, 14)]
    public void Ordinary_message_lines_are_read_in_one_pass_as_the_general_path_reads_them(string input, WebSocketEventType type, int typeLength, int contentLength, int lineEnd)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(input);
        Assert.True(WebSocketEventParser.TryReadMessageLine(bytes, out var t, out int tl, out int cl, out int end));
        Assert.Equal((type, typeLength, contentLength, lineEnd), (t, tl, cl, end));
        AssertGeneralPathAgrees(bytes, t, tl, cl, end);
    }

    [Theory]
    [InlineData("TEXT\r\n")]              // no length: no content
    [InlineData("TEXT \r\n")]             // empty length: an error the general path words
    [InlineData("TEXT 12345678\r\n")]     // an eighth digit: the general path checks for overflow
    [InlineData("TEXT 4x\r\n")]           // not a hex digit
    [InlineData("TEXT 4\n")]              // LF without CR
    [InlineData("TEXT 4\rX")]             // CR without LF
    [InlineData("TEXT 4\r")]              // the line is not all there yet
    [InlineData("TEXT 4")]
    [InlineData("TEXT  4\r\n")]           // two spaces
    [InlineData("text 4\r\n")]            // types are case-sensitive
    [InlineData("TEXTS 4\r\n")]
    [InlineData("BINARY\r\n")]
    [InlineData("BINARYX 4\r\n")]
    [InlineData("OPEN\r\n")]
    [InlineData("CLOSE 2\r\n")]
    [InlineData("PING 5\r\n")]
    [InlineData("")]
    public void Anything_else_goes_the_general_way(string input) =>
        Assert.False(WebSocketEventParser.TryReadMessageLine(Encoding.Latin1.GetBytes(input), out _, out _, out _, out _));

    [Fact]
    public void Random_lines_near_the_message_grammar_agree_with_the_general_path()
    {
        // Lines built from the pieces of the grammar and a few wrong bytes, so that most are near
        // misses: every line the short cut takes must read the same through the general path.
        string[] heads = ["TEXT ", "BINARY ", "TEXT", "BINARY", "TEXT  ", "TExT ", "BINARY\t", "PING ", ""];
        string[] tails = ["\r\n", "\r", "\n", "\r\r\n", "\n\r", " \r\n", "", "\r\nTEXT 1\r\n"];
        const string alphabet = "0123456789abcdefABCDEFgG \r\n\t\0\xff";
        var random = new Random(18);
        int taken = 0;
        for (int n = 0; n < 200_000; n++)
        {
            var line = new StringBuilder(heads[random.Next(heads.Length)]);
            int digits = random.Next(0, 10);
            for (int i = 0; i < digits; i++)
            {
                // Mostly hex digits, sometimes anything from the alphabet.
                line.Append(random.Next(8) == 0 ? alphabet[random.Next(alphabet.Length)] : alphabet[random.Next(22)]);
            }

            line.Append(tails[random.Next(tails.Length)]);
            byte[] bytes = Encoding.Latin1.GetBytes(line.ToString());
            if (WebSocketEventParser.TryReadMessageLine(bytes, out var type, out int typeLength, out int contentLength, out int lineEnd))
            {
                taken++;
                AssertGeneralPathAgrees(bytes, type, typeLength, contentLength, lineEnd);
            }
        }

        // The short cut is taken for thousands of them (about 3%: a test that never takes it proves nothing).
        Assert.InRange(taken, 2_000, 200_000);
    }

    [Fact]
    public void Every_message_line_the_writer_produces_takes_the_short_cut()
    {
        foreach (var type in new[] { WebSocketEventType.Text, WebSocketEventType.Binary })
        {
            foreach (int length in new[] { 0, 1, 15, 16, 64, 4096, 32_768, 0xFFFFFFF })
            {
                byte[] line = Encoding.ASCII.GetBytes($"{Encoding.ASCII.GetString(WebSocketEventTypes.GetName(type).Span)} {length:x}\r\n");
                Assert.True(WebSocketEventParser.TryReadMessageLine(line, out var t, out _, out int cl, out _));
                Assert.Equal((type, length), (t, cl));
            }
        }
    }

    private static void AssertGeneralPathAgrees(byte[] bytes, WebSocketEventType type, int typeLength, int contentLength, int lineEnd)
    {
        int crlf = bytes.AsSpan().IndexOf("\r\n"u8);
        Assert.Equal(crlf, lineEnd);
        int general = WebSocketEventParser.ParseLine(bytes.AsSpan(0, crlf), 0, out var generalType, out int generalTypeLength);
        Assert.Equal((generalType, generalTypeLength, general), (type, typeLength, contentLength));
    }
}
