using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Grip.AsyncApi;

/// <summary>
/// Marks the endpoint <c>MapGripAsyncApi</c> maps and owns the document it serves: built once, at the
/// first request or when the app runs in write mode (<see cref="GripAsyncApiWriterServer"/>), from the
/// route builder it was mapped on. Both read <see cref="Document"/>, so the file and the response are
/// the same bytes.
/// </summary>
internal sealed class GripAsyncApiEndpointMetadata(IEndpointRouteBuilder endpoints, string pattern)
{
    private readonly Lazy<byte[]> _document = new(() => GripAsyncApiEndpointRouteBuilderExtensions.BuildDocument(endpoints), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The path the document is served at.</summary>
    public string Pattern { get; } = pattern;

    /// <summary>The document (UTF-8 JSON).</summary>
    public byte[] Document => _document.Value;

    /// <summary>How many handler endpoints the document describes (without building it).</summary>
    public int HandlerCount => GripAsyncApiEndpointRouteBuilderExtensions.Handlers(endpoints).Count;
}
