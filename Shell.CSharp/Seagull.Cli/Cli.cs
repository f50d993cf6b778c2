using System.CommandLine;
using System.CommandLine.Help;
using Seagull.Cli.Commands;

namespace Seagull.Cli;

/// <summary>
/// The <c>seagull</c> command line, invocable in process: parse, validate, run one command, print.
/// Exit codes: 0 success; 1 user error (one line <c>error: …</c> on stderr); 2 usage error (bad or missing
/// options); 130 cancelled (Ctrl+C).
/// </summary>
/// <example>
/// <code>
/// var stdout = new StringWriter();
/// var stderr = new StringWriter();
/// int code = Cli.Run(["activations", "--json"], stdout, stderr);
/// </code>
/// </example>
public static class Cli
{
    /// <summary>Exit code of a successful run.</summary>
    /// <example><code>if (Cli.Run(args, o, e) == Cli.Success) { }</code></example>
    public const int Success = 0;
    /// <summary>Exit code of a user error: bad data, unknown names, missing or corrupt files.</summary>
    /// <example><code>Assert.Equal(Cli.UserError, Cli.Run(["train", "--target", "nope", "--out", "m.json"], o, e));</code></example>
    public const int UserError = 1;
    /// <summary>Exit code of a usage error: an unknown or malformed option, a missing required option.</summary>
    /// <example><code>Assert.Equal(Cli.UsageError, Cli.Run(["train", "--bogus"], o, e));</code></example>
    public const int UsageError = 2;
    /// <summary>Exit code after Ctrl+C.</summary>
    /// <example><code>if (code == Cli.Cancelled) Console.Error.WriteLine("interrupted");</code></example>
    public const int Cancelled = 130;

    /// <summary>Runs the command line with output captured (no progress bars): for tests and embedding.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where errors and progress go.</param>
    /// <returns>The exit code.</returns>
    /// <example><code>int code = Cli.Run(["check", "--model", "m.json", "--json"], Console.Out, Console.Error);</code></example>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, stderrIsTerminal: false);

    /// <summary>Runs the command line; progress bars are drawn only when <paramref name="stderrIsTerminal"/>.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where errors and progress go.</param>
    /// <param name="stderrIsTerminal">True when stderr is an interactive terminal.</param>
    /// <returns>The exit code.</returns>
    /// <example><code>return Cli.Run(args, Console.Out, Console.Error, stderrIsTerminal: !Console.IsErrorRedirected);</code></example>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool stderrIsTerminal)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new CliContext(stdout, stderr, stderrIsTerminal);
        var root = BuildRoot(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            var command = string.Join(' ', parse.CommandResult.Command.Name == root.Name ? ["seagull"] : new[] { "seagull", parse.CommandResult.Command.Name });
            // One line, as for every other error: the distinct messages joined. An unrecognised word is reported
            // alone, with what it likely meant: the other errors ("--out is required") follow from it, often.
            var unknown = Unrecognized.Messages(parse);
            var messages = unknown.Count > 0 ? unknown : parse.Errors.Select(e => UsageMessage(e.Message)).Distinct().ToList();
            stderr.WriteLine($"error: {string.Join("; ", messages)} (see '{command} --help')");
            return UsageError;
        }
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        var code = parse.InvokeAsync(config).GetAwaiter().GetResult();
        // After Ctrl+C, System.CommandLine returns 130 when the command has not stopped within its grace
        // period (it is inside one long step); say so, as the command would have.
        if (code == Cancelled)
        {
            context.ReportCancelled();
            context.Abandon();
        }
        return code;
    }

    // System.CommandLine names the .NET type it failed to parse ('System.Nullable`1[System.Int32]');
    // a user wants to know what to write instead.
    private static string UsageMessage(string message)
    {
        var text = Text.OneLine(message).TrimEnd('.');
        return System.Text.RegularExpressions.Regex.Replace(text, @" as expected type '([^']*)'", m =>
            m.Groups[1].Value switch
            {
                var t when t.Contains("Int32") || t.Contains("Int64") => ": expected a whole number",
                var t when t.Contains("Double") || t.Contains("Single") => ": expected a number such as 0.001 or 1e-3",
                _ => ": not a valid value",
            });
    }

    /// <summary>The command tree, with actions writing to the context's writers.</summary>
    internal static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand(
            "seagull: neural networks for functions with exchange symmetry f(u,v,w) = f(v,u,w).\n" +
            "Even activations such as Seagull log(1+z²) (Gao & Zhang, arXiv 2011.11713) and exactly swap-invariant\n" +
            "architectures (split, pooled, symmetrized). Inputs are columns [u | v | w]; u and v have equal widths.\n" +
            "Images (--images) are classified with their mirror as the swap: see docs/images.md.\n" +
            "Exit codes: 0 success, 1 user error (one line 'error: …' on stderr), 2 usage error, 130 cancelled.");
        root.Subcommands.Add(ActivationsCommand.Create(context));
        root.Subcommands.Add(TargetsCommand.Create(context));
        root.Subcommands.Add(GenerateCommand.Create(context));
        root.Subcommands.Add(TrainCommand.Create(context));
        root.Subcommands.Add(PredictCommand.Create(context));
        root.Subcommands.Add(EvaluateCommand.Create(context));
        root.Subcommands.Add(CheckCommand.Create(context));
        root.Subcommands.Add(SymmetrizeCommand.Create(context));
        root.Subcommands.Add(ExportCommand.Create(context));
        root.Subcommands.Add(CompareCommand.Create(context));
        root.Subcommands.Add(MergeCommand.Create(context));
        return root;
    }
}
