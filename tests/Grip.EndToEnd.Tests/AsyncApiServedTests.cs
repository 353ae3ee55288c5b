using System.Net;
using Grip.EndToEnd.Tests.Infrastructure;

namespace Grip.EndToEnd.Tests;

/// <summary>
/// <c>app.MapGripAsyncApi()</c> in the samples, through a real Pushpin: the served document is the
/// checked-in docs/asyncapi/*.asyncapi.json byte for byte, from the JIT build and from the Native AOT
/// executable (the document is built from generated contracts and JsonTypeInfo metadata, no reflection).
/// </summary>
public sealed class AsyncApiServedJitTests(PubSubJitFixture pubsub, ChatJitFixture chat) : IClassFixture<PubSubJitFixture>, IClassFixture<ChatJitFixture>
{
    [Fact]
    public Task PubSub_serves_its_document() => AsyncApiScenarios.ServesAsync(pubsub.Deployment, "pubsub");

    [Fact]
    public Task Chat_serves_its_document() => AsyncApiScenarios.ServesAsync(chat.Deployment, "chat");
}

/// <summary>The same, against the Native AOT executables.</summary>
public sealed class AsyncApiServedAotTests(PubSubAotFixture pubsub, ChatAotFixture chat) : IClassFixture<PubSubAotFixture>, IClassFixture<ChatAotFixture>
{
    [AotFact]
    public Task PubSub_serves_its_document() => AsyncApiScenarios.ServesAsync(pubsub.Deployment, "pubsub");

    [AotFact]
    public Task Chat_serves_its_document() => AsyncApiScenarios.ServesAsync(chat.Deployment, "chat");
}

/// <summary>The served-document scenario shared by the JIT and AOT classes.</summary>
public static class AsyncApiScenarios
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task ServesAsync(SampleDeployment d, string name)
    {
        using var response = await Http.GetAsync(d.Http("/asyncapi.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        string served = await response.Content.ReadAsStringAsync();
        string expected = await File.ReadAllTextAsync(Path.Combine(SampleBinaries.RepoRoot, "docs", "asyncapi", name + ".asyncapi.json"));
        Assert.Equal(expected, served);
    }
}
