// The Vercel + Fanout chat, in C#.
//
//   GET  /            a small chat page that connects to /api/chat through the proxy
//   POST /api/chat    WebSocket-over-HTTP: every message is published to channel "all", so every
//                     connection (the sender too) receives it; the publish is handed off, and a
//                     failure reaches the sender as "error: not delivered: …" / "error: delivery unknown: …"
//   POST /api/lobby   WebSocket-over-HTTP: on open the client gets {"connected":true,"yourConnectionId":"…"};
//                     every message reaches every *other* connection as "<id> says: <message>"
//
// Run behind Pushpin (routes: `* 127.0.0.1:5000,over_http`):
//   GRIP_URL='http://127.0.0.1:5561/?iss=pushpin&key=changeme&verify-iss=pushpin' dotnet run --project samples/Chat -- --urls http://127.0.0.1:5000
using Chat;

var builder = WebApplication.CreateSlimBuilder(args);

// GRIP_URL: where to publish, and the key that verifies Pushpin's Grip-Sig.
builder.Services.AddGrip(builder.Configuration);

// Notices the chat could not publish to their sender, for the sender's next request (ChatHandler).
builder.Services.AddSingleton<HeldNotices>();

var app = builder.Build();
app.MapGet("/", ChatPage.HandleAsync);
app.MapGripHandler<ChatHandler>("/api/chat");
app.MapGripHandler<LobbyHandler>("/api/lobby");
app.MapGripAsyncApi();
app.Run();
