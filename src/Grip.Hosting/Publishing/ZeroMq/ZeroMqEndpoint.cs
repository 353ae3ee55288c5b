using System.Globalization;
using System.Net;

namespace Grip.Hosting.Publishing.ZeroMq;

/// <summary>Parses the address a ZeroMQ PUB socket binds: <c>tcp://&lt;IP, [IPv6], * or localhost&gt;:&lt;port&gt;</c>.</summary>
internal static class ZeroMqEndpoint
{
    private const string Example = "for example tcp://127.0.0.1:5570 (one interface) or tcp://*:5570 (all interfaces)";

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong and how to write it.</summary>
    public static bool TryParse(string text, out IPEndPoint endPoint, out string error)
    {
        endPoint = null!;
        const string scheme = "tcp://";
        if (!text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            int colon = text.IndexOf("://", StringComparison.Ordinal);
            error = colon > 0
                ? $"'{text}' uses transport '{text[..colon]}', but the ZeroMQ publisher binds tcp:// only; use tcp://<address>:<port>, {Example}."
                : $"'{text}' is not a ZeroMQ address; use tcp://<address>:<port>, {Example}.";
            return false;
        }

        string rest = text[scheme.Length..];
        int portColon = rest.LastIndexOf(':');
        if (portColon <= 0 || portColon == rest.Length - 1)
        {
            error = $"'{text}' has no port; use tcp://<address>:<port>, {Example}.";
            return false;
        }

        string host = rest[..portColon];
        string portText = rest[(portColon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > IPEndPoint.MaxPort)
        {
            error = $"'{text}' has an invalid port '{portText}' (0-65535; 0 picks a free port, which the Pushpins then cannot know).";
            return false;
        }

        IPAddress? address;
        if (host == "*")
        {
            address = IPAddress.Any;
        }
        else if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (host.StartsWith('[') && host.EndsWith(']'))
        {
            _ = IPAddress.TryParse(host.AsSpan(1, host.Length - 2), out address);
        }
        else
        {
            _ = IPAddress.TryParse(host, out address);
            if (address?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                address = null; // an IPv6 address must be bracketed, or its colons are ambiguous with the port's
            }
        }

        if (address is null)
        {
            error = $"'{text}': '{host}' is not an address this origin can bind; a PUB socket binds a local IP address ('127.0.0.1', '[::1]'), '*' or 'localhost', not a host name. The Pushpins connect to it by whatever name reaches this host.";
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        error = string.Empty;
        return true;
    }
}
