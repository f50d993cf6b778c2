using System.CommandLine;
using System.CommandLine.Parsing;
using Seagull.Api;

namespace Seagull.Cli;

/// <summary>Options shared by several commands.</summary>
internal static class Options
{
    /// <summary>--json: one JSON value on stdout instead of text.</summary>
    public static Option<bool> Json(string what) => new("--json") { Description = $"Print {what} as one JSON value on stdout instead of text." };

    /// <summary>--model FILE (required).</summary>
    public static Option<string> Model() => new("--model", "-m")
    {
        Description = "A model file written by 'seagull train'.",
        HelpName = "MODEL.json",
        Required = true,
    };

    /// <summary>
    /// Fails when the output would overwrite one of the command's inputs (the same file, also through a
    /// symbolic link): the atomic write would replace the input with the result.
    /// </summary>
    public static void RequireNotAnInput(string? output, params (string Option, string? Path)[] inputs)
    {
        if (string.IsNullOrWhiteSpace(output)) return;
        var target = Resolved(output);
        foreach (var (option, path) in inputs)
            if (!string.IsNullOrWhiteSpace(path) && string.Equals(Resolved(path), target, StringComparison.Ordinal))
                throw new ArgumentException($"--out '{output}' is the {option} file; writing it would replace that input — choose another name");
    }

    /// <summary>
    /// Fails when the folder of an output file does not exist. The file writer would make it, and at a shell a
    /// mistyped folder name would become a new folder with the result hidden in it; a command line says so
    /// instead. (compare's --out names a folder, which it makes; the C# API's Save makes folders, as documented:
    /// code names its paths on purpose.)
    /// </summary>
    public static void RequireOutputFolder(string? output)
    {
        if (string.IsNullOrWhiteSpace(output)) return;
        var folder = System.IO.Path.GetDirectoryName(output);
        if (string.IsNullOrEmpty(folder) || Directory.Exists(folder)) return;
        if (File.Exists(folder)) throw new ArgumentException($"--out '{output}': '{folder}' is a file, not a folder");
        var shellFolder = folder.All(c => char.IsAsciiLetterOrDigit(c) || "._/+-=:,@%".Contains(c)) ? folder : $"'{folder.Replace("'", "'\\''")}'";
        throw new ArgumentException($"--out '{output}': the folder '{folder}' does not exist; create it first (mkdir -p {shellFolder}) or choose another path");
    }

    /// <summary>
    /// True when <paramref name="path"/> is the process's standard output (/dev/stdout, /dev/fd/1, or the file or
    /// pipe stdout is redirected to), so that a command writing a file there must print its report elsewhere.
    /// </summary>
    public static bool IsStandardOutput(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return false;
        var full = System.IO.Path.GetFullPath(path);
        if (full is "/dev/stdout" or "/dev/fd/1" or "/proc/self/fd/1") return true;
        return OperatingSystem.IsLinux() && File.Exists("/dev/stdout") && string.Equals(Resolved(path), Resolved("/dev/stdout"), StringComparison.Ordinal);
    }

    private static string Resolved(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        try { return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full; }
        catch (IOException) { return full; }
    }

    /// <summary>
    /// Accepts only plain, finite invariant numbers (1.5, 1e-3, -2): the default parser also takes "1,5" as 15
    /// (a thousands separator), which silently turns a decimal comma into a different number. A malformed number
    /// is a usage error (exit code 2), as "inf" and "nan" both are.
    /// </summary>
    public static Option<T> StrictNumber<T>(Option<T> option)
    {
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (!double.TryParse(token.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value))
                    result.AddError($"{option.Name}: '{token.Value}' is not a number; write it with a point, such as 0.001 or 1e-3");
                else if (!double.IsFinite(value))   // "NaN" and "Infinity" parse; like "inf", they are not a usable setting
                    result.AddError($"{option.Name}: '{token.Value}' is not a finite number");
        });
        return option;
    }

    /// <summary>Fails with a one-line user error when <paramref name="ok"/> is false.</summary>
    public static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}

