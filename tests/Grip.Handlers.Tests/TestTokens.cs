using System.Security.Claims;
using System.Text;
using Grip.Testing;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Grip.Handlers.Tests;

/// <summary>
/// Signed test tokens (HS256) and an app configured the way docs/security.md shows: JWT bearer
/// authentication reading the token from the Authorization header or, for browsers (which cannot set
/// headers on a WebSocket handshake), from the access_token query parameter.
/// </summary>
internal static class TestTokens
{
    public const string Issuer = "grip-tests";
    public const string Audience = "grip-handlers";

    private static readonly SymmetricSecurityKey Key = new(Encoding.UTF8.GetBytes("a test signing key of at least 256 bits, never used outside tests"));

    public static string Create(string subject, string name, string? role = null, TimeSpan? lifetime = null, SecurityKey? key = null)
    {
        var claims = new List<Claim> { new("sub", subject), new("name", name) };
        if (role is not null)
        {
            claims.Add(new Claim("role", role));
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now.AddMinutes(-1),
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(10)),
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.HmacSha256),
        });
    }

    public static KeyValuePair<string, string> Bearer(string token) => new("Authorization", "Bearer " + token);

    /// <summary>An in-process app with JWT bearer authentication, authorization, and the "admins" policy.</summary>
    public static Task<GripTestHost> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? services = null) =>
        GripTestHost.StartAsync(
            builder =>
            {
                services?.Invoke(builder.Services);
                builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
                    .AddJwtBearer(options =>
                    {
                        options.MapInboundClaims = false;
                        options.TokenValidationParameters = new TokenValidationParameters
                        {
                            ValidIssuer = Issuer,
                            ValidAudience = Audience,
                            IssuerSigningKey = Key,
                            NameClaimType = "name",
                            RoleClaimType = "role",
                            ClockSkew = TimeSpan.Zero,
                        };
                        options.Events = new JwtBearerEvents
                        {
                            // Browsers cannot send headers with a WebSocket handshake: take ?access_token=.
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
                builder.Services.AddAuthorizationBuilder().AddPolicy("admins", policy => policy.RequireClaim("role", "admin"));
            },
            app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
                map(app);
            });
}
