namespace Grip.AsyncApi;

/// <summary>A handler mapped at a path: one channel of the AsyncAPI document.</summary>
/// <param name="Path">The path it is mapped at (<c>MapGripHandler&lt;T&gt;(path)</c>).</param>
/// <param name="Contract">Its generated contract.</param>
public sealed record GripAsyncApiHandler(string Path, GripHandlerContract Contract);
