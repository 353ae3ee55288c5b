using System.Text;
using Grip.Protocol;

// Decodes the batch Pushpin sends when a client says "hello", then encodes the reply a GRIP origin
// sends back: accept, subscribe to a channel, echo with the m: prefix.
byte[] request = "OPEN\r\nTEXT 5\r\nhello\r\nPING 4\r\nping\r\n"u8.ToArray();
var reader = new WebSocketEventReader(request);
Console.WriteLine("Request events:");
while (reader.Read(out var e))
{
    Console.WriteLine($"  {e} {(e.HasContent ? Encoding.UTF8.GetString(e.Content.Span) : "")}");
}

var response = new System.Buffers.ArrayBufferWriter<byte>();
WebSocketEventWriter.WriteEvent(response, WebSocketEventType.Open);
WebSocketEventWriter.WriteEvent(response, WebSocketEventType.Text, "c:"u8, """{"type":"subscribe","channel":"test"}"""u8);
WebSocketEventWriter.WriteEvent(response, WebSocketEventType.Text, "m:"u8, "hello"u8);
WebSocketEventWriter.WriteEvent(response, WebSocketEventType.Pong, "ping"u8);
Console.WriteLine("Response body:");
Console.WriteLine(Encoding.UTF8.GetString(response.WrittenSpan).Replace("\r\n", "\\r\\n\n", StringComparison.Ordinal));
