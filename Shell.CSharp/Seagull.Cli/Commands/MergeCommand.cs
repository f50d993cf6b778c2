using System.CommandLine;
using Seagull.Api;
using Seagull.Reports;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull merge</c>: the shards of a sweep (<c>compare --shard I/N</c>) put back together into one report.</summary>
internal static class MergeCommand
{
    public static Command Create(CliContext ctx)
    {
        var folders = new Argument<string[]>("DIR") { Description = "The shards' --out folders, in any order (a shell glob such as sweep/shard-* will do).", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Folder for the report: results.csv, summary.md, summary.json and plots, as an unsharded compare writes them.", HelpName = "DIR", Required = true };
        var json = Options.Json("summary.json (the file's content, not the summary.md table)");
        var command = new Command("merge",
            "Put the shards of a comparison (compare --shard I/N) back together: checks that they hold one configuration, run\n" +
            "by one build of Seagull, and together every cell exactly once; then writes the report of the whole grid, every\n" +
            "number bit for bit that of an unsharded run. A missing, duplicated, unfinished or foreign shard is refused and\n" +
            "nothing is written.");
        command.Arguments.Add(folders);
        command.Options.Add(output);
        command.Options.Add(json);
        // No folder at all: a usage error in our words, not the parser's.
        command.Validators.Add(r =>
        {
            if ((r.GetValue(folders) ?? []).Length == 0) r.AddError("merge needs the shards' folders: seagull merge DIR… --out DIR (such as sweep/shard-*)");
        });
        command.SetAction((parse, _) => ctx.Guarded(() =>
        {
            var dirs = parse.GetValue(folders)!;
            var outDir = parse.GetValue(output)!;
            // Every check first: a refused merge writes nothing.
            var result = Experiment.Merge(dirs);
            Experiment.CheckMergeOutput(outDir, dirs, result);
            Experiment.PrepareOutput(outDir);
            var files = CompareReports.Write(outDir, result);
            ctx.Out.Write(parse.GetValue(json) ? result.ToJson() : result.ToMarkdown());
            ctx.Err.WriteLine($"merge: {dirs.Length} {(dirs.Length == 1 ? "shard" : "shards")}, {result.Cells.Count} models; wrote {files.Count} files to {outDir}");
            return Cli.Success;
        }));
        return command;
    }
}
