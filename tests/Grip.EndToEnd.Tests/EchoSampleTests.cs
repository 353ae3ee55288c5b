using Grip.EndToEnd.Tests.Infrastructure;

namespace Grip.EndToEnd.Tests;

/// <summary>samples/Echo (JIT build, started as `dotnet Echo.dll --urls …` with GRIP_URL) behind a real Pushpin.</summary>
public sealed class EchoSampleJitTests(EchoJitFixture fixture) : IClassFixture<EchoJitFixture>
{
    [Fact]
    public Task Echoes_text_binary_empty_and_multibyte_utf8() => SampleScenarios.EchoesTextBinaryEmptyAndUtf8Async(fixture.Deployment);

    [Fact]
    public Task Reply_size_limit_32766_arrives_32767_is_refused_loudly() => SampleScenarios.ReplySizeLimitIsEnforcedLoudlyAsync(fixture.Deployment);

    [Fact]
    public Task Broadcast_reaches_every_connection_and_other_content_types_get_415() => SampleScenarios.BroadcastReachesEveryConnectionAsync(fixture.Deployment);

    [Fact]
    public Task Ping_is_answered_with_a_pong_with_the_same_payload() => SampleScenarios.PingIsAnsweredWithTheSamePayloadAsync(fixture.Deployment, "/api/websocket");

    [Fact]
    public Task Close_codes_and_reasons_travel_both_ways() => SampleScenarios.CloseCodesTravelBothWaysAsync(fixture.Deployment);

    [Fact]
    public Task A_requested_subprotocol_is_negotiated() => SampleScenarios.SubprotocolIsNegotiatedAsync(fixture.Deployment);

    [Fact]
    public Task A_dropped_client_reaches_OnClose_as_a_disconnect() => SampleScenarios.DroppedClientReachesOnCloseAsDisconnectAsync(fixture.Deployment);

    [Fact]
    public Task A_direct_post_with_a_forged_Grip_Sig_is_rejected() => SampleScenarios.ForgedGripSigIsRejectedAsync(fixture.Deployment, "/api/websocket");
}

/// <summary>The same, against the Native AOT executable of samples/Echo.</summary>
public sealed class EchoSampleAotTests(EchoAotFixture fixture) : IClassFixture<EchoAotFixture>
{
    [AotFact]
    public Task Echoes_text_binary_empty_and_multibyte_utf8() => SampleScenarios.EchoesTextBinaryEmptyAndUtf8Async(fixture.Deployment);

    [AotFact]
    public Task Reply_size_limit_32766_arrives_32767_is_refused_loudly() => SampleScenarios.ReplySizeLimitIsEnforcedLoudlyAsync(fixture.Deployment);

    [AotFact]
    public Task Broadcast_reaches_every_connection_and_other_content_types_get_415() => SampleScenarios.BroadcastReachesEveryConnectionAsync(fixture.Deployment);

    [AotFact]
    public Task Ping_is_answered_with_a_pong_with_the_same_payload() => SampleScenarios.PingIsAnsweredWithTheSamePayloadAsync(fixture.Deployment, "/api/websocket");

    [AotFact]
    public Task Close_codes_and_reasons_travel_both_ways() => SampleScenarios.CloseCodesTravelBothWaysAsync(fixture.Deployment);

    [AotFact]
    public Task A_requested_subprotocol_is_negotiated() => SampleScenarios.SubprotocolIsNegotiatedAsync(fixture.Deployment);

    [AotFact]
    public Task A_dropped_client_reaches_OnClose_as_a_disconnect() => SampleScenarios.DroppedClientReachesOnCloseAsDisconnectAsync(fixture.Deployment);

    [AotFact]
    public Task A_direct_post_with_a_forged_Grip_Sig_is_rejected() => SampleScenarios.ForgedGripSigIsRejectedAsync(fixture.Deployment, "/api/websocket");
}
