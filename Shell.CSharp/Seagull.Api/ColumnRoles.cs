using System.Collections.ObjectModel;
using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>
/// Which CSV columns play which role. Each column is named by its header or by its 0-based position
/// (an all-digit text such as "3"). u and v need the same number of columns (column j of u pairs with
/// column j of v under the swap); w may be empty; the targets <see cref="Y"/> are one or more columns, none
/// meaning the column named "y".
/// </summary>
/// <example>
/// <code>
/// var roles = new ColumnRoles(u: ["x1", "y1"], v: ["x2", "y2"], w: ["field"], y: "energy");
/// var same = ColumnRoles.Parse(u: "x1,y1", v: "x2,y2", w: "field", y: "energy");
/// var two = ColumnRoles.Parse(u: "x1,y1", v: "x2,y2", y: "energy,force");   // two target columns
/// </code>
/// </example>
public sealed class ColumnRoles
{
    /// <summary>Roles from column lists. Blank entries are refused.</summary>
    /// <exception cref="ArgumentException">u is empty, u and v differ in length, or a column reference is blank.</exception>
    /// <example><code>new ColumnRoles(["u1"], ["v1"], null, "y")</code></example>
    public ColumnRoles(IEnumerable<string> u, IEnumerable<string> v, IEnumerable<string>? w = null, string? y = null)
        : this(u, v, w, y is null ? [] : [y], nameof(y)) { }

    /// <summary>Roles with several target columns (none: the column named "y"). Blank entries are refused.</summary>
    /// <exception cref="ArgumentException">u is empty, u and v differ in length, or a column reference is blank.</exception>
    /// <example><code>new ColumnRoles(["u1"], ["v1"], null, ["energy", "force"])</code></example>
    public ColumnRoles(IEnumerable<string> u, IEnumerable<string> v, IEnumerable<string>? w, IEnumerable<string> y)
        : this(u, v, w, y ?? throw new ArgumentNullException(nameof(y)), nameof(y)) { }

    private ColumnRoles(IEnumerable<string> u, IEnumerable<string> v, IEnumerable<string>? w, IEnumerable<string> y, string yParam)
    {
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(v);
        U = Check(u, nameof(u));
        V = Check(v, nameof(v));
        W = Check(w ?? [], nameof(w));
        if (U.Count == 0) throw new ArgumentException("u needs at least one column", nameof(u));
        if (U.Count != V.Count)
            throw new ArgumentException(
                $"u has {U.Count} columns ({string.Join(", ", U)}) but v has {V.Count} ({string.Join(", ", V)}); column j of u pairs with column j of v, so they need the same width",
                nameof(v));
        var targets = y.ToArray();
        if (targets.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("a target column name is blank", yParam);
        Y = ReadOnly.List(targets.Select(t => t.Trim()).ToArray());
    }

    private static IReadOnlyList<string> Check(IEnumerable<string> columns, string paramName)
    {
        var list = columns.Select(c => c?.Trim() ?? "").ToArray();
        if (list.Any(c => c.Length == 0)) throw new ArgumentException($"the {paramName} column list has an empty entry", paramName);
        return ReadOnly.List(list);
    }

    /// <summary>
    /// Roles from comma-separated lists, as on the command line (<paramref name="y"/> may list several target
    /// columns). A column name holding a comma is written in double quotes (<c>"u,1"</c>; <c>""</c> inside is one quote).
    /// </summary>
    /// <exception cref="ArgumentException">As for the constructor, an empty entry such as "a,,b", or an unclosed quote.</exception>
    /// <example><code>ColumnRoles.Parse("u1,u2,u3", "v1,v2,v3", "w1,w2,w3", "y")</code></example>
    public static ColumnRoles Parse(string u, string v, string? w = null, string? y = null) =>
        new(SplitList(u, nameof(u)), SplitList(v, nameof(v)), SplitList(w, nameof(w)), SplitList(y, nameof(y)), nameof(y));

    /// <summary>The items of a comma-separated list of column names, trimmed; an item in double quotes is taken as written.</summary>
    /// <exception cref="ArgumentException">An unclosed quote, or text after a closing quote.</exception>
    /// <example><code>ColumnRoles.SplitList("a, \"b,c\"") // ["a", "b,c"]</code></example>
    public static string[] SplitList(string? text, string paramName = "text") =>
        string.IsNullOrWhiteSpace(text) ? [] : Guard.Argument(paramName, () => Core.Csv.splitList(text).ToArray());

    /// <summary>Columns of u, in order.</summary>
    /// <example><code>roles.U[0]</code></example>
    public IReadOnlyList<string> U { get; }

    /// <summary>Columns of v, in order (same count as u).</summary>
    /// <example><code>roles.V[0]</code></example>
    public IReadOnlyList<string> V { get; }

    /// <summary>Columns of w, in order (may be empty).</summary>
    /// <example><code>roles.W.Count</code></example>
    public IReadOnlyList<string> W { get; }

    /// <summary>The target columns, in order; empty for the column named "y".</summary>
    /// <example><code>roles.Y.Count == 0 ? "y" : roles.Y[0]</code></example>
    public IReadOnlyList<string> Y { get; }

    internal Core.ColumnRoles ToCore()
    {
        static Microsoft.FSharp.Collections.FSharpList<Core.ColumnRef> Refs(IEnumerable<string> items, string role) =>
            Fs.List(items.Select(i => Guard.Argument(role, () => Core.ColumnRefModule.parse(i))));
        return new Core.ColumnRoles(Refs(U, "u"), Refs(V, "v"), Refs(W, "w"), Refs(Y, "y"));
    }

    /// <summary>"u=… v=… w=… y=…", each list as <see cref="Parse"/> reads it back (a name with a comma or a quote in double quotes).</summary>
    /// <example><code>Console.WriteLine(roles);</code></example>
    public override string ToString()
    {
        static string List(IEnumerable<string> names) => string.Join(",", names.Select(Core.Csv.listItem));
        return $"u={List(U)} v={List(V)} w={List(W)} y={(Y.Count == 0 ? "y" : List(Y))}";
    }
}
