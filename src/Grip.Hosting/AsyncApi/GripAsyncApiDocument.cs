using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Grip.AsyncApi;

/// <summary>
/// Builds the app's AsyncAPI 3.0 document (conventions version 1, docs/asyncapi.md) from the handlers'
/// generated contracts and their JSON contexts' <see cref="JsonTypeInfo"/> metadata: property names
/// as serialized, required and nullable as the metadata says. No reflection, so Native AOT apps build
/// it too.
/// </summary>
public static class GripAsyncApiDocument
{
    private const string Unsupported = "A message no method of the handler takes: binary without a binary method, text without a text method, or a typed message that matches no route and finds no untyped text method.";
    private const string Invalid = "Text that is not JSON, or a routed message that does not deserialize to its type, and the handler has no untyped text method.";
    private const string Fault = "A handler method threw; the exception is logged on the server and never sent.";

    /// <summary>The document as indented UTF-8 JSON.</summary>
    /// <param name="title">The app's name (<c>info.title</c>), by convention its assembly name.</param>
    /// <param name="version">The app's version (<c>info.version</c>).</param>
    /// <param name="handlers">The handlers and the paths they are mapped at.</param>
    /// <exception cref="NotSupportedException">A message type cannot be described (for example a polymorphic type).</exception>
    public static byte[] Build(string title, string version, IEnumerable<GripAsyncApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        var root = new Builder(title, version, handlers).Build();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 2, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            root.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <c>ident(s)</c> of docs/asyncapi.md ("Naming"): split on runs of characters outside
    /// <c>[A-Za-z0-9]</c>, lower-case the first part's first letter, upper-case the others', join.
    /// </summary>
    /// <param name="value">The text.</param>
    public static string Ident(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length);
        bool boundary = false;
        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                boundary = text.Length > 0;
                continue;
            }

