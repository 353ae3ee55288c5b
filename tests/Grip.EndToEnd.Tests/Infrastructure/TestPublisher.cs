using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Grip.Publishing;

namespace Grip.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A minimal <see cref="IGripPublisher"/> for the conformance origin: the items as
/// <c>{"items":[...]}</c> in one POST with Content-Length (a chunked publish gets 411).
/// </summary>
public sealed class TestPublisher(Uri publishUri) : IGripPublisher
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public Task PublishAsync(IReadOnlyList<PublishItem> items, CancellationToken cancellationToken = default) =>
        PublishAsync(items, GripDelivery.Default, cancellationToken);

    public void PublishInBackground(IReadOnlyList<PublishItem> items, GripDelivery delivery = GripDelivery.Default, Func<GripPublishException, Task>? onFailure = null) =>
        throw new NotSupportedException("The conformance origin publishes and waits.");

    public async Task PublishAsync(IReadOnlyList<PublishItem> items, GripDelivery delivery, CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items");
            foreach (var item in items)
            {
                item.WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        using var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Http.PostAsync(publishUri, content, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new GripPublishException($"Publish failed: {(int)response.StatusCode} {body}", [new GripPublishFailure(publishUri, (int)response.StatusCode, body)]);
        }
    }
}
