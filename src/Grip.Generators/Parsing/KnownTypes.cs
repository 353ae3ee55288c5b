using Microsoft.CodeAnalysis;

namespace Grip.Generators.Parsing;

/// <summary>The framework types handler parsing compares against, resolved once per compilation.</summary>
internal sealed class KnownTypes
{
    public const string OnOpenAttribute = "Grip.OnOpenAttribute";
    public const string OnMessageAttribute = "Grip.OnMessageAttribute";
    public const string OnCloseAttribute = "Grip.OnCloseAttribute";
    public const string GripJsonContextAttribute = "Grip.GripJsonContextAttribute";

    private KnownTypes(Compilation compilation, INamedTypeSymbol connection)
    {
        Connection = connection;
        CloseStatus = compilation.GetTypeByMetadataName("Grip.CloseStatus");
        GripMessage = compilation.GetTypeByMetadataName("Grip.GripMessage");
        OnOpen = compilation.GetTypeByMetadataName(OnOpenAttribute);
        OnMessage = compilation.GetTypeByMetadataName(OnMessageAttribute);
        OnClose = compilation.GetTypeByMetadataName(OnCloseAttribute);
        JsonContextAttribute = compilation.GetTypeByMetadataName(GripJsonContextAttribute);
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        ReadOnlyMemory = compilation.GetTypeByMetadataName("System.ReadOnlyMemory`1");
        JsonSerializerContext = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializerContext");
        JsonSerializableAttribute = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializableAttribute");
    }

    public INamedTypeSymbol Connection { get; }

    public INamedTypeSymbol? CloseStatus { get; }

    public INamedTypeSymbol? GripMessage { get; }

    public INamedTypeSymbol? OnOpen { get; }

    public INamedTypeSymbol? OnMessage { get; }

    public INamedTypeSymbol? OnClose { get; }

    public INamedTypeSymbol? JsonContextAttribute { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? ReadOnlyMemory { get; }

    public INamedTypeSymbol? JsonSerializerContext { get; }

    public INamedTypeSymbol? JsonSerializableAttribute { get; }

    /// <summary>Resolves the types, or returns null when Grip.Abstractions is not referenced.</summary>
    public static KnownTypes? Create(Compilation compilation)
    {
        var connection = compilation.GetTypeByMetadataName("Grip.GripConnection");
        return connection is null ? null : new KnownTypes(compilation, connection);
    }

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
        type is not null && known is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);

    public bool IsReadOnlyMemoryOfByte(ITypeSymbol type) =>
        type is INamedTypeSymbol { IsGenericType: true } named
        && Is(named, ReadOnlyMemory)
        && named.TypeArguments[0].SpecialType == SpecialType.System_Byte;

    public static bool IsByteArray(ITypeSymbol type) =>
        type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte };
}
