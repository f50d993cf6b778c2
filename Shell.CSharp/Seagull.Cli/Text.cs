using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Seagull.Cli;

/// <summary>Formatting helpers: one-line messages, numbers, durations, JSON.</summary>
internal static class Text
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The text on one line.</summary>
    public static string OneLine(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();

    /// <summary>An exception's message on one line, without the " (Parameter 'x')" suffix of argument errors.</summary>
    public static string Message(Exception e)
    {
        var message = e.Message;
        if (e is ArgumentException { ParamName: { } name })
        {
            var suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal)) message = message[..^suffix.Length];
        }
        return OneLine(message);
    }

    /// <summary>A number with 6 significant digits, invariant culture.</summary>
    public static string Number(double x) => x.ToString("G6", Inv);

    /// <summary>mm:ss or h:mm:ss.</summary>
    public static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", Inv) : t.ToString(@"mm\:ss", Inv);

    /// <summary>"even", "odd" or "neither".</summary>
    public static string Name(Seagull.Api.Parity p) => p.ToString().ToLowerInvariant();

    /// <summary>Writes one JSON value with <paramref name="write"/> (indented) and returns the text.</summary>
    public static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(w);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A JSON array with one object per item, its fields written by <paramref name="fields"/>.</summary>
    public static string JsonObjects<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> fields) => Json(w => Objects(w, null, items, fields));

    /// <summary>Writes an array (a property <paramref name="name"/>, or a bare value when null) with one object per item.</summary>
    public static void Objects<T>(Utf8JsonWriter w, string? name, IEnumerable<T> items, Action<Utf8JsonWriter, T> fields)
    {
        if (name is null) w.WriteStartArray(); else w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStartObject();
            fields(w, item);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>A JSON number, or null for NaN and infinities (which JSON cannot hold).</summary>
    public static void Number(Utf8JsonWriter w, string name, double? x)
    {
        if (x is double v && double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
