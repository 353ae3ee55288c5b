namespace Grip.Hosting;

/// <summary>
/// GripHandlers settings. <see cref="Microsoft.Extensions.DependencyInjection.GripServiceCollectionExtensions.AddGrip(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration, Action{GripOptions}?)"/>
/// binds them from the <c>GRIP_URL</c> and <c>GRIP_VERIFY_KEY</c> variables and the <c>Grip</c>
/// configuration section (docs/configuration.md), and validates them at start-up.
/// </summary>
public sealed class GripOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Grip";

    /// <summary>The default limit of a request body (an event batch): 1,000,000 bytes.</summary>
    public const long DefaultMaxRequestBodySize = 1_000_000;

    /// <summary>The GRIP URL of the main proxy (<c>Grip:Url</c>, else the <c>GRIP_URL</c> variable).</summary>
    public string? GripUrl { get; set; }

    /// <summary>A verify key for <see cref="GripUrl"/>'s proxy given apart from the URL (<c>Grip:VerifyKey</c>, else <c>GRIP_VERIFY_KEY</c>).</summary>
    public string? VerifyKey { get; set; }

    /// <summary>
    /// Publish to the proxy of <see cref="GripUrl"/>, or to a whole fleet of Pushpins, over ZeroMQ
    /// instead of HTTP (<c>Grip:ZeroMqPub</c>): the address of a PUB socket this origin binds, for
    /// example <c>tcp://127.0.0.1:5570</c>, that every Pushpin connects to (<c>push_in_sub_specs</c>
    /// with <c>push_in_sub_connect=true</c>). <see cref="GripUrl"/> then only supplies the Grip-Sig
    /// verify key. docs/scaling.md.
    /// </summary>
    public string? ZeroMqPub { get; set; }

    /// <summary>More proxies (<c>Grip:Proxies:0:Url</c>, ...): every one gets each publish, and each one's verify key is accepted.</summary>
    public IList<GripProxyOptions> Proxies { get; } = [];

    /// <summary>
    /// Extra keys that verify <c>Grip-Sig</c> without being tied to a publish proxy (<c>Grip:VerifyKeys:0</c>, ...),
    /// for example the old key during a rotation.
    /// </summary>
    public IList<string> AdditionalVerifyKeys { get; } = [];

    /// <summary>
    /// Development only: serve WebSocket-over-HTTP requests without any <c>Grip-Sig</c> check when no
    /// verify key is configured. Logs a warning at start-up. Unsigned requests never get their
    /// <c>Meta-*</c> headers trusted.
    /// </summary>
    public bool AllowUnsignedRequests { get; set; }

    /// <summary>The largest accepted request body; a larger one is answered 413. Default 1,000,000 bytes.</summary>
    public long MaxRequestBodySize { get; set; } = DefaultMaxRequestBodySize;

    /// <summary>The default <see cref="HandlerTimeout"/>: 60 s.</summary>
    /// <remarks>
    /// Pushpin 1.36 sends each WebSocket-over-HTTP request through zurl, whose <c>timeout</c> (600 s
    /// in the <c>zurl.conf</c> Pushpin's runner writes: "expiration time for inactive requests") is
    /// the only limit on how long the origin may take; Pushpin then drops the client, and until then
    /// it holds the connection's later messages. 60 s is far below that and above the publisher's
    /// default <see cref="GripPublisherOptions.TotalTimeout"/> (30 s), so a handler that publishes
    /// sees its own publish failure before its own timeout.
    /// </remarks>
    public static readonly TimeSpan DefaultHandlerTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long one batch may spend in handlers before GripHandlers gives up on it: the connection is
    /// closed with 1011 <c>Handler timeout</c> (rejected with 500 while opening), the handler's
    /// cancellation token is cancelled, and the timeout is logged; other connections are not
    /// affected. <see langword="null"/> (configuration value <c>off</c>) waits for ever. Default 60 s;
    /// per endpoint with <c>MapGripHandler&lt;T&gt;(...).WithGripHandlerTimeout(...)</c>.
    /// </summary>
    public TimeSpan? HandlerTimeout { get; set; } = DefaultHandlerTimeout;

    /// <summary>The largest accepted <see cref="HandlerTimeout"/>: 590 s, under zurl's 600 s.</summary>
    public static readonly TimeSpan MaxHandlerTimeout = TimeSpan.FromSeconds(590);

    /// <summary>Tolerated clock difference when checking <c>exp</c> of a <c>Grip-Sig</c>. Default 10 s.</summary>
    public TimeSpan SignatureClockSkew { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Publisher settings (<c>Grip:Publisher</c>).</summary>
    public GripPublisherOptions Publisher { get; } = new();

    /// <summary>Problems found while binding configuration (unparsable numbers, ...); start-up fails when there are any.</summary>
    internal List<string> BindingErrors { get; } = [];
}
