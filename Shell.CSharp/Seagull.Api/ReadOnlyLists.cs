using System.Collections.ObjectModel;

namespace Seagull.Api;

/// <summary>
/// The read-only lists the API hands out. They print their items, so a record holding one prints
/// "Activations = [a, b]" rather than the collection's type name; long lists print their first items and the count.
/// </summary>
internal static class ReadOnly
{
    private const int Shown = 8;

    /// <summary>A read-only copy of <paramref name="items"/>.</summary>
    public static IReadOnlyList<T> List<T>(IEnumerable<T> items) => new PrintableList<T>(items.ToArray());

    private sealed class PrintableList<T>(IList<T> items) : ReadOnlyCollection<T>(items)
    {
        public override string ToString() =>
            Count <= Shown
                ? "[" + string.Join(", ", this) + "]"
                : "[" + string.Join(", ", this.Take(Shown)) + $", … ({Count} items)]";
    }
}
