using System.Collections.Concurrent;
using System.ComponentModel;

namespace Grip.AsyncApi;

/// <summary>
/// The contracts of the handler classes of the loaded assemblies. The generated code of each handler
/// registers its <see cref="GripHandlerContract"/> from a module initializer, so no reflection finds them.
/// </summary>
public static class GripContracts
{
    private static readonly ConcurrentDictionary<Type, GripHandlerContract> Contracts = new();

    /// <summary>Registers a handler's contract (generated code calls this).</summary>
    /// <param name="contract">The contract.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register(GripHandlerContract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        Contracts[contract.HandlerType] = contract;
    }

    /// <summary>The contract of <paramref name="handlerType"/>, or <see langword="null"/> when its assembly was built without one.</summary>
    /// <param name="handlerType">A handler class.</param>
    public static GripHandlerContract? Find(Type handlerType)
    {
        ArgumentNullException.ThrowIfNull(handlerType);
        return Contracts.TryGetValue(handlerType, out var contract) ? contract : null;
    }
}