            text.Append(text.Length == 0 ? char.ToLowerInvariant(c) : boundary ? char.ToUpperInvariant(c) : c);
            boundary = false;
        }

        return text.Length > 0 && char.IsAsciiDigit(text[0]) ? "m" + text : text.ToString();
    }

    /// <summary>The key of a GRIP channel pattern's channel: <c>ps:{channel}</c> → <c>grip.ps.channel</c>.</summary>
    /// <param name="pattern">The channel pattern.</param>
    public static string GripKey(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var text = new StringBuilder("grip.");
        bool dot = false;
        foreach (char c in pattern)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            {
                if (dot && text.Length > 5)
                {
                    text.Append('.');
                }

                dot = false;
                text.Append(c);
            }
            else
            {
                dot = true;
            }
        }

        return text.ToString();
    }

    private static void Append(JsonArray array, JsonNode? node) => array.Add(node);

    private enum View
    {
        Read,
        Write,
    }

    private sealed class Builder
    {
        private readonly string _title;
        private readonly string _version;
        private readonly List<(string Key, GripAsyncApiHandler Handler)> _handlers = [];
        private readonly List<(string Key, string Pattern)> _gripChannels = [];
        private readonly JsonObject _messages = [];
        private readonly List<(Type Type, View View, JsonSerializerContext Context)> _roots = [];
        private readonly Dictionary<Type, GripTypeDocs> _docs = [];

        public Builder(string title, string version, IEnumerable<GripAsyncApiHandler> handlers)
        {
            _title = title;
            _version = version;
            var taken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var handler in handlers.OrderBy(h => h.Path, StringComparer.Ordinal))
            {
                string name = handler.Contract.HandlerType.Name;
                string key = Ident(name.EndsWith("Handler", StringComparison.Ordinal) ? name[..^"Handler".Length] : name);
                if (key.Length == 0 || !taken.Add(key))
                {
                    key = Ident(handler.Path);
                    taken.Add(key);
                }

                _handlers.Add((key, handler));
                foreach (var docs in handler.Contract.Types)
                {
                    _docs.TryAdd(docs.Type, docs);
                }
            }

            var gripTaken = new HashSet<string>(StringComparer.Ordinal);
            foreach (string pattern in _handlers.SelectMany(h => h.Handler.Contract.Publishes).Select(p => p.Channel).Distinct().Order(StringComparer.Ordinal))
            {
                string key = GripKey(pattern);
                for (int n = 2; !gripTaken.Add(key); n++)
                {
                    key = GripKey(pattern) + "." + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                _gripChannels.Add((key, pattern));
            }
        }

        public JsonObject Build()
        {
            var channels = new JsonObject();
            var operations = new JsonObject();
            var handlerOperations = new List<(string Key, JsonObject Operation)>();
            foreach (var (key, handler) in _handlers)
            {
                channels[key] = HandlerChannel(key, handler, handlerOperations);
            }

            foreach (var (key, pattern) in _gripChannels)
            {
                channels[key] = GripChannel(key, pattern);
            }

            foreach (var (key, operation) in handlerOperations)
            {
                operations[key] = operation;
            }

            foreach (var (key, pattern) in _gripChannels)
            {
                var messages = new JsonArray();
                foreach (string message in ((JsonObject)channels[key]!["messages"]!).Select(m => m.Key))
                {
                    Append(messages, Ref("#/channels/" + key + "/messages/" + message));
                }

                operations[key + ".send"] = new JsonObject
                {
                    ["action"] = "send",
                    ["channel"] = Ref("#/channels/" + key),
                    ["title"] = "Publish to " + pattern,
                    ["description"] = "The app publishes these messages to `" + pattern + "` through the GRIP proxy.",
                    ["messages"] = messages,
                };
            }

            var schemas = new SchemaSet(_docs).Build(_roots);
            var root = new JsonObject
            {
                ["asyncapi"] = "3.0.0",
                ["info"] = new JsonObject { ["title"] = _title, ["version"] = _version, ["x-grip-conventions"] = "1" },
                ["defaultContentType"] = "application/json",
                ["channels"] = channels,
                ["operations"] = operations,
                ["components"] = new JsonObject { ["messages"] = _messages, ["schemas"] = schemas.Schemas },
            };
            ResolveSchemaRefs(root, schemas);
            return root;
        }

        private JsonObject HandlerChannel(string key, GripAsyncApiHandler handler, List<(string Key, JsonObject Operation)> operations)
        {
            var contract = handler.Contract;
            var messages = new JsonObject();
            void AddMessage(string messageKey, string component)
            {
                if (!messages.ContainsKey(messageKey))
                {
                    messages[messageKey] = Ref("#/components/messages/" + component);
                }
            }

            var receive = new List<(string OperationKey, GripRouteContract Route, List<string> MessageKeys)>();
            foreach (var route in contract.Routes.Where(r => r.Route is not null))
            {
                string messageKey = Ident(route.Route!);
                string component = key + "." + messageKey;
                AddMessage(messageKey, component);
                AddRouteMessage(component, route, contract);
                receive.Add((key + ".receive." + messageKey, route, [messageKey]));
            }

            bool takesText = false;
            bool takesBinary = false;
            foreach (var route in contract.Routes.Where(r => r.Route is null))
            {
                var keys = new List<string>();
                if (route.Message.Kind is GripPayloadKind.Text or GripPayloadKind.TextOrBinary or GripPayloadKind.Json)
                {
                    takesText = true;
                    keys.Add(RawMessage(GripPayloadKind.Text));
                }

                if (route.Message.Kind is GripPayloadKind.Binary or GripPayloadKind.TextOrBinary)
                {
                    takesBinary = true;
                    keys.Add(RawMessage(GripPayloadKind.Binary));
                }

                foreach (string k in keys)
                {
                    AddMessage(k, k);
                }

                receive.Add((key + ".receive." + keys[0], route, keys));
            }

            // What the connections receive: replies, sends, publishes.
            var replyKeys = new Dictionary<GripRouteContract, string>();
            foreach (var route in contract.Routes)
            {
                if (route.Reply is { } reply)
                {
                    string k = OutgoingMessage(reply, contract);
                    AddMessage(k, k);
                    replyKeys[route] = k;
                }
            }

            var sendKeys = new List<string>();
            foreach (var send in contract.Sends)
            {
                string k = OutgoingMessage(send, contract);
                AddMessage(k, k);
                if (!sendKeys.Contains(k))
                {
                    sendKeys.Add(k);
                }
            }

            var publishKeys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var publish in contract.Publishes)
            {
                string k = OutgoingMessage(publish.Message, contract);
                AddMessage(k, k);
                if (!publishKeys.TryGetValue(publish.Channel, out var list))
                {
                    publishKeys[publish.Channel] = list = [];
                }

                if (!list.Contains(k))
                {
                    list.Add(k);
                }
            }

            foreach (var (operationKey, route, messageKeys) in receive)
            {
                var operation = new JsonObject
                {
                    ["action"] = "receive",
                    ["channel"] = Ref("#/channels/" + key),
                    ["title"] = route.Method,
                };
                if (route.Description is { } description)
                {
                    operation["description"] = description;
                }

                operation["messages"] = new JsonArray(messageKeys.Select(k => (JsonNode)Ref("#/channels/" + key + "/messages/" + k)).ToArray());
                if (replyKeys.TryGetValue(route, out string? replyKey))
                {
                    operation["reply"] = new JsonObject
                    {
                        ["channel"] = Ref("#/channels/" + key),
                        ["messages"] = new JsonArray(Ref("#/channels/" + key + "/messages/" + replyKey)),
                    };
                }

                operation["x-grip-method"] = route.Method;
                operations.Add((operationKey, operation));
            }

            if (sendKeys.Count > 0)
            {
                operations.Add((key + ".send", new JsonObject
                {
                    ["action"] = "send",
                    ["channel"] = Ref("#/channels/" + key),
                    ["title"] = "Sent by the handler",
                    ["description"] = "Messages the handler sends to its own connection (`SendJson`, `Send`, `SendBinary`).",
                    ["messages"] = new JsonArray(sendKeys.Select(k => (JsonNode)Ref("#/channels/" + key + "/messages/" + k)).ToArray()),
                }));
            }

            foreach (var (gripKey, pattern) in _gripChannels)
            {
                if (publishKeys.TryGetValue(pattern, out var keys))
                {
                    operations.Add((key + ".send." + gripKey, new JsonObject
                    {
                        ["action"] = "send",
                        ["channel"] = Ref("#/channels/" + key),
                        ["title"] = "Published to " + pattern,
                        ["description"] = "Messages published to the GRIP channel `" + pattern + "`, delivered to the connections subscribed to it.",
                        ["messages"] = new JsonArray(keys.Select(k => (JsonNode)Ref("#/channels/" + key + "/messages/" + k)).ToArray()),
                        ["x-grip-publish"] = new JsonObject { ["channel"] = gripKey },
                    }));
                }
            }

            var channel = new JsonObject
            {
                ["address"] = Address(handler.Path),
                ["title"] = contract.HandlerType.Name,
            };
            if (contract.Description is { } summary)
            {
                channel["description"] = summary;
            }

            channel["messages"] = messages;
            var ws = new JsonObject { ["method"] = "GET" };
            if (contract.QueryNames.Count > 0)
            {
                var properties = new JsonObject();
                foreach (string name in contract.QueryNames)
                {
                    properties[name] = new JsonObject { ["type"] = "string" };
                }

                ws["query"] = new JsonObject { ["type"] = "object", ["properties"] = properties };
            }

            ws["bindingVersion"] = "0.1.0";
            channel["bindings"] = new JsonObject { ["ws"] = ws };

            bool typed = contract.Routes.Any(r => r.Route is not null);
            var closeCodes = new JsonArray();
            if (!takesBinary || !takesText)
            {
                Append(closeCodes, CloseCode(1003, "unsupportedMessage", "Unsupported message", Unsupported));
            }

            if (typed && !takesText)
            {
                Append(closeCodes, CloseCode(1007, "invalidMessage", "Invalid message", Invalid));
            }

            Append(closeCodes, CloseCode(1011, "handlerFault", "Internal server error", Fault));
            foreach (var code in AppCloseCodes(contract))
            {
                var entry = new JsonObject { ["code"] = code.Code, ["name"] = code.Name };
                if (code.Reason is not null)
                {
                    entry["reason"] = code.Reason;
                }

                if (code.Description is not null)
                {
                    entry["description"] = code.Description;
                }

                if (!code.Reconnect)
                {
                    entry["reconnect"] = false;
                }

                Append(closeCodes, entry);
            }

            channel["x-grip-handler"] = new JsonObject
            {
                ["type"] = contract.FullName,
                ["discriminator"] = typed ? contract.Discriminator ?? "type" : null,
                ["closeCodes"] = closeCodes,
            };
            return channel;
        }

        private JsonObject GripChannel(string key, string pattern)
        {
            var channel = new JsonObject
            {
                ["address"] = pattern,
                ["title"] = pattern,
                ["description"] = "A GRIP channel the app publishes to; connections subscribed to it receive its messages.",
            };
            var parameters = new JsonObject();
            for (int start = pattern.IndexOf('{', StringComparison.Ordinal); start >= 0; start = pattern.IndexOf('{', start + 1))
            {
                int end = pattern.IndexOf('}', start);
                if (end < 0)
                {
                    break;
                }

                string name = pattern[(start + 1)..end];
                parameters[name] = new JsonObject { ["description"] = "The `{" + name + "}` part of the GRIP channel name." };
            }

            if (parameters.Count > 0)
            {
                channel["parameters"] = parameters;
            }

            var messages = new JsonObject();
            foreach (var (_, handler) in _handlers)
            {
                foreach (var publish in handler.Contract.Publishes.Where(p => p.Channel == pattern))
                {
                    string k = OutgoingMessage(publish.Message, handler.Contract);
                    if (!messages.ContainsKey(k))
                    {
                        messages[k] = Ref("#/components/messages/" + k);
                    }
                }
            }

            channel["messages"] = messages;
            channel["x-grip-channel"] = new JsonObject { ["pattern"] = pattern };
            _ = key;
            return channel;
        }

        private void AddRouteMessage(string component, GripRouteContract route, GripHandlerContract contract)
        {
            string discriminator = contract.Discriminator ?? "type";
            var allOf = new JsonArray();
            var meta = new JsonObject { ["kind"] = "json", ["route"] = route.Route };
            if (route.Message is { Kind: GripPayloadKind.Json, JsonType: { } type })
            {
                Append(allOf, new JsonObject { ["$ref"] = "#/components/schemas/" + SchemaPlaceholder(type, View.Read) });
                meta["schema"] = SchemaPlaceholder(type, View.Read);
                _roots.Add((type, View.Read, Context(contract)));
            }

            Append(allOf, new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { [discriminator] = new JsonObject { ["type"] = "string", ["const"] = route.Route } },
                ["required"] = new JsonArray(discriminator),
            });
            _messages[component] = new JsonObject
            {
                ["name"] = route.Route,
                ["title"] = route.Route,
                ["contentType"] = "application/json",
                ["payload"] = new JsonObject { ["allOf"] = allOf },
                ["x-grip-message"] = meta,
            };
        }

        private string RawMessage(GripPayloadKind kind)
        {
            bool text = kind == GripPayloadKind.Text;
            string key = text ? "text" : "binary";
            if (!_messages.ContainsKey(key))
            {
                var payload = new JsonObject { ["type"] = "string" };
                if (!text)
                {
                    payload["format"] = "binary";
                }

                _messages[key] = new JsonObject
                {
                    ["name"] = key,
                    ["title"] = text ? "Text" : "Binary",
                    ["contentType"] = text ? "text/plain" : "application/octet-stream",
                    ["payload"] = payload,
                    ["x-grip-message"] = new JsonObject { ["kind"] = key },
                };
            }

            return key;
        }

        // The component message of something the app sends; its key (a placeholder for a JSON type,
        // replaced by the schema key once every schema is known).
        private string OutgoingMessage(GripPayloadContract payload, GripHandlerContract contract)
        {
            if (payload is not { Kind: GripPayloadKind.Json, JsonType: { } type })
            {
                return RawMessage(payload.Kind == GripPayloadKind.Binary ? GripPayloadKind.Binary : GripPayloadKind.Text);
            }

            string key = SchemaPlaceholder(type, View.Write);
            if (!_messages.ContainsKey(key))
            {
                var message = new JsonObject { ["name"] = key, ["title"] = key };
                if (_docs.TryGetValue(type, out var docs) && docs.Summary is { } summary)
                {
                    message["summary"] = summary;
                }

                message["contentType"] = "application/json";
                message["payload"] = new JsonObject { ["$ref"] = "#/components/schemas/" + key };
                message["x-grip-message"] = new JsonObject { ["kind"] = "json", ["schema"] = key };
                _messages[key] = message;
                _roots.Add((type, View.Write, Context(contract)));
            }

            return key;
        }

        private static JsonSerializerContext Context(GripHandlerContract contract) =>
            contract.JsonContext ?? throw new NotSupportedException($"'{contract.FullName}' uses JSON types but names no [GripJsonContext].");

        // The app's [GripCloseCode] declarations, ascending by code. The generator leaves out what
        // GRIP0019 reports; a contract built by hand gets the same checks here.
        private static IEnumerable<GripCloseCodeContract> AppCloseCodes(GripHandlerContract contract)
        {
            var codes = new HashSet<int>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var code in contract.CloseCodes)
            {
                if (code.Code is < 4000 or > 4999)
                {
                    throw new InvalidOperationException($"'{contract.FullName}' declares the close code {code.Code}; an app's own codes are 4000-4999.");
                }

                if (string.IsNullOrEmpty(code.Name) || !char.IsAsciiLetterLower(code.Name[0]) || !code.Name.All(char.IsAsciiLetterOrDigit))
                {
                    throw new InvalidOperationException($"'{contract.FullName}' declares the close code {code.Code} with the name \"{code.Name}\", which is not a camelCase identifier.");
                }

                if (!codes.Add(code.Code) || !names.Add(code.Name))
                {
                    throw new InvalidOperationException($"'{contract.FullName}' declares the close code {code.Code} (\"{code.Name}\") twice: codes and names are unique on a handler.");
                }
            }

            return contract.CloseCodes.OrderBy(c => c.Code);
        }

        private static JsonObject CloseCode(int code, string name, string reason, string description) => new()
        {
            ["code"] = code,
            ["name"] = name,
            ["reason"] = reason,
            ["description"] = description,
        };

        private static string Address(string path)
        {
            var text = new StringBuilder(path.StartsWith('/') ? path : "/" + path);
            return text.ToString();
        }

        // Replaces the schema placeholders (message keys named after schemas not yet keyed) with the
        // schema keys, everywhere: object keys, names, and the ends of $ref paths.
        private static void ResolveSchemaRefs(JsonNode? node, SchemaResult schemas)
        {
            if (node is JsonObject obj)
            {
                var properties = obj.ToList();
                obj.Clear();
                foreach (var (key, value) in properties)
                {
                    if (value is JsonValue v && v.TryGetValue(out string? text) && SchemaResult.Find(text) >= 0)
                    {
                        obj[schemas.Resolve(key)] = schemas.Resolve(text);
                    }
                    else
                    {
                        ResolveSchemaRefs(value, schemas);
                        obj[schemas.Resolve(key)] = value;
                    }
                }
            }
            else if (node is JsonArray array)
            {
                foreach (var item in array)
                {
                    ResolveSchemaRefs(item, schemas);
                }
            }
        }

        private static JsonObject Ref(string target) => new() { ["$ref"] = target };

        private static string SchemaPlaceholder(Type type, View view) => SchemaResult.Placeholder(type, view == View.Read);
    }

    private sealed class SchemaResult(JsonObject schemas, Dictionary<(Type, bool), string> keys, Dictionary<string, (Type, bool)> placeholders)
    {
        private const string Prefix = "\u0001schema:";

        public JsonObject Schemas { get; } = schemas;

        public static string Placeholder(Type type, bool read) => Prefix + (read ? "r:" : "w:") + type.AssemblyQualifiedName;

        // Where a placeholder starts in value (it always ends it), or -1.
        public static int Find(string? value) => value is null ? -1 : value.IndexOf(Prefix, StringComparison.Ordinal);

        public string Resolve(string value)
        {
            int start = Find(value);
            return start < 0 ? value : value[..start] + keys[placeholders[value[start..]]];
        }

        public static SchemaResult Create(JsonObject schemas, Dictionary<(Type, bool), string> keys)
        {
            var placeholders = new Dictionary<string, (Type, bool)>(StringComparer.Ordinal);
            foreach (var (type, read) in keys.Keys)
            {
                placeholders[Placeholder(type, read)] = (type, read);
            }

            return new SchemaResult(schemas, keys, placeholders);
        }
    }

    // The schemas reached from the messages, depth first in message and property order, with the
    // read and write views of docs/asyncapi.md ("Two views of a type").
    private sealed class SchemaSet(Dictionary<Type, GripTypeDocs> docs)
    {
        private readonly List<(Type Type, bool Read)> _order = [];
        private readonly HashSet<(Type, bool)> _seen = [];
        private readonly Dictionary<Type, JsonSerializerContext> _contexts = [];
        private Dictionary<Type, string> _names = [];
        private HashSet<Type> _split = [];

        public SchemaResult Build(List<(Type Type, View View, JsonSerializerContext Context)> roots)
        {
            foreach (var (type, view, context) in roots)
            {
                Visit(type, view == View.Read, context);
            }

            _names = Names(_order.Select(o => o.Type).Distinct().ToList());

            // A type reached in both views gets one schema when the views are equal; views depend
            // on the keys of nested types, so split until nothing changes.
            Dictionary<(Type, bool), JsonObject> rendered = [];
            for (int round = 0; round < 16; round++)
            {
                rendered = _order.ToDictionary(o => o, o => Render(o.Type, o.Read));
                var split = new HashSet<Type>(_split);
                foreach (var group in _order.GroupBy(o => o.Type).Where(g => g.Count() == 2))
                {
                    if (!JsonNode.DeepEquals(rendered[(group.Key, true)], rendered[(group.Key, false)]))
                    {
                        split.Add(group.Key);
                    }
                }

                if (split.SetEquals(_split))
                {
                    break;
                }

                _split = split;
            }

            var schemas = new JsonObject();
            var keys = new Dictionary<(Type, bool), string>();
            var both = _order.GroupBy(o => o.Type).Where(g => g.Count() == 2 && !_split.Contains(g.Key)).Select(g => g.Key).ToHashSet();
            foreach (var (type, read) in _order)
            {
                string key = Key(type, read);
                keys[(type, read)] = key;
                if (schemas.ContainsKey(key))
                {
                    continue;
                }

                var schema = rendered[(type, read)];
                if (schema.ContainsKey("x-grip-view"))
                {
                    schema["x-grip-view"] = both.Contains(type) ? "both" : read ? "read" : "write";
                }

                schemas[key] = schema;
            }

            return SchemaResult.Create(schemas, keys);
        }

        private string Key(Type type, bool read) => _names[type] + (read && _split.Contains(type) ? "Input" : string.Empty);

        private void Visit(Type type, bool read, JsonSerializerContext context)
        {
            if (Component(type, context) is not { } info)
            {
                foreach (var inner in Inner(type, context))
                {
                    Visit(inner, read, context);
                }

                return;
            }

            bool isEnum = info.Kind == JsonTypeInfoKind.None;
            var entry = (type, isEnum ? false : read);
            if (!_seen.Add(entry))
            {
                return;
            }

            _contexts.TryAdd(type, context);
            _order.Add(entry);
            if (!isEnum)
            {
                foreach (var property in Properties(info, read))
                {
                    Visit(property.PropertyType, read, context);
                }
            }
        }

        // The JSON metadata of a type that gets a schema of its own (object or enum), else null.
        private static JsonTypeInfo? Component(Type type, JsonSerializerContext context)
        {
            if (Primitive(type, null, read: false) is not null || Nullable.GetUnderlyingType(type) is not null)
            {
                return null;
            }

            var info = context.GetTypeInfo(type)
                ?? throw new NotSupportedException($"'{type}' has no metadata in '{context.GetType().Name}'; add [JsonSerializable(typeof({type.Name}))] to it.");
            if (info.PolymorphismOptions is { DerivedTypes.Count: > 0 })
            {
                throw new NotSupportedException($"'{type}' is polymorphic ([JsonDerivedType]), which the AsyncAPI conventions version 1 do not describe.");
            }

            return info.Kind == JsonTypeInfoKind.Object || (info.Kind == JsonTypeInfoKind.None && type.IsEnum) ? info : null;
        }

        private static IEnumerable<Type> Inner(Type type, JsonSerializerContext context)
        {
            if (Nullable.GetUnderlyingType(type) is { } underlying)
            {
                yield return underlying;
                yield break;
            }

            if (Primitive(type, null, read: false) is not null)
            {
                yield break;
            }

            var info = context.GetTypeInfo(type);
            if (info?.Kind is JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary && info.ElementType is { } element)
            {
                yield return element;
            }
        }

        private static IEnumerable<JsonPropertyInfo> Properties(JsonTypeInfo info, bool read) =>
            info.Properties.Where(p => read ? p.Set is not null || p.AssociatedParameter is not null : p.Get is not null);

        private JsonObject Render(Type type, bool read)
        {
            var context = _contexts[type];
            var info = context.GetTypeInfo(type)!;
            var docs = docs_(type);
            var schema = new JsonObject();
            if (info.Kind == JsonTypeInfoKind.None)
            {
                var values = Enum.GetValuesAsUnderlyingType(type);
                var items = new JsonArray();
                bool strings = false;
                foreach (object? value in values)
                {
                    using var element = JsonDocument.Parse(JsonSerializer.Serialize(value, info));
                    strings = element.RootElement.ValueKind == JsonValueKind.String;
                    Append(items, strings ? JsonValue.Create(element.RootElement.GetString()) : JsonValue.Create(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)));
                }

                schema["type"] = strings ? "string" : "integer";
                if (docs?.Summary is { } enumSummary)
                {
                    schema["description"] = enumSummary;
                }

                schema["enum"] = items;
                schema["x-grip-type"] = FullName(type);
                return schema;
            }

            schema["type"] = "object";
            if (docs?.Summary is { } summary)
            {
                schema["description"] = summary;
            }

            var properties = new JsonObject();
            var required = new JsonArray();
            foreach (var property in Properties(info, read))
            {
                bool conditional = property.ShouldSerialize is not null;
                var node = PropertySchema(property.PropertyType, property.NumberHandling ?? info.NumberHandling ?? info.Options.NumberHandling, read, context);
                bool nullable = read ? property.IsSetNullable : property.IsGetNullable && !conditional;
                if (nullable && !property.PropertyType.IsValueType)
                {
                    node = AddNull(node);
                }

                if (Describe(docs, property, info.Options) is { } description)
                {
                    node["description"] = description;
                }

                properties[property.Name] = node;
                if (read ? property.IsRequired : !conditional)
                {
                    Append(required, property.Name);
                }
            }

            schema["properties"] = properties;
            if (required.Count > 0)
            {
                schema["required"] = required;
            }

            if (read ? (info.UnmappedMemberHandling ?? info.Options.UnmappedMemberHandling) == JsonUnmappedMemberHandling.Disallow : !info.Properties.Any(p => p.IsExtensionData))
            {
                schema["additionalProperties"] = false;
            }

            schema["x-grip-type"] = FullName(type);
            schema["x-grip-view"] = string.Empty; // set once the views are compared (equal views: "both")
            return schema;
        }

        private GripTypeDocs? docs_(Type type) => docs.TryGetValue(type, out var d) ? d : null;

        private static string? Describe(GripTypeDocs? docs, JsonPropertyInfo property, JsonSerializerOptions options)
        {
            if (docs is null)
            {
                return null;
            }

            foreach (var member in docs.Members)
            {
                string name = member.JsonName ?? options.PropertyNamingPolicy?.ConvertName(member.Name) ?? member.Name;
                if (name == property.Name)
                {
                    return member.Description;
                }
            }

            return null;
        }

        private JsonObject PropertySchema(Type type, JsonNumberHandling? numbers, bool read, JsonSerializerContext context)
        {
            if (Nullable.GetUnderlyingType(type) is { } underlying)
            {
                return AddNull(PropertySchema(underlying, numbers, read, context));
            }

            if (Primitive(type, numbers, read) is { } primitive)
            {
                return primitive;
            }

            if (Component(type, context) is not null)
            {
                return new JsonObject { ["$ref"] = "#/components/schemas/" + Key(type, read && type.IsEnum is false) };
            }

            var info = context.GetTypeInfo(type)!;
            return info.Kind switch
            {
                JsonTypeInfoKind.Enumerable => new JsonObject { ["type"] = "array", ["items"] = PropertySchema(info.ElementType!, numbers, read, context) },
                JsonTypeInfoKind.Dictionary => new JsonObject { ["type"] = "object", ["additionalProperties"] = PropertySchema(info.ElementType!, numbers, read, context) },
                _ => [],
            };
        }

        private static JsonObject? Primitive(Type type, JsonNumberHandling? numbers, bool read)
        {
            if (type == typeof(string))
            {
                return new() { ["type"] = "string" };
            }

            if (type == typeof(char))
            {
                return new() { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = 1 };
            }

            if (type == typeof(bool))
            {
                return new() { ["type"] = "boolean" };
            }

            if (Number(type) is { } number)
            {
                if (read && numbers is { } r && r.HasFlag(JsonNumberHandling.AllowReadingFromString))
                {
                    return new() { ["type"] = new JsonArray((string)number["type"]!, "string") };
                }

                if (!read && numbers is { } w && w.HasFlag(JsonNumberHandling.WriteAsString))
                {
                    return new() { ["type"] = "string" };
                }

                return number;
            }

            if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
            {
                return new() { ["type"] = "string", ["format"] = "date-time" };
            }

            if (type == typeof(DateOnly))
            {
                return new() { ["type"] = "string", ["format"] = "date" };
            }

            if (type == typeof(TimeOnly))
            {
                return new() { ["type"] = "string", ["format"] = "time" };
            }

            if (type == typeof(TimeSpan))
            {
                return new() { ["type"] = "string" };
            }

            if (type == typeof(Guid))
            {
                return new() { ["type"] = "string", ["format"] = "uuid" };
            }

            if (type == typeof(Uri))
            {
                return new() { ["type"] = "string", ["format"] = "uri" };
            }

            if (type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Memory<byte>))
            {
                return new() { ["type"] = "string", ["contentEncoding"] = "base64" };
            }

            if (type == typeof(JsonObject))
            {
                return new() { ["type"] = "object" };
            }

            if (type == typeof(JsonArray))
            {
                return new() { ["type"] = "array" };
            }

            if (type == typeof(JsonElement) || type == typeof(JsonNode) || type == typeof(JsonValue) || type == typeof(JsonDocument) || type == typeof(object))
            {
                return [];
            }

            return null;
        }

        private static JsonObject? Number(Type type)
        {
            static JsonObject Int(string format, long? minimum = null, decimal? maximum = null)
            {
                var o = new JsonObject { ["type"] = "integer", ["format"] = format };
                if (minimum is { } min)
                {
                    o["minimum"] = min;
                }

                if (maximum is { } max)
                {
                    o["maximum"] = max;
                }

                return o;
            }

            static JsonObject Num(string format) => new() { ["type"] = "number", ["format"] = format };

            return type == typeof(int) ? Int("int32")
                : type == typeof(long) ? Int("int64")
                : type == typeof(short) ? Int("int32", short.MinValue, short.MaxValue)
                : type == typeof(ushort) ? Int("int32", 0, ushort.MaxValue)
                : type == typeof(byte) ? Int("int32", 0, byte.MaxValue)
                : type == typeof(sbyte) ? Int("int32", sbyte.MinValue, sbyte.MaxValue)
                : type == typeof(uint) ? Int("int64", 0, uint.MaxValue)
                : type == typeof(ulong) ? Int("int64", 0, ulong.MaxValue)
                : type == typeof(float) ? Num("float")
                : type == typeof(double) ? Num("double")
                : type == typeof(decimal) ? Num("decimal")
                : type == typeof(Half) ? Num("float")
                : null;
        }

        private static JsonObject AddNull(JsonObject schema)
        {
            if (schema.ContainsKey("$ref"))
            {
                return new JsonObject { ["oneOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };
            }

            switch (schema["type"])
            {
                case JsonArray types:
                    if (!types.Any(t => (string?)t == "null"))
                    {
                        Append(types, "null");
                    }

                    break;
                case JsonValue single:
                    string value = (string)single!;
                    if (value != "null")
                    {
                        schema["type"] = new JsonArray(value, "null");
                    }

                    break;
            }

            return schema;
        }

        // Keys: the type's name (generic: Name + "Of" + argument names); a name two types share: full names.
        private static Dictionary<Type, string> Names(List<Type> types)
        {
            var simple = types.ToDictionary(t => t, SimpleName);
            var counts = simple.Values.GroupBy(n => n, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            return types.ToDictionary(t => t, t => counts[simple[t]] > 1 ? FullName(t) : simple[t]);
        }

        private static string SimpleName(Type type)
        {
            if (!type.IsGenericType)
            {
                return type.Name;
            }

            string name = type.Name;
            int tick = name.IndexOf('`', StringComparison.Ordinal);
            return (tick >= 0 ? name[..tick] : name) + "Of" + string.Concat(type.GetGenericArguments().Select(SimpleName));
        }

        private static string FullName(Type type) => (type.FullName ?? type.Name).Replace('+', '.');
    }
}