/// <summary>--data FILE.csv with --u, --v, --w and --y: a CSV data set and the roles of its columns.</summary>
internal sealed class DataOptions
{
    public Option<string?> Data { get; }
    public Option<string?> U { get; } = new("--u") { Description = "Columns of the block u: comma-separated header names or 0-based positions (a number that is one column's name means that column) (with --data).", HelpName = "COLS" };
    public Option<string?> V { get; } = new("--v") { Description = "Columns of the block v, paired with u column by column (same count as --u).", HelpName = "COLS" };
    public Option<string?> W { get; } = new("--w") { Description = "Columns of the block w, the inputs the swap leaves alone (default: none).", HelpName = "COLS" };
    public Option<string?> Y { get; } = new("--y") { Description = "The target column: its header name or 0-based position (default: the column named y); several, comma-separated, for a network with one output per target.", HelpName = "COLS" };
    public Option<bool> DropMissing { get; } = new("--drop-missing") { Description = "Skip the rows of --data with a missing value (an empty cell, NA, N/A, NaN or null) in a column used, and say how many; other text that is not a number is still an error." };

    public DataOptions(string dataDescription)
    {
        Data = new Option<string?>("--data") { Description = dataDescription, HelpName = "FILE.csv" };
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(U);
        command.Options.Add(V);
        command.Options.Add(W);
        command.Options.Add(Y);
        command.Options.Add(DropMissing);
    }

    /// <summary>Usage checks: --u and --v come with --data, and --data needs them.</summary>
    public void Validate(CommandResult result, bool imageColumns = false)
    {
        var hasData = result.GetResult(Data) is { Implicit: false };
        foreach (var role in new[] { U, V, W, Y })
            if (!hasData && result.GetResult(role) is { Implicit: false })
                result.AddError($"{role.Name} describes the columns of --data; give --data FILE.csv too");
        if (!hasData && result.GetResult(DropMissing) is { Implicit: false })
            result.AddError("--drop-missing skips rows of --data; give --data FILE.csv too (generated data has no missing values)");
        if (imageColumns && (result.GetResult(U) is { Implicit: false } || result.GetResult(V) is { Implicit: false } || result.GetResult(W) is { Implicit: false }))
            result.AddError("--image says the columns are pixels and --flip is the symmetry; drop --u, --v and --w");
        if (hasData && !imageColumns && (result.GetResult(U) is not { Implicit: false } || result.GetResult(V) is not { Implicit: false }))
            result.AddError("--data needs --u and --v to say which columns are the exchangeable blocks");
    }

    public bool Given(ParseResult parse) => parse.GetValue(Data) is not null;

    /// <summary>"N rows with missing values dropped", or that there were none: what --drop-missing did.</summary>
    public static string Dropped(int rows) =>
        rows == 0 ? "no rows with missing values, none dropped" : rows == 1 ? "1 row with missing values dropped" : $"{rows} rows with missing values dropped";

    public ColumnRoles Roles(ParseResult parse)
    {
        var u = Lists.Items(parse.GetValue(U) ?? "", "--u");
        var v = Lists.Items(parse.GetValue(V) ?? "", "--v");
        var wText = parse.GetValue(W);
        var w = string.IsNullOrWhiteSpace(wText) ? [] : Lists.Items(wText, "--w");
        if (u.Length != v.Length)
            throw new ArgumentException($"--u has {u.Length} columns ({string.Join(",", u)}) but --v has {v.Length} ({string.Join(",", v)}); column j of u pairs with column j of v, so they need the same count");
        var yText = parse.GetValue(Y);
        return new ColumnRoles(u, v, w, string.IsNullOrWhiteSpace(yText) ? [] : Lists.Items(yText, "--y"));
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports synchronously, in order, on the reporting thread.</summary>
internal sealed class Reporter<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>A one-line progress display on a terminal's stderr, redrawn at most ten times a second.</summary>
internal sealed class ProgressLine(TextWriter err)
{
    private DateTime last = DateTime.MinValue;
    private int width;
    private bool drawn;
    private readonly object gate = new();

    public void Draw(string text, bool force = false)
    {
        lock (gate)
        {
            var now = DateTime.UtcNow;
            if (!force && (now - last).TotalMilliseconds < 100) return;
            last = now;
            err.Write("\r" + text.PadRight(width));
            err.Flush();
            width = text.Length;
            drawn = true;
        }
    }

    public void Finish()
    {
        lock (gate)
        {
            if (drawn) err.WriteLine();
            drawn = false;
        }
    }

    public static string Bar(double fraction, int cells = 24)
    {
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * cells);
        return "[" + new string('#', filled) + new string('.', cells - filled) + "]";
    }
}
