using Grip.EndToEnd.Tests.Infrastructure;

namespace Grip.EndToEnd.Tests;

/// <summary>samples/Chat (JIT build) behind a real Pushpin.</summary>
public sealed class ChatSampleJitTests(ChatJitFixture fixture) : IClassFixture<ChatJitFixture>
{
    [Fact]
    public Task Chat_fans_out_to_50_clients_exactly_once_each_sender_included() => SampleScenarios.ChatFansOutToEveryClientExactlyOnceAsync(fixture.Deployment);

    [Fact]
    public Task Lobby_greets_with_the_connection_id_and_skips_the_sender() => SampleScenarios.LobbySkipsTheSenderAsync(fixture.Deployment);

    [Fact]
    public Task Ping_is_answered_with_a_pong_with_the_same_payload() => SampleScenarios.PingIsAnsweredWithTheSamePayloadAsync(fixture.Deployment, "/api/lobby");

    [Fact]
    public Task The_chat_page_is_served_through_the_proxy() => SampleScenarios.ChatPageIsServedThroughTheProxyAsync(fixture.Deployment);

    [Fact]
    public Task A_direct_post_with_a_forged_Grip_Sig_is_rejected() => SampleScenarios.ForgedGripSigIsRejectedAsync(fixture.Deployment, "/api/chat");
}

/// <summary>The same, against the Native AOT executable of samples/Chat.</summary>
public sealed class ChatSampleAotTests(ChatAotFixture fixture) : IClassFixture<ChatAotFixture>
{
    [AotFact]
    public Task Chat_fans_out_to_50_clients_exactly_once_each_sender_included() => SampleScenarios.ChatFansOutToEveryClientExactlyOnceAsync(fixture.Deployment);

    [AotFact]
    public Task Lobby_greets_with_the_connection_id_and_skips_the_sender() => SampleScenarios.LobbySkipsTheSenderAsync(fixture.Deployment);

    [AotFact]
    public Task Ping_is_answered_with_a_pong_with_the_same_payload() => SampleScenarios.PingIsAnsweredWithTheSamePayloadAsync(fixture.Deployment, "/api/lobby");

    [AotFact]
    public Task The_chat_page_is_served_through_the_proxy() => SampleScenarios.ChatPageIsServedThroughTheProxyAsync(fixture.Deployment);

    [AotFact]
    public Task A_direct_post_with_a_forged_Grip_Sig_is_rejected() => SampleScenarios.ForgedGripSigIsRejectedAsync(fixture.Deployment, "/api/chat");
}
