using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Grip.AsyncApi;

namespace Grip.Hosting.Tests.AsyncApi;

public enum Color
{
    Red,
    Green,
}

[JsonConverter(typeof(JsonStringEnumConverter<Mood>))]
public enum Mood
{
    Happy,
    [JsonStringEnumMemberName("so-so")]
    SoSo,
}

public sealed class Inner
{
    public int Value { get; set; }
}

public sealed class Everything
{
    public int Whole { get; set; }

    public long? MaybeLong { get; set; }

    public byte Byte { get; set; }

    public uint Count32 { get; set; }

    public double Real { get; set; }

    public char Letter { get; set; }

    public DateTimeOffset When { get; set; }

    public DateOnly Day { get; set; }

    public TimeSpan Span { get; set; }

    public Guid Id { get; set; }

    public Uri? Link { get; set; }

    public byte[] Bytes { get; set; } = [];

    public JsonElement Any { get; set; }

    public JsonObject? Obj { get; set; }

    public Color Color { get; set; }

    public Mood Mood { get; set; }

    public List<Inner> Items { get; set; } = [];

    public Dictionary<string, int> Counts { get; set; } = [];

    public Inner? Maybe { get; set; }

    [JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
    public int Stringy { get; set; }
}

/// <param name="Name">Required name.</param>
/// <param name="Note">Omitted when null.</param>
public sealed record TwoWay(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("note"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note = null)
{
    [JsonPropertyName("computed")]
    public string Computed => Name + "!";
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class Strict
{
    public required int N { get; set; }
}

[JsonDerivedType(typeof(Circle), "circle")]
public class Shape;

public sealed class Circle : Shape;

public sealed record HasShape(Shape Shape);

public sealed record NotListed(int X);

public sealed record Outer(NotListed Inner);

[JsonSerializable(typeof(Everything))]
[JsonSerializable(typeof(TwoWay))]
[JsonSerializable(typeof(Strict))]
[JsonSerializable(typeof(HasShape))]
[JsonSerializable(typeof(Outer))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class DocumentTestJson : JsonSerializerContext;

/// <summary><see cref="GripAsyncApiDocument"/> on hand-made contracts: schemas, views, names, close codes and the failures.</summary>
public sealed class GripAsyncApiDocumentTests
{
    [Fact]
    public void Every_type_of_the_table_gets_its_schema()
    {
        var schemas = Build(Contract(sends: [Json<Everything>()]))["components"]!["schemas"]!;
        var p = schemas["Everything"]!["properties"]!;
        Assert.Equal("""{"type":"integer","format":"int32"}""", p["whole"]!.ToJsonString());
        Assert.Equal("""{"type":["integer","null"],"format":"int64"}""", p["maybeLong"]!.ToJsonString());
        Assert.Equal("""{"type":"integer","format":"int32","minimum":0,"maximum":255}""", p["byte"]!.ToJsonString());
        Assert.Equal("""{"type":"integer","format":"int64","minimum":0,"maximum":4294967295}""", p["count32"]!.ToJsonString());
        Assert.Equal("""{"type":"number","format":"double"}""", p["real"]!.ToJsonString());
        Assert.Equal("""{"type":"string","minLength":1,"maxLength":1}""", p["letter"]!.ToJsonString());
        Assert.Equal("""{"type":"string","format":"date-time"}""", p["when"]!.ToJsonString());
        Assert.Equal("""{"type":"string","format":"date"}""", p["day"]!.ToJsonString());
        Assert.Equal("""{"type":"string"}""", p["span"]!.ToJsonString());
        Assert.Equal("""{"type":"string","format":"uuid"}""", p["id"]!.ToJsonString());
        Assert.Equal("""{"type":["string","null"],"format":"uri"}""", p["link"]!.ToJsonString());
        Assert.Equal("""{"type":"string","contentEncoding":"base64"}""", p["bytes"]!.ToJsonString());
        Assert.Equal("{}", p["any"]!.ToJsonString());
        Assert.Equal("""{"type":["object","null"]}""", p["obj"]!.ToJsonString());
        Assert.Equal("""{"$ref":"#/components/schemas/Color"}""", p["color"]!.ToJsonString());
        Assert.Equal("""{"$ref":"#/components/schemas/Mood"}""", p["mood"]!.ToJsonString());
        Assert.Equal("""{"type":"array","items":{"$ref":"#/components/schemas/Inner"}}""", p["items"]!.ToJsonString());
        Assert.Equal("""{"type":"object","additionalProperties":{"type":"integer","format":"int32"}}""", p["counts"]!.ToJsonString());
        Assert.Equal("""{"oneOf":[{"$ref":"#/components/schemas/Inner"},{"type":"null"}]}""", p["maybe"]!.ToJsonString());
        Assert.Equal("""{"type":"string"}""", p["stringy"]!.ToJsonString());
        Assert.Equal("""{"type":"integer","enum":[0,1],"x-grip-type":"Grip.Hosting.Tests.AsyncApi.Color"}""", schemas["Color"]!.ToJsonString());
        Assert.Equal("""{"type":"string","enum":["Happy","so-so"],"x-grip-type":"Grip.Hosting.Tests.AsyncApi.Mood"}""", schemas["Mood"]!.ToJsonString());
        Assert.Equal(["Everything", "Color", "Mood", "Inner"], ((JsonObject)schemas).Select(s => s.Key));
    }

    [Fact]
    public void A_type_read_and_written_differently_gets_two_schemas_and_one_read_the_same_way_one()
    {
        var contract = Contract(
            routes: [new("Put", null, "put", Json<TwoWay>(), Json<TwoWay>()), new("Strict", null, "strict", Json<Strict>(), Json<Strict>())]);
        var root = Build(contract);
        var schemas = root["components"]!["schemas"]!;
        Assert.Equal("write", (string?)schemas["TwoWay"]!["x-grip-view"]);
        Assert.Equal("read", (string?)schemas["TwoWayInput"]!["x-grip-view"]);
        Assert.Equal("both", (string?)schemas["Strict"]!["x-grip-view"]);
        Assert.Null(schemas["StrictInput"]);

        // Write view: every property the serializer gets, required unless conditionally ignored;
        // the WhenWritingNull property is never null on the wire.
        Assert.Equal("""["name","computed"]""", schemas["TwoWay"]!["required"]!.ToJsonString());
        Assert.Equal("""{"type":"string","description":"Omitted when null."}""", schemas["TwoWay"]!["properties"]!["note"]!.ToJsonString());
        Assert.Equal(false, (bool?)schemas["TwoWay"]!["additionalProperties"]);

        // Read view: what the serializer can set (no computed property), nullable as annotated.
        Assert.Equal(["name", "note"], ((JsonObject)schemas["TwoWayInput"]!["properties"]!).Select(p => p.Key));
        Assert.Equal("""["string","null"]""", schemas["TwoWayInput"]!["properties"]!["note"]!["type"]!.ToJsonString());
        Assert.Null(schemas["TwoWayInput"]!["additionalProperties"]);
        Assert.Equal("#/components/schemas/TwoWayInput", (string?)root["components"]!["messages"]!["h.put"]!["payload"]!["allOf"]![0]!["$ref"]);
        Assert.Equal("TwoWayInput", (string?)root["components"]!["messages"]!["h.put"]!["x-grip-message"]!["schema"]);
        Assert.Equal("#/components/schemas/TwoWay", (string?)root["components"]!["messages"]!["TwoWay"]!["payload"]!["$ref"]);
    }

    [Fact]
    public void Close_codes_follow_the_methods()
    {
        var typedOnly = Build(Contract(routes: [new("Put", null, "put", Json<Strict>(), null)]));
        Assert.Equal([1003, 1007, 1011], Codes(typedOnly));
        Assert.Equal("type", (string?)typedOnly["channels"]!["h"]!["x-grip-handler"]!["discriminator"]);

        var everything = Build(Contract(routes: [new("Any", null, null, new(GripPayloadKind.TextOrBinary), null)]));
        Assert.Equal([1011], Codes(everything));
        Assert.Null(everything["channels"]!["h"]!["x-grip-handler"]!["discriminator"]);
        Assert.Equal(["text", "binary"], ((JsonObject)everything["channels"]!["h"]!["messages"]!).Select(m => m.Key));
    }

    [Fact]
    public void App_close_codes_follow_the_framework_ones_ascending_with_the_documented_fields()
    {
        var root = Build(WithCodes(
            new(4100, "roomFull", "Full", "The room has no seat left.", true),
            new(4001, "banned", null, "The user was banned.", false),
            new(4000, "tokenExpired", "Token expired", null, true)));
        var codes = (JsonArray)root["channels"]!["h"]!["x-grip-handler"]!["closeCodes"]!;
        Assert.Equal([1003, 1007, 1011, 4000, 4001, 4100], Codes(root));
        Assert.Equal("""{"code":4000,"name":"tokenExpired","reason":"Token expired"}""", codes[3]!.ToJsonString());
        Assert.Equal("""{"code":4001,"name":"banned","description":"The user was banned.","reconnect":false}""", codes[4]!.ToJsonString());
        Assert.Equal("""{"code":4100,"name":"roomFull","reason":"Full","description":"The room has no seat left."}""", codes[5]!.ToJsonString());

        // Without declarations the list is the framework's, as before.
        Assert.Equal([1003, 1007, 1011], Codes(Build(WithCodes())));
    }

    [Theory]
    [InlineData(3999, "banned", 4001, "kicked", "4000-4999")]
    [InlineData(4001, "Banned", 4002, "kicked", "camelCase")]
    [InlineData(4001, "banned", 4001, "kicked", "twice")]
    [InlineData(4001, "banned", 4002, "banned", "twice")]
    public void A_hand_built_contract_with_an_invalid_close_code_is_refused(int code, string name, int otherCode, string otherName, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(WithCodes(new(otherCode, otherName, null, null, true), new(code, name, null, null, true))));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("T.H", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_follow_the_conventions()
    {
        Assert.Equal("chatSend", GripAsyncApiDocument.Ident("chat.send"));
        Assert.Equal("channelMessage", GripAsyncApiDocument.Ident("ChannelMessage"));
        Assert.Equal("apiV2Chat", GripAsyncApiDocument.Ident("/api/v2/chat"));
        Assert.Equal("m2fa", GripAsyncApiDocument.Ident("2fa"));
        Assert.Equal("grip.ps.channel", GripAsyncApiDocument.GripKey("ps:{channel}"));
        Assert.Equal("grip.all", GripAsyncApiDocument.GripKey("all"));
        Assert.Equal("grip.room.id_1.events-x", GripAsyncApiDocument.GripKey("::room/{id_1}:events-x::"));
    }

    [Fact]
    public void Two_patterns_with_one_key_get_numbered_keys()
    {
        var root = Build(Contract(publishes: [new("a:b", new(GripPayloadKind.Text)), new("a.b", new(GripPayloadKind.Text))]));
        Assert.Equal("a.b", (string?)root["channels"]!["grip.a.b"]!["address"]);
        Assert.Equal("a:b", (string?)root["channels"]!["grip.a.b.2"]!["address"]);
    }

    [Fact]
    public void A_polymorphic_type_is_refused_with_its_name()
    {
        var error = Assert.Throws<NotSupportedException>(() => Build(Contract(sends: [Json<HasShape>()])));
        Assert.Contains("Shape", error.Message, StringComparison.Ordinal);
        Assert.Contains("polymorphic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_without_metadata_in_the_context_is_refused_with_the_fix()
    {
        var error = Assert.Throws<NotSupportedException>(() => Build(Contract(sends: [new(GripPayloadKind.Json, typeof(Color[,]))])));
        Assert.Contains("DocumentTestJson", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_types_without_a_context_are_refused()
    {
        var contract = new GripHandlerContract(typeof(GripAsyncApiDocumentTests), "T.H", null, null, null, [], [Json<Strict>()], [], [], []);
        var error = Assert.Throws<NotSupportedException>(() => GripAsyncApiDocument.Build("T", "1", [new("/h", contract)]));
        Assert.Contains("[GripJsonContext]", error.Message, StringComparison.Ordinal);
    }

    private static int[] Codes(JsonNode root) => ((JsonArray)root["channels"]!["h"]!["x-grip-handler"]!["closeCodes"]!).Select(c => (int)c!["code"]!).ToArray();

    private static GripPayloadContract Json<T>() => new(GripPayloadKind.Json, typeof(T));

    private static GripHandlerContract Contract(GripRouteContract[]? routes = null, GripPayloadContract[]? sends = null, GripPublishContract[]? publishes = null) =>
        new(typeof(H), "T.H", null, DocumentTestJson.Default, "type", routes ?? [], sends ?? [], publishes ?? [], [], [
            new GripTypeDocs(typeof(TwoWay), null, [new("Name", "name", "Required name."), new("Note", "note", "Omitted when null.")]),
        ]);

    private static GripHandlerContract WithCodes(params GripCloseCodeContract[] codes) =>
        new(typeof(H), "T.H", null, DocumentTestJson.Default, "type", [new("Put", null, "put", Json<Strict>(), null)], [], [], [], [])
        {
            CloseCodes = codes,
        };

    private static JsonNode Build(GripHandlerContract contract) =>
        JsonNode.Parse(GripAsyncApiDocument.Build("T", "1", [new("/h", contract)]))!;

    private sealed class H;
}
