using Microsoft.Extensions.DependencyInjection;

namespace Grip.Tests.Fakes;

/// <summary>
/// The one minimal service provider of the unit tests that build a <see cref="GripConnection"/>
/// without a host (linked like <see cref="TestGripRequest"/>): what the generated code needs is
/// <see cref="IServiceProvider.GetService"/> and the keyed lookup. Empty unless services are added.
/// </summary>
internal sealed class TestServices : IKeyedServiceProvider
{
    private readonly Dictionary<Type, object> _services = [];
    private readonly Dictionary<(Type, object), object> _keyed = [];

    public TestServices AddKeyed<T>(object key, T service)
        where T : class
    {
        _keyed[(typeof(T), key)] = service;
        return this;
    }

    public object? GetKeyedService(Type serviceType, object? serviceKey) =>
        serviceKey is not null && _keyed.TryGetValue((serviceType, serviceKey), out object? s) ? s : null;

    public object GetRequiredKeyedService(Type serviceType, object? serviceKey) =>
        GetKeyedService(serviceType, serviceKey) ?? throw new InvalidOperationException($"No keyed service {serviceType.Name} '{serviceKey}'.");

    public TestServices Add<T>(T service)
        where T : class
    {
        _services[typeof(T)] = service;
        return this;
    }

    public object? GetService(Type serviceType) => _services.GetValueOrDefault(serviceType);
}
