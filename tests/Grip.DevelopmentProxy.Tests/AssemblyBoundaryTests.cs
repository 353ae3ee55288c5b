using System.Reflection;
using System.Runtime.CompilerServices;
using Grip.Hosting.Development;
using Grip.Testing;

namespace Grip.DevelopmentProxy.Tests;

/// <summary>
/// Which shipped assembly may see which one's internals (docs/architecture.md, "The projects"):
/// Grip.Testing is built on Grip.Hosting's public API only, and the one friend between shipped
/// assemblies is Grip.Abstractions to Grip.Hosting.
/// </summary>
public sealed class AssemblyBoundaryTests
{
    private static string[] ShippedFriends(Assembly assembly) =>
        [.. assembly.GetCustomAttributes<InternalsVisibleToAttribute>()
            .Select(a => a.AssemblyName)
            .Where(name => !name.EndsWith(".Tests", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public void Grip_Hosting_opens_its_internals_to_tests_only()
    {
        Assert.Empty(ShippedFriends(typeof(GripDevelopmentProxy).Assembly));
    }

    [Fact]
    public void Grip_Abstractions_opens_its_internals_to_Grip_Hosting_and_tests_only()
    {
        Assert.Equal(["Grip.Hosting"], ShippedFriends(typeof(GripConnection).Assembly));
    }

    [Fact]
    public void Grip_Testing_opens_its_internals_to_no_one()
    {
        Assert.Empty(typeof(GripTestHost).Assembly.GetCustomAttributes<InternalsVisibleToAttribute>());
    }
}
