// Handlers for HandlerCreationTests: when the generated invoker creates the handler instance
// (only for a method that needs it, once per batch), compiled by the generator in this build.
namespace Grip.Generators.Tests.Integration;

/// <summary>A service no test registers: resolving it throws.</summary>
public interface INotRegistered
{
    string Name { get; }
}

/// <summary>Counts the instances of <see cref="MixedHandler"/> made and disposed.</summary>
public sealed class CreationCounter
{
    public int Created { get; set; }

    public int Disposed { get; set; }
}

/// <summary>
/// Static <c>[OnOpen]</c> and <c>[OnMessage]</c>, an instance <c>[OnClose]</c>, and a constructor
/// that needs a service that is never registered: creating the instance is the only thing that fails.
/// </summary>
public sealed partial class StaticPathsHandler(INotRegistered notRegistered)
{
    [OnOpen]
    public static void Open(GripConnection connection, CallLog log)
    {
        log.Calls.Add("open " + connection.Id);
    }

    [OnMessage]
    public static string Text(string text, CallLog log)
    {
        log.Calls.Add("text " + text);
        return "static:" + text;
    }

    [OnMessage]
    public static byte[] Binary(byte[] data) => [.. data, 0xFF];

    [OnClose]
    public void Closed(CloseStatus status, CallLog log) => log.Calls.Add("close " + notRegistered.Name);
}

/// <summary>
/// Static <c>[OnOpen]</c> and text method, instance binary method (asynchronous for a first byte
/// of 1) and <c>[OnClose]</c>: each instance numbers itself, so a reply tells which one answered.
/// Disposable, to show what the dispatcher does (not) with a created instance.
/// </summary>
public sealed partial class MixedHandler : IDisposable, IAsyncDisposable
{
    private readonly CreationCounter _counter;
    private readonly int _serial;

    public MixedHandler(CreationCounter counter)
    {
        _counter = counter;
        _serial = ++counter.Created;
    }

    [OnOpen]
    public static void Open(CallLog log) => log.Calls.Add("open");

    [OnMessage]
    public static string Text(string text) => "static:" + text;

    [OnMessage]
    public async ValueTask<byte[]> Binary(byte[] data)
    {
        if (data is [1, ..])
        {
            await Task.Yield();
        }

        return [(byte)('0' + _serial)];
    }

    [OnClose]
    public void Closed(CloseStatus status, CallLog log) => log.Calls.Add("close by #" + _serial);

    public void Dispose() => _counter.Disposed++;

    public ValueTask DisposeAsync()
    {
        _counter.Disposed++;
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A static typed route whose undeserializable message goes to an instance untyped fallback: the
/// route's invoker takes the instance (it may need it), a static binary method does not.
/// </summary>
[GripJsonContext(typeof(ChatJson))]
public sealed partial class TypedStaticRouteHandler(CreationCounter counter)
{
    private readonly int _serial = ++counter.Created;

    [OnMessage("chat.send")]
    public static string Send(ChatSend message) => "typed:" + message.Text;

    [OnMessage]
    public string Fallback(string text) => $"fallback #{_serial}:{text}";

    [OnMessage]
    public static byte[] Binary(byte[] data) => data;
}
