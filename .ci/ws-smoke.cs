// A smoke check of a running GRIP origin made from the grip-origin template (.ci/template-run): the
// page is served at /, and a WebSocket client at /api/chat gets back what it sends (the chat publishes
// to its room, the sender included). Usage: dotnet run .ci/ws-smoke.cs -- http://127.0.0.1:PORT
using System.Net.WebSockets;
using System.Text;

var origin = new Uri(args[0]);
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

using var http = new HttpClient { BaseAddress = origin };
string page = await http.GetStringAsync(new Uri("/", UriKind.Relative), timeout.Token);
if (!page.Contains("/api/chat", StringComparison.Ordinal))
{
    throw new InvalidOperationException("GET / did not serve the chat page:\n" + page);
}

using var socket = new ClientWebSocket();
await socket.ConnectAsync(new Uri($"ws://{origin.Authority}/api/chat"), timeout.Token);
string text = "hello from ws-smoke " + Guid.NewGuid().ToString("N");
await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);

var buffer = new byte[4096];
var received = await socket.ReceiveAsync(buffer, timeout.Token);
string reply = Encoding.UTF8.GetString(buffer, 0, received.Count);
if (received.MessageType != WebSocketMessageType.Text || reply != text)
{
    throw new InvalidOperationException($"expected the message back, got {received.MessageType} '{reply}'");
}

await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
Console.WriteLine($"ws-smoke: GET / served the page; a WebSocket message came back through /api/chat ({origin})");
