using Grip;

namespace PackageConsumer.Echo;

/// <summary>Text and binary echo, and a subscription: the smallest handler a user writes.</summary>
public sealed partial class EchoHandler
{
    public const string Channel = "echo";

    [OnOpen]
    public static void Open(GripConnection connection) => connection.Subscribe(Channel);

    [OnMessage]
    public static string Text(string text) => text;

    [OnMessage]
    public static byte[] Binary(ReadOnlyMemory<byte> data) => data.ToArray();
}
