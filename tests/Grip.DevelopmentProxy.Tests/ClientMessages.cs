using System.Net.WebSockets;
using System.Text;

namespace Grip.DevelopmentProxy.Tests;

/// <summary>Sending and receiving whole messages on a test's ClientWebSocket (10 s receive timeout).</summary>
internal static class ClientMessages
{
    public static Task SendTextAsync(ClientWebSocket client, string text) =>
        client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public static async Task<string> ReceiveTextAsync(ClientWebSocket client)
    {
        var (type, data) = await ReceiveAsync(client);
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(data);
    }

    public static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(ClientWebSocket client)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await client.ReceiveAsync(buffer, cts.Token);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, message.ToArray());
            }
        }
    }
}
