using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Grip.Hosting.Development;

/// <summary>The paths the development proxy accepts WebSockets on: every <c>MapGripHandler</c> pattern.</summary>
public sealed class GripDevelopmentProxyPaths
{
    private readonly List<TemplateMatcher> _matchers = [];
    private readonly Lock _lock = new();

    /// <summary>Adds a route pattern, for example <c>/api/chat</c>.</summary>
    public void Add(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var matcher = new TemplateMatcher(TemplateParser.Parse(pattern), new RouteValueDictionary());
        lock (_lock)
        {
            _matchers.Add(matcher);
        }
    }

    /// <summary>Whether a request path matches one of the patterns.</summary>
    public bool Matches(PathString path)
    {
        lock (_lock)
        {
            foreach (var matcher in _matchers)
            {
                if (matcher.TryMatch(path, new RouteValueDictionary()))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
