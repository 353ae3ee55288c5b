using Grip.Generators.Model;

namespace Grip.Generators.Tests;

public sealed class EquatableArrayTests
{
    [Fact]
    public void Arrays_with_equal_items_are_equal_and_hash_alike()
    {
        var a = new EquatableArray<string>(new[] { "x", "y" });
        var b = new EquatableArray<string>(new[] { "x", "y" });
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Order_and_length_matter()
    {
        var a = new EquatableArray<string>(new[] { "x", "y" });
        Assert.NotEqual(a, new EquatableArray<string>(new[] { "y", "x" }));
        Assert.NotEqual(a, new EquatableArray<string>(new[] { "x" }));
        Assert.True(a != EquatableArray<string>.Empty);
    }

    [Fact]
    public void Default_equals_empty()
    {
        Assert.Equal(default(EquatableArray<string>), EquatableArray<string>.Empty);
        Assert.Empty(default(EquatableArray<string>));
        Assert.True(default(EquatableArray<string>).IsEmpty);
    }

    [Fact]
    public void Records_holding_arrays_compare_by_value()
    {
        var m1 = new TypeDeclarationModel("class", "A");
        var a = new EquatableArray<TypeDeclarationModel>(new[] { m1 });
        var b = new EquatableArray<TypeDeclarationModel>(new[] { new TypeDeclarationModel("class", "A") });
        Assert.Equal(a, b);
    }
}
