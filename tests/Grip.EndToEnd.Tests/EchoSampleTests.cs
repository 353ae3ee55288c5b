using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Testing.Pushpin;

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

/// <summary>
/// The native Echo executable is published the way users publish (<c>dotnet publish</c> with
/// PublishAot), which leaves the development proxy out (GripDevelopmentProxySupport defaults to
/// false): asking for it fails start-up loudly, naming the MSBuild property. The JIT build keeps it
/// (ProxyParityTests drive it).
/// </summary>
public sealed class EchoSampleAotFeatureSwitchTests
{
    [AotFact]
    public async Task Asking_the_native_build_for_the_development_proxy_stops_start_up_naming_the_switch()
    {
        var error = await NativeEchoStartupErrorAsync(gripUrl: null, new Dictionary<string, string> { ["Grip__DevelopmentProxy__Enabled"] = "true", ["Grip__AllowUnsignedRequests"] = "true" });
        Assert.Contains("exited with code", error.Message, StringComparison.Ordinal);
        Assert.Contains("Grip:DevelopmentProxy:Enabled is true, but the GRIP development proxy is not part of this build", error.Message, StringComparison.Ordinal);
        Assert.Contains("<GripDevelopmentProxySupport>true</GripDevelopmentProxySupport>", error.Message, StringComparison.Ordinal);
    }

    [AotFact]
    public async Task In_Development_without_GRIP_URL_the_native_build_says_the_proxy_was_left_out()
    {
        var error = await NativeEchoStartupErrorAsync(gripUrl: null, new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        Assert.Contains("no Grip-Sig verify key", error.Message, StringComparison.Ordinal);
        Assert.Contains("In Development this would start the development proxy", error.Message, StringComparison.Ordinal);
    }

    [AotFact]
    public async Task The_native_build_without_TLS_refuses_an_https_publish_target_naming_the_switch()
    {
        // samples/Echo sets GripHttpsPublishingSupport=false: it publishes through the plain HTTP client,
        // and an https:// target (Fastly's API) stops start-up instead of failing at the first publish.
        var error = await NativeEchoStartupErrorAsync("https://api.fastly.com/service/abc?key=token&verify-iss=fastly:abc", new Dictionary<string, string>());
        Assert.Contains("exited with code", error.Message, StringComparison.Ordinal);
        Assert.Contains("Publishing over HTTPS to https://api.fastly.com is configured, but this build leaves HTTPS publishing out", error.Message, StringComparison.Ordinal);
        Assert.Contains("<GripHttpsPublishingSupport>false</GripHttpsPublishingSupport>", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Starts the native Echo with <paramref name="environment"/> and returns why start-up failed.</summary>
    private static async Task<InvalidOperationException> NativeEchoStartupErrorAsync(string? gripUrl, Dictionary<string, string> environment)
    {
        await SampleBinaries.EnsureAotPublishedAsync();
        return await Assert.ThrowsAsync<InvalidOperationException>(() => SampleProcess.StartAsync(
            SampleApp.Echo,
            SampleRuntime.Aot,
            PushpinProcess.GetFreePort(),
            gripUrl,
            environment));
    }
}
