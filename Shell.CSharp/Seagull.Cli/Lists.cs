using System.Globalization;
using Seagull.Api;

namespace Seagull.Cli;

/// <summary>Comma-separated option values, with one-line errors naming the option.</summary>
internal static class Lists
{
    /// <summary>
    /// The non-empty, trimmed items of a comma-separated list (an item in double quotes may hold commas: a column
    /// named u,1 is <c>"u,1"</c>); an empty item is an error.
    /// </summary>
    public static string[] Items(string text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException($"{option}: the list is empty");
        string[] items;
        try { items = ColumnRoles.SplitList(text, option); }
        catch (ArgumentException e) { throw new ArgumentException($"{option}: {Text.Message(e)}"); }
        var blank = Array.FindIndex(items, s => s.Length == 0);
        if (blank >= 0) throw new ArgumentException($"{option}: item {blank + 1} of '{text}' is empty; write a comma-separated list like a,b,c");
        return items;
    }

    /// <summary>Positive integers such as "64,64".</summary>
    public static int[] PositiveInts(string text, string option)
    {
        var items = Items(text, option);
        var values = new int[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            if (!int.TryParse(items[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1)
                throw new ArgumentException($"{option}: '{items[i]}' is not a positive whole number; write a list like 64,64");
        }
        return values;
    }

    /// <summary>Built-in activations by name, such as "seagull,tanh".</summary>
    public static Activation[] Activations(string text, string option) =>
        Items(text, option).Select(name =>
            Activation.TryGet(name, out var a)
                ? a
                : throw new ArgumentException($"{option}: unknown activation '{name}'; known: {string.Join(", ", Activation.All.Select(x => x.Name))}"))
        .ToArray();
}
