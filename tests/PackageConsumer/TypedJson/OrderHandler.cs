using System.Text.Json;
using System.Text.Json.Serialization;
using Grip;

namespace PackageConsumer.TypedJson;

/// <summary>Typed JSON messages routed by their "type" property, with System.Text.Json source generation.</summary>
[GripJsonContext(typeof(OrderJson))]
public sealed partial class OrderHandler
{
    [OnMessage("order.place")]
    public static OrderPlaced Place(PlaceOrder order) => new(order.Id, order.Quantity * 2);

    [OnMessage]
    public static string Other(string text) => "unknown: " + text;
}

public sealed record PlaceOrder(string Id, int Quantity);

public sealed record OrderPlaced(string Id, int Total);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(PlaceOrder))]
[JsonSerializable(typeof(OrderPlaced))]
public sealed partial class OrderJson : JsonSerializerContext;
