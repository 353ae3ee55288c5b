// The Next.js + Pushpin echo example, in C#.
//
//   POST /api/websocket   WebSocket-over-HTTP: every connection is subscribed to channel "test" and
//                         every text or binary message is echoed back.
//   POST /api/broadcast   a text/plain body is published to channel "test" (every connection gets it).
//
// Run behind Pushpin (routes: `* 127.0.0.1:5000,over_http`):
//   GRIP_URL='http://127.0.0.1:5561/?iss=pushpin&key=changeme&verify-iss=pushpin' dotnet run --project samples/Echo -- --urls http://127.0.0.1:5000
using Echo;

var builder = WebApplication.CreateSlimBuilder(args);

// GRIP_URL: where to publish, and the key that verifies Pushpin's Grip-Sig.
builder.Services.AddGrip(builder.Configuration);

var app = builder.Build();
app.MapGripHandler<EchoHandler>("/api/websocket");
app.MapPost("/api/broadcast", Broadcast.HandleAsync);
app.Run();
