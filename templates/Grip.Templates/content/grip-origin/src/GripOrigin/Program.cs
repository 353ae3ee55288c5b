using GripOrigin;

var builder = WebApplication.CreateSlimBuilder(args);

// GRIP_URL: where to publish and the key that verifies the proxy's Grip-Sig. In Development with no
// GRIP_URL, the built-in development proxy serves the WebSockets itself.
builder.Services.AddGrip(builder.Configuration);

var app = builder.Build();
app.MapChat();
app.Run();
