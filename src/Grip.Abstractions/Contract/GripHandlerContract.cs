using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Grip.AsyncApi;

/// <summary>
/// What the GripHandlers generator knows about one handler class at compile time: its routes and
/// their types, what it sends, what it declares it receives through publishes, and the XML docs of
/// the types involved. The AsyncAPI document (<c>MapGripAsyncApi</c>, docs/asyncapi.md) is built from
/// these and from the JSON context's metadata, without reflection.
/// </summary>
/// <remarks>Created by generated code; see <see cref="GripContracts"/>.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GripHandlerContract
{
    /// <summary>Creates the contract (generated code calls this).</summary>
    /// <param name="handlerType">The handler class.</param>
    /// <param name="fullName">Its full name, <c>Namespace.Outer.Inner</c>.</param>
    /// <param name="description">Its XML <c>&lt;summary&gt;</c> as plain text, or <see langword="null"/>.</param>
    /// <param name="jsonContext">The <c>[GripJsonContext]</c> context's default instance, or <see langword="null"/>.</param>
    /// <param name="discriminator">The discriminator property when the class has typed routes, else <see langword="null"/>.</param>
    /// <param name="routes">The <c>[OnMessage]</c> methods in declaration order.</param>
    /// <param name="sends">What the class sends with <c>SendJson</c>, in order of the first call site.</param>
    /// <param name="publishes">Its <see cref="GripPublishesAttribute"/> declarations in source order.</param>
    /// <param name="queryNames">The constant query parameter names it reads, in order of first use.</param>
    /// <param name="types">The XML docs of the JSON types its messages reach.</param>
    public GripHandlerContract(
        Type handlerType,
        string fullName,
        string? description,
        JsonSerializerContext? jsonContext,
        string? discriminator,
        IReadOnlyList<GripRouteContract> routes,
        IReadOnlyList<GripPayloadContract> sends,
        IReadOnlyList<GripPublishContract> publishes,
        IReadOnlyList<string> queryNames,
        IReadOnlyList<GripTypeDocs> types)
    {
        ArgumentNullException.ThrowIfNull(handlerType);
        HandlerType = handlerType;
        FullName = fullName;
        Description = description;
        JsonContext = jsonContext;
        Discriminator = discriminator;
        Routes = routes;
        Sends = sends;
        Publishes = publishes;
        QueryNames = queryNames;
        Types = types;
    }

    /// <summary>The handler class.</summary>
    public Type HandlerType { get; }

    /// <summary>Its full name, <c>Namespace.Outer.Inner</c>.</summary>
    public string FullName { get; }

    /// <summary>Its XML summary as plain text, or <see langword="null"/>.</summary>
    public string? Description { get; }

    /// <summary>The JSON context's default instance, or <see langword="null"/>.</summary>
    public JsonSerializerContext? JsonContext { get; }

    /// <summary>The discriminator property when the class has typed routes, else <see langword="null"/>.</summary>
    public string? Discriminator { get; }

    /// <summary>The <c>[OnMessage]</c> methods in declaration order.</summary>
    public IReadOnlyList<GripRouteContract> Routes { get; }

    /// <summary>What the class sends itself, in order of the first call site.</summary>
    public IReadOnlyList<GripPayloadContract> Sends { get; }

    /// <summary>The declared publishes, in source order.</summary>
    public IReadOnlyList<GripPublishContract> Publishes { get; }

    /// <summary>The constant query parameter names the class reads.</summary>
    public IReadOnlyList<string> QueryNames { get; }

    /// <summary>The XML docs of the JSON types the messages reach.</summary>
    public IReadOnlyList<GripTypeDocs> Types { get; }

    /// <summary>
    /// The app's own close codes, its <see cref="GripCloseCodeAttribute"/> declarations in source
    /// order; empty when it declares none.
    /// </summary>
    public IReadOnlyList<GripCloseCodeContract> CloseCodes { get; init; } = [];
}
