using System.Reflection;
using Grip.AsyncApi;

namespace Grip.Samples.Tests;

/// <summary>
/// The AsyncAPI documents of samples/PubSub and samples/Chat, built from their generated contracts and
/// JSON contexts, are the checked-in docs/asyncapi/*.asyncapi.json byte for byte (those files are
/// generated: GRIP_REGENERATE_ASYNCAPI=1 rewrites them). The served copy is compared by the node test
/// src/Grip.TypeScript/test/served-document.test.mjs and the end-to-end tests (JIT and Native AOT).
/// </summary>
public sealed class AsyncApiDocumentTests
{
    [Fact]
    public void PubSub_document_is_the_checked_in_one() =>
        AssertDocument("pubsub", typeof(PubSub.RealtimeHandler).Assembly, [new("/api/realtime", Contract<PubSub.RealtimeHandler>())]);

    [Fact]
    public void Chat_document_is_the_checked_in_one() =>
        AssertDocument("chat", typeof(Chat.ChatHandler).Assembly, [new("/api/chat", Contract<Chat.ChatHandler>()), new("/api/lobby", Contract<Chat.LobbyHandler>())]);

    [Fact]
    public void Handler_order_follows_the_paths_not_the_mapping_order()
    {
        var forward = GripAsyncApiDocument.Build("Chat", "1", [new("/api/chat", Contract<Chat.ChatHandler>()), new("/api/lobby", Contract<Chat.LobbyHandler>())]);
        var backward = GripAsyncApiDocument.Build("Chat", "1", [new("/api/lobby", Contract<Chat.LobbyHandler>()), new("/api/chat", Contract<Chat.ChatHandler>())]);
        Assert.Equal(forward, backward);
    }

    [Fact]
    public void A_handler_mapped_at_two_paths_gets_a_channel_per_path_keyed_by_path_the_second_time()
    {
        string json = System.Text.Encoding.UTF8.GetString(GripAsyncApiDocument.Build("Chat", "1", [new("/api/chat", Contract<Chat.ChatHandler>()), new("/api/v2/chat", Contract<Chat.ChatHandler>())]));
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var channels = document.RootElement.GetProperty("channels");
        Assert.Equal("/api/chat", channels.GetProperty("chat").GetProperty("address").GetString());
        Assert.Equal("/api/v2/chat", channels.GetProperty("apiV2Chat").GetProperty("address").GetString());
        Assert.True(document.RootElement.GetProperty("operations").TryGetProperty("apiV2Chat.receive.text", out _));
    }

    private static GripHandlerContract Contract<T>() =>
        GripContracts.Find(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T)} registered no contract");

    private static void AssertDocument(string name, Assembly assembly, GripAsyncApiHandler[] handlers)
    {
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        byte[] actual = GripAsyncApiDocument.Build(assembly.GetName().Name!, version, handlers);
        string path = Path.Combine(RepositoryRoot(), "docs", "asyncapi", name + ".asyncapi.json");
        if (Environment.GetEnvironmentVariable("GRIP_REGENERATE_ASYNCAPI") == "1")
        {
            File.WriteAllBytes(path, actual);
            Assert.Fail($"GRIP_REGENERATE_ASYNCAPI=1 rewrote {path}: review the diff and run again without it.");
        }

        Assert.Equal(File.ReadAllText(path), System.Text.Encoding.UTF8.GetString(actual));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GripHandlers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("GripHandlers.sln not found above " + AppContext.BaseDirectory);
    }
}
