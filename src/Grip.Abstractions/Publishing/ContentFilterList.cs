using System.Text.Json;

namespace Grip.Publishing;

/// <summary>Checks and writes the <c>content-filters</c> of a publish format (grip-spec §3.1).</summary>
internal static class ContentFilterList
{
    /// <summary>Throws when a name is not a content filter or appears twice.</summary>
    /// <exception cref="ArgumentException">A name is null, not <c>var-subst</c> or <c>build-id</c>, or repeated.</exception>
    public static void Validate(IReadOnlyList<string>? filters)
    {
        if (filters is null)
        {
            return;
        }

        for (int i = 0; i < filters.Count; i++)
        {
            string filter = filters[i];
            if (filter is null || !GripFilters.IsContentFilter(filter))
            {
                throw new ArgumentException(
                    $"'{filter}' is not a content filter: only var-subst and build-id change content (Pushpin compares content-filters with the subscription's content filters only, so any other name would never match and the message would be dropped).",
                    nameof(filters));
            }

            for (int j = 0; j < i; j++)
            {
                if (string.Equals(filters[j], filter, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Content filter '{filter}' is listed twice.", nameof(filters));
                }
            }
        }
    }

    internal static void Write(Utf8JsonWriter writer, IReadOnlyList<string>? filters)
    {
        if (filters is null)
        {
            return;
        }

        writer.WriteStartArray("content-filters"u8);
        foreach (string filter in filters)
        {
            writer.WriteStringValue(filter);
        }

        writer.WriteEndArray();
    }
}
