// Token-authenticated pub/sub (the Netlify + Ably pattern) on a GRIP proxy, in C#.
//
//   GET  /                               a page: get a token, connect, subscribe, publish; an SSE panel
//   GET  /client/{file}.js               the page's typed client, generated from the AsyncAPI document
//   GET  /api/token?clientId=<id>        {"token":"<jwt>","expires":"<ISO 8601>"} (optional &channels=a,b:*)
//   POST /api/realtime?token=<jwt>       WebSocket-over-HTTP: {"action":"subscribe"|"unsubscribe"|"publish",...}
//   GET  /api/stream/{channel}?token=    Server-Sent Events held by the proxy (GRIP HTTP streaming)
//   GET  /api/poll/{channel}?token=      long-poll held by the proxy until the next publish
//
// Run behind Pushpin (routes: `* 127.0.0.1:5000,over_http`):
//   GRIP_URL='http://127.0.0.1:5561/?iss=pushpin&key=changeme&verify-iss=pushpin' PubSub__TokenKey=$(head -c32 /dev/urandom | base64) \
//     dotnet run --project samples/PubSub -- --urls http://127.0.0.1:5000
using Grip.Hosting.Http;
using PubSub;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddGrip(builder.Configuration);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<PubSubTokens>();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, PubSubJsonContext.Default));

var app = builder.Build();

// Fail at start-up, not at the first request, when the token key is misconfigured.
_ = app.Services.GetRequiredService<PubSubTokens>();

app.MapGet("/", PubSubPage.HandleAsync);
app.MapGet("/client/{file}", PubSubPage.HandleClientAsync);

app.MapGet("/api/token", (string? clientId, string? channels, PubSubTokens tokens) =>
{
    if (clientId is null || !ChannelPatterns.ClientId().IsMatch(clientId))
    {
        return Results.Text("clientId is required: 1-64 letters, digits or -_.@\n", "text/plain", statusCode: 400);
    }

    string[] patterns = channels is null ? ["*"] : channels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    if (patterns.Length == 0 || !patterns.All(ChannelPatterns.IsValidPattern))
    {
        return Results.Text("channels must be a comma list of channel names, name prefixes ending in *, or *\n", "text/plain", statusCode: 400);
    }

    return Results.Json(tokens.Issue(clientId, patterns), PubSubJsonContext.Default.TokenResponse);
});

app.MapGripHandler<RealtimeHandler>("/api/realtime");
app.MapGripAsyncApi();

app.MapGet("/api/stream/{channel}", StreamAsync);
app.MapGet("/api/poll/{channel}", PollAsync);

app.Run();

// A Server-Sent Events stream of the channel, held by the proxy; one publish reaches it and the sockets.
static async Task<IResult> StreamAsync(string channel, string? token, PubSubTokens tokens) =>
    await AuthorizeAsync(tokens, token, channel) ?? GripResults.EventStream(
        [new GripHoldChannel(RealtimeHandler.GripChannel(channel))],
        keepAliveSeconds: 20,
        firstEvent: GripResults.FormatServerSentEvent("{\"channel\":\"" + channel + "\"}", "open"));

// A long-poll: the proxy holds the request until the next publish, or answers {"messages":[]} after 30 s.
static async Task<IResult> PollAsync(string channel, string? token, PubSubTokens tokens) =>
    await AuthorizeAsync(tokens, token, channel) ?? GripResults.Hold(
        new GripInstruct(GripHoldMode.Response, RealtimeHandler.GripChannel(channel)) { TimeoutSeconds = 30 },
        "application/json",
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new PollTimeout(channel, []), PubSubJsonContext.Default.PollTimeout));

static async Task<IResult?> AuthorizeAsync(PubSubTokens tokens, string? token, string channel)
{
    if (!ChannelPatterns.ChannelName().IsMatch(channel))
    {
        return Results.Text("Invalid channel name.\n", "text/plain", statusCode: 400);
    }

    var grant = await tokens.ValidateAsync(token);
    if (grant is null)
    {
        return Results.Text("Missing, invalid or expired token.\n", "text/plain", statusCode: 401);
    }

    return grant.Allows(channel) ? null : Results.Text("Your token does not allow this channel.\n", "text/plain", statusCode: 403);
}
