namespace Grip.Abstractions.Tests.Connection;

/// <summary>Meta the host reads from the request headers on first use (docs/performance.md).</summary>
public class GripMetaLazyTests
{
    [Fact]
    public void The_headers_are_read_on_first_use_and_once()
    {
        int loads = 0;
        var meta = new GripMeta(new FakeHostRequest(meta: () =>
        {
            loads++;
            return [new("User", "alice")];
        }));

        Assert.Equal(0, loads);
        Assert.Empty(meta.Changes);
        Assert.Equal(0, loads);

        Assert.Equal("alice", meta["user"]);
        Assert.Equal(1, meta.Count);
        Assert.True(meta.TryGetValue("USER", out string? value));
        Assert.Equal("alice", value);
        meta.Load();
        Assert.Equal(1, loads);
    }

    [Fact]
    public void Changes_apply_to_the_loaded_values()
    {
        var meta = new GripMeta(new FakeHostRequest(meta: () => [new("Old", "x"), new("Keep", "y")]));
        meta.Set("New", "z");
        Assert.True(meta.Remove("old"));
        Assert.Equal(["Keep", "New"], meta.Values.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, meta.Changes.Count);
        Assert.Null(meta.Changes["Old"]);
    }

    [Fact]
    public void Load_takes_the_values_while_the_request_is_still_there()
    {
        // The host calls Load before the request it reads from ends (a timed-out handler may go on).
        string? header = "alice";
        var meta = new GripMeta(new FakeHostRequest(meta: () => header is null ? null : [new("User", header)]));
        meta.Load();
        header = null;
        Assert.Equal("alice", meta["User"]);
    }

    [Fact]
    public void No_meta_headers_is_an_empty_meta()
    {
        var meta = new GripMeta(new FakeHostRequest(meta: () => null));
        Assert.Equal(0, meta.Count);
        Assert.Null(meta["User"]);
    }
}
