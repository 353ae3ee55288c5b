using System.Text;
using Grip.Hosting.Publishing;
using Grip.Publishing;

namespace Grip.Hosting.Tests.Publishing;

/// <summary>
/// The item and format fields beyond content (grip-spec §3.1): <c>no-seq</c>, <c>size</c>,
/// <c>content-filters</c> on every format, and the <c>hint</c> action of the HTTP formats. Exact
/// JSON, and the refusals that keep a message from being dropped silently.
/// </summary>
public class PublishOptionsTests
{
    private static string Json(params PublishItem[] items) => Encoding.UTF8.GetString(GripPublishRequest.Serialize(items));

    [Fact]
    public void No_seq_and_size_are_written_only_when_set()
    {
        Assert.Equal(
            """{"items":[{"channel":"c","size":42,"no-seq":true,"formats":{"ws-message":{"content":"x"}}}]}""",
            Json(new PublishItem("c") { NoSequence = true, Size = 42, WebSocketMessage = WebSocketMessageFormat.FromText("x") }));
        Assert.Equal(
            """{"items":[{"channel":"c","size":0,"formats":{"ws-message":{"content":"x"}}}]}""",
            Json(new PublishItem("c") { Size = 0, WebSocketMessage = WebSocketMessageFormat.FromText("x") }));
        Assert.Equal(
            """{"items":[{"channel":"c","formats":{"ws-message":{"content":"x"}}}]}""",
            Json(new PublishItem("c") { NoSequence = false, WebSocketMessage = WebSocketMessageFormat.FromText("x") }));
    }

    [Fact]
    public void A_negative_size_is_refused()
    {
        var item = new PublishItem("c") { Size = -1, WebSocketMessage = WebSocketMessageFormat.FromText("x") };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Json(item));
        Assert.Contains("at least 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Content_filters_on_every_format()
    {
        var item = new PublishItem("c")
        {
            WebSocketMessage = WebSocketMessageFormat.FromText("Hello %(user)s").WithContentFilters(GripFilters.VarSubst),
            HttpStream = HttpStreamFormat.FromText("Hi %(user)s\n").WithContentFilters(GripFilters.VarSubst),
            HttpResponse = HttpResponseFormat.FromText("Hey %(user)s").WithContentFilters(GripFilters.BuildId, GripFilters.VarSubst),
        };
        Assert.Equal(
            """{"items":[{"channel":"c","formats":{"ws-message":{"content":"Hello %(user)s","content-filters":["var-subst"]},"http-stream":{"content":"Hi %(user)s\n","content-filters":["var-subst"]},"http-response":{"code":200,"body":"Hey %(user)s","content-filters":["build-id","var-subst"]}}}]}""",
            Json(item));
    }

    [Fact]
    public void Content_filters_leave_the_original_format_as_it_was()
    {
        var plain = WebSocketMessageFormat.FromBinary(new byte[] { 1, 2 });
        var filtered = plain.WithContentFilters(GripFilters.VarSubst);
        Assert.Null(plain.ContentFilters);
        Assert.Equal([GripFilters.VarSubst], filtered.ContentFilters);
        Assert.Equal(plain.Bytes.ToArray(), filtered.Bytes.ToArray());

        var response = new HttpResponseFormat(new byte[] { 9 }) { Code = 404, Reason = "Nope" }.WithContentFilters(GripFilters.VarSubst);
        Assert.Equal(404, response.Code);
        Assert.Equal("Nope", response.Reason);
    }

    [Fact]
    public void An_empty_content_filter_list_is_written_it_means_subscriptions_without_any()
    {
        var item = new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText("plain").WithContentFilters() };
        Assert.Equal("""{"items":[{"channel":"c","formats":{"ws-message":{"content":"plain","content-filters":[]}}}]}""", Json(item));
    }

    [Theory]
    [InlineData("skip-self", "not a content filter")]
    [InlineData("require-sub", "not a content filter")]
    [InlineData("var_subst", "not a content filter")]
    [InlineData("", "not a content filter")]
    public void A_name_that_is_not_a_content_filter_is_refused_it_would_never_match(string name, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => WebSocketMessageFormat.FromText("x").WithContentFilters(name));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => HttpStreamFormat.FromText("x").WithContentFilters(name));
        Assert.Throws<ArgumentException>(() => HttpResponseFormat.FromText("x").WithContentFilters(name));
    }

    [Fact]
    public void A_repeated_content_filter_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => WebSocketMessageFormat.FromText("x").WithContentFilters(GripFilters.VarSubst, GripFilters.VarSubst));
        Assert.Contains("twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hints_for_http_stream_and_http_response_carry_no_content()
    {
        Assert.Equal(
            """{"items":[{"channel":"h","formats":{"http-stream":{"action":"hint"},"http-response":{"action":"hint"}}}]}""",
            Json(new PublishItem("h") { HttpStream = HttpStreamFormat.Hint(), HttpResponse = HttpResponseFormat.Hint() }));
        Assert.True(HttpStreamFormat.Hint().IsHint);
        Assert.False(HttpStreamFormat.Hint().IsClose);
        Assert.True(HttpResponseFormat.Hint().IsHint);
        Assert.False(HttpResponseFormat.FromText("x").IsHint);
    }

    [Fact]
    public void A_hint_with_content_filters()
    {
        Assert.Equal(
            """{"items":[{"channel":"h","formats":{"http-response":{"action":"hint","content-filters":["build-id"]}}}]}""",
            Json(new PublishItem("h") { HttpResponse = HttpResponseFormat.Hint().WithContentFilters(GripFilters.BuildId) }));
    }
}
