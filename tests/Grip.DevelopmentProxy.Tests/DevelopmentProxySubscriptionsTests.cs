using Grip.Hosting.Development;
using Grip.Publishing;
using Match = Grip.Hosting.Development.DevelopmentProxySubscriptions.PublishMatch;

namespace Grip.DevelopmentProxy.Tests;

/// <summary>
/// The subscription table's answer to "does this published item reach this subscriber", one case
/// per Pushpin 1.36 rule (grip-spec §2.3): subscribed or not, the content-filter comparison, and
/// the skip-self, skip-users and require-sub delivery filters. The end-to-end tests cover the same
/// rules through the hub and real sockets; these pin each rule and each way it can fail alone.
/// </summary>
public sealed class DevelopmentProxySubscriptionsTests
{
    private static DevelopmentProxySubscriptions Subscribed(string channel, params string[] filters)
    {
        var table = new DevelopmentProxySubscriptions(maxSubscriptions: 20);
        Assert.True(table.TrySubscribe(channel, filters));
        return table;
    }

    private static PublishItem Item(string channel, Dictionary<string, string>? meta = null, string[]? contentFilters = null)
    {
        var format = WebSocketMessageFormat.FromText("hello");
        return new PublishItem(channel)
        {
            Meta = meta,
            WebSocketMessage = contentFilters is null ? format : format.WithContentFilters(contentFilters),
        };
    }

    private static Match MatchOf(DevelopmentProxySubscriptions table, PublishItem item) =>
        table.Match(item, item.WebSocketMessage!, out _);

    [Fact]
    public void An_item_for_another_channel_does_not_reach_the_subscriber()
    {
        var table = Subscribed("room");
        Assert.Equal(Match.NotSubscribed, table.Match(Item("lobby"), Item("lobby").WebSocketMessage!, out var filters));
        Assert.Empty(filters);
    }

    [Fact]
    public void A_subscribed_channel_without_filters_is_delivered_with_the_subscription_filters()
    {
        var table = Subscribed("room", GripFilters.VarSubst);
        var item = Item("room");
        Assert.Equal(Match.Deliver, table.Match(item, item.WebSocketMessage!, out var filters));
        Assert.Equal([GripFilters.VarSubst], filters);
    }

    [Fact]
    public void Skip_self_drops_the_item_for_the_sender_only()
    {
        var table = Subscribed("room", GripFilters.SkipSelf);
        table.SetMeta("user", "alice");

        Assert.Equal(Match.FilteredOut, MatchOf(table, Item("room", new() { ["sender"] = "alice" })));
        Assert.Equal(Match.Deliver, MatchOf(table, Item("room", new() { ["sender"] = "bob" })));
        Assert.Equal(Match.Deliver, MatchOf(table, Item("room")));

        // Without the subscription's "user" meta there is no self to skip.
        var anonymous = Subscribed("room", GripFilters.SkipSelf);
        Assert.Equal(Match.Deliver, MatchOf(anonymous, Item("room", new() { ["sender"] = "alice" })));
    }

    [Fact]
    public void Skip_self_compares_case_sensitively()
    {
        var table = Subscribed("room", GripFilters.SkipSelf);
        table.SetMeta("user", "alice");
        Assert.Equal(Match.Deliver, MatchOf(table, Item("room", new() { ["sender"] = "Alice" })));
    }

    [Fact]
    public void Skip_users_drops_the_item_for_every_listed_user_with_spaces_trimmed()
    {
        var table = Subscribed("room", GripFilters.SkipUsers);
        table.SetMeta("user", "alice");

        Assert.Equal(Match.FilteredOut, MatchOf(table, Item("room", new() { ["skip_users"] = "bob, alice ,carol" })));
        Assert.Equal(Match.Deliver, MatchOf(table, Item("room", new() { ["skip_users"] = "bob,carol" })));
        Assert.Equal(Match.Deliver, MatchOf(table, Item("room", new() { ["skip_users"] = "alicea" })));
        Assert.Equal(Match.Deliver, MatchOf(table, Item("room", new() { ["sender"] = "alice" })));
    }

    [Fact]
    public void Require_sub_drops_the_item_unless_the_connection_also_holds_the_named_channel()
    {
        var table = Subscribed("room", GripFilters.RequireSub);
        var item = Item("room", new() { ["require_sub"] = "vip" });

        Assert.Equal(Match.FilteredOut, MatchOf(table, item));
        Assert.True(table.TrySubscribe("vip", []));
        Assert.Equal(Match.Deliver, MatchOf(table, item));
        table.Unsubscribe("vip");
        Assert.Equal(Match.FilteredOut, MatchOf(table, item));
    }

    [Fact]
    public void Delivery_filters_act_only_when_the_subscription_names_them()
    {
        var table = Subscribed("room");
        table.SetMeta("user", "alice");
        var item = Item("room", new() { ["sender"] = "alice", ["skip_users"] = "alice", ["require_sub"] = "vip" });
        Assert.Equal(Match.Deliver, MatchOf(table, item));
    }

    [Fact]
    public void Content_filters_named_by_the_item_must_equal_the_subscriptions_in_order()
    {
        var both = Subscribed("room", GripFilters.SkipSelf, GripFilters.BuildId, GripFilters.VarSubst);

        // Delivery filters do not take part in the comparison; order and count of content filters do.
        Assert.Equal(Match.Deliver, MatchOf(both, Item("room", null, [GripFilters.BuildId, GripFilters.VarSubst])));
        Assert.Equal(Match.ContentFiltersDiffer, MatchOf(both, Item("room", null, [GripFilters.VarSubst, GripFilters.BuildId])));
        Assert.Equal(Match.ContentFiltersDiffer, MatchOf(both, Item("room", null, [GripFilters.BuildId])));

        // Repeats in the subscription count too (an item cannot repeat one).
        var twice = Subscribed("room", GripFilters.VarSubst, GripFilters.VarSubst);
        Assert.Equal(Match.ContentFiltersDiffer, MatchOf(twice, Item("room", null, [GripFilters.VarSubst])));

        // An item that names an empty list reaches only subscriptions without content filters.
        Assert.Equal(Match.ContentFiltersDiffer, MatchOf(both, Item("room", null, [])));
        Assert.Equal(Match.Deliver, MatchOf(Subscribed("room", GripFilters.SkipSelf), Item("room", null, [])));
    }

    [Fact]
    public void A_content_filter_mismatch_is_reported_before_the_delivery_filters_run()
    {
        var table = Subscribed("room", GripFilters.SkipSelf, GripFilters.VarSubst);
        table.SetMeta("user", "alice");
        var item = Item("room", new() { ["sender"] = "alice" }, [GripFilters.BuildId]);
        Assert.Equal(Match.ContentFiltersDiffer, table.Match(item, item.WebSocketMessage!, out var filters));
        Assert.Equal([GripFilters.SkipSelf, GripFilters.VarSubst], filters);
    }
}
