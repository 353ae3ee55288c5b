using System.Security.Claims;
using System.Text;
using Grip;
using Grip.Publishing;
using Grip.Testing;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PackageConsumer.Identity;

/// <summary>
/// JWT bearer tokens in the handshake (header or query string), checked by a real JwtBearer handler,
/// through the development proxy that the test kit puts in front of the app.
/// </summary>
public sealed class AccountTests
{
    private static readonly SymmetricSecurityKey Key = new(Encoding.UTF8.GetBytes("package consumer test key, 256 bits or more, tests only"));

    private static string Token(string subject, string name) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "consumer",
            Audience = "consumer",
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("name", name)]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        });

    private static Task<GripTestHost> StartAsync() =>
        GripTestHost.StartAsync(
            builder =>
            {
                builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
                {
                    options.MapInboundClaims = false;
                    options.TokenValidationParameters = new TokenValidationParameters
                    {
                        ValidIssuer = "consumer",
                        ValidAudience = "consumer",
                        IssuerSigningKey = Key,
                        NameClaimType = "name",
                    };
                    options.Events = new JwtBearerEvents
                    {
                        OnMessageReceived = context =>
                        {
                            if (context.Request.Query["access_token"] is [{ Length: > 0 } token])
                            {
                                context.Token = token;
                            }

                            return Task.CompletedTask;
                        },
                    };
                });
                builder.Services.AddAuthorization();
            },
            app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapGripHandler<AccountHandler>("/account");
            });

    [Fact]
    public async Task Users_sign_in_in_the_handshake_and_typed_publishes_reach_others_and_users()
    {
        await using var host = await StartAsync();

        var refused = await Assert.ThrowsAsync<GripTestConnectException>(() => host.ConnectAsync("/account"));
        Assert.Equal(401, refused.StatusCode);

        await using var alice = await host.ConnectAsync("/account", headers: [new("Authorization", "Bearer " + Token("u1", "alice"))]);
        await using var bob = await host.ConnectAsync("/account?access_token=" + Token("u2", "bob"));
        Assert.Equal("hello alice on /account", await alice.ReceiveTextAsync());
        Assert.Equal("hello bob on /account", await bob.ReceiveTextAsync());
        Assert.Contains(GripChannels.ForUser("u1"), alice.Subscriptions);

        // camelCase in, camelCase out, to everyone but the sender.
        await alice.SendTextAsync("""{"type":"say","text":"hi"}""");
        Assert.Equal("""{"from":"alice","text":"hi"}""", await bob.ReceiveTextAsync());
        await alice.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));

        // A message missing its required property goes to the untyped method, not in as null.
        await alice.SendTextAsync("""{"type":"say"}""");
        Assert.Equal("""unknown: {"type":"say"}""", await alice.ReceiveTextAsync());

        var publisher = host.Services.GetRequiredService<IGripPublisher>();
        await publisher.PublishJsonToUserAsync("u2", new Said("system", "only bob"), AccountJson.Default.Said);
        Assert.Equal("""{"from":"system","text":"only bob"}""", await bob.ReceiveTextAsync());
        await alice.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }
}
