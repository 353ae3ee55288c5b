using Verify = Grip.Generators.Tests.Analyzers.AnalyzerVerifier<Grip.Generators.Analyzers.HandlerAnalyzer>;

namespace Grip.Generators.Tests.Analyzers;

/// <summary>
/// HttpContext, ClaimsPrincipal and a non-generic ILogger are bound (the generated code compiles
/// with them), or are GRIP0001 where they cannot be. ASP.NET Core's HttpContext and Grip.Hosting's
/// accessor are stand-ins here (this project does not reference ASP.NET Core); the in-process end-to-end
/// tests (tests/Grip.Handlers.Tests) run the real ones.
/// </summary>
public sealed class RequestBindingTests
{
    private const string HttpStandIns = """
        namespace Microsoft.AspNetCore.Http { public abstract class HttpContext { } }
        namespace Grip
        {
            public static class GripConnectionHttpExtensions
            {
                public static Microsoft.AspNetCore.Http.HttpContext GetHttpContext(this GripConnection connection) => throw new System.InvalidOperationException();
            }
        }

        """;

    [Fact]
    public Task HttpContext_ClaimsPrincipal_and_ILogger_are_bound() => Verify.VerifyAsync(HttpStandIns + """
        namespace App
        {
            using System.Security.Claims;
            using Grip;
            using Microsoft.AspNetCore.Http;
            using Microsoft.Extensions.Logging;
            public partial class H(ILogger log)
            {
                [OnOpen] public void Open(GripConnection c, HttpContext context, ClaimsPrincipal user, ILogger logger) => _ = log;
                [OnMessage] public string Text(ClaimsPrincipal user, string text, ILogger? logger) => text;
                [OnClose] public void Close(HttpContext context) { }
            }
        }
        """);

    [Fact]
    public Task HttpContext_without_Grip_Hosting_and_in_a_constructor_is_GRIP0001() => Verify.VerifyAsync("""
        namespace Microsoft.AspNetCore.Http { public abstract class HttpContext { } }
        namespace App
        {
            using System.Security.Claims;
            using Grip;
            using Microsoft.AspNetCore.Http;
            public partial class H(ClaimsPrincipal {|#0:user|})
            {
                [OnOpen] public void Open(HttpContext {|#1:context|}) => _ = user;
            }
        }
        """,
        Verify.Diagnostic("GRIP0001").WithLocation(0).WithArguments("user", "H constructor", "'ClaimsPrincipal' is not a service; take it as a parameter of the handler method instead"),
        Verify.Diagnostic("GRIP0001").WithLocation(1).WithArguments("context", "Open", "HttpContext is bound by Grip.Hosting, which this project does not reference"));
}
