namespace Grip.Hosting;

/// <summary>One more GRIP proxy.</summary>
public sealed class GripProxyOptions
{
    /// <summary>The proxy's GRIP URL (same syntax as <c>GRIP_URL</c>).</summary>
    public string? Url { get; set; }

    /// <summary>A verify key given apart from the URL.</summary>
    public string? VerifyKey { get; set; }

    /// <summary>A verify issuer given apart from the URL.</summary>
    public string? VerifyIss { get; set; }

    /// <summary>
    /// Publish to this proxy (or fleet of Pushpins) over ZeroMQ: the address of a PUB socket this
    /// origin binds, e.g. <c>tcp://127.0.0.1:5570</c>. <see cref="Url"/> is then optional and only
    /// supplies the Grip-Sig verify key. Entries naming the same address share one socket.
    /// </summary>
    public string? ZeroMqPub { get; set; }
}
