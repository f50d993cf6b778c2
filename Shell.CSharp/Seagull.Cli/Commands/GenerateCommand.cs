using System.CommandLine;
using Seagull.Api;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull generate</c>: rows of a built-in target written to a CSV file.</summary>
internal static class GenerateCommand
{
    public static Command Create(CliContext ctx)
    {
        var target = new Option<string>("--target", "-t") { Description = "The built-in target (see 'seagull targets').", HelpName = "NAME", Required = true };
        var rows = new Option<int>("--rows", "-n") { Description = "Number of rows (default 1000).", HelpName = "N", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the inputs (default 0); the same seed gives the same file.", HelpName = "N", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out", "-o") { Description = "Write the CSV here (atomically) instead of stdout.", HelpName = "FILE.csv" };
        var command = new Command("generate",
            "Draw rows of a built-in target and write them as CSV: columns u1…ud, v1…vd, w1…wk and y, numbers in\n" +
            "round-trip form. Train on it with --u u1,… --v v1,… --w w1,… (y is found by name).");
        foreach (var o in new Option[] { target, rows, seed, output }) command.Options.Add(o);
        command.SetAction((parse, cancel) => ctx.Guarded(() =>
        {
            Options.RequireOutputFolder(parse.GetValue(output));
            var t = Targets.Get(parse.GetValue(target)!);
            var n = parse.GetValue(rows);
            Options.Require(n >= 1, $"--rows must be ≥ 1, got {n}");
            var data = t.Generate(n, parse.GetValue(seed));
            ctx.WriteCsv(parse.GetValue(output), data.WriteCsv, data.ToCsv, $"wrote {n} rows of {t.Name}", cancel);
            return Cli.Success;
        }));
        return command;
    }
}
