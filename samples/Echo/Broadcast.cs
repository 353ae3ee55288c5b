using System.Text;
using Grip;
using Microsoft.Net.Http.Headers;

namespace Echo;

/// <summary><c>POST /api/broadcast</c>: publishes a text/plain body to every echo connection.</summary>
/// <remarks>
/// <para>
/// No authentication, on purpose: this sample answers exactly like the Next.js + Pushpin echo example
/// it was written to replace (seed compatibility), whose broadcast route is open. Anyone who can reach
/// the origin can broadcast to every connection, so do not expose it like this. To require a key,
/// add a filter where the route is mapped (Program.cs), for example:
/// </para>
/// <code>
/// string apiKey = builder.Configuration["Echo:BroadcastKey"] ?? throw new InvalidOperationException("Set Echo:BroadcastKey.");
/// app.MapPost("/api/broadcast", Broadcast.HandleAsync).AddEndpointFilter(async (ctx, next) =>
///     CryptographicOperations.FixedTimeEquals(
///         Encoding.UTF8.GetBytes(ctx.HttpContext.Request.Headers.Authorization.ToString()),
///         Encoding.UTF8.GetBytes("Bearer " + apiKey))
///         ? await next(ctx)
///         : Results.Unauthorized());
/// </code>
/// <para>or use ASP.NET Core authentication (<c>AddAuthentication().AddJwtBearer()</c>, then <c>.RequireAuthorization()</c> on the route).</para>
/// </remarks>
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
        try
        {
            await publisher.PublishAsync(EchoHandler.Channel, message, context.RequestAborted);
        }
        catch (GripPublishException)
        {
            // The proxy could not be reached or refused the publish (after the publisher's retries; it
            // logged the details). Say so with a gateway status instead of an empty 500: the message
            // was not delivered and the caller may try again.
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("Broadcast not delivered: the GRIP proxy could not be reached or refused the publish. Try again later.\n", context.RequestAborted);
            return;
        }

        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync("Ok", context.RequestAborted);
    }
}
