using System.Text;
using Grip.Publishing;
using Microsoft.Net.Http.Headers;

namespace Echo;

/// <summary><c>POST /api/broadcast</c>: publishes a text/plain body to every echo connection.</summary>
internal static class Broadcast
{
    /// <summary>The largest message accepted; the publish request around it must stay under Pushpin's 1,000,000-byte limit.</summary>
    public const int MaxMessageBytes = 900_000;

    public static async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await context.Response.WriteAsync("Send the message as text/plain.\n", context.RequestAborted);
            return;
        }

        // Pushpin refuses publish bodies over 1,000,000 bytes: read at most that much and answer
        // 413 beyond it rather than forwarding something the proxy would refuse.
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            if (body.Length + read > MaxMessageBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.Response.WriteAsync($"A broadcast is at most {MaxMessageBytes} bytes.\n", context.RequestAborted);
                return;
            }

            body.Write(buffer, 0, read);
        }

        string message = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);

        var publisher = context.RequestServices.GetRequiredService<IGripPublisher>();
        await publisher.PublishAsync(EchoHandler.Channel, message, context.RequestAborted);
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync("Ok", context.RequestAborted);
    }
}
