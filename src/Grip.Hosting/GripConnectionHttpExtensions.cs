using Grip.Hosting;
using Microsoft.AspNetCore.Http;

namespace Grip;

/// <summary>The ASP.NET Core side of a <see cref="GripConnection"/>.</summary>
public static class GripConnectionHttpExtensions
{
    /// <summary>
    /// The <see cref="HttpContext"/> of the WebSocket-over-HTTP request that carried this batch of
    /// events (a handler parameter of type <see cref="HttpContext"/> gets the same). Its
    /// <see cref="HttpContext.User"/> is <see cref="GripConnection.User"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection was not created by a GripHandlers endpoint (for example, built by hand in a unit test).</exception>
    public static HttpContext GetHttpContext(this GripConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.Request is HttpGripRequest request
            ? request.HttpContext
            : throw new InvalidOperationException(
                "This GripConnection was not created by a GripHandlers endpoint (app.MapGripHandler<T>), so it has no HttpContext.");
    }
}
