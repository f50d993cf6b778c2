using System.CommandLine;
using Seagull.Api;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull symmetrize</c>: a saved model turned into (g(x) + g(x̃)) / 2, exactly invariant, without retraining.</summary>
internal static class SymmetrizeCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = Options.Model();
        var output = new Option<string>("--out", "-o") { Description = "Where to write the symmetrized model (JSON, written atomically).", HelpName = "MODEL.json", Required = true };
        var json = Options.Json("the network, its parameter count and exactly_invariant");
        var command = new Command("symmetrize",
            "Turn a saved model g into (g(x) + g(x̃)) / 2 — for a classifier, the mean of the logits of x and x̃ — with the\n" +
            "same parameters and standardisation: exactly invariant, with no retraining.");
        command.Options.Add(model);
        command.Options.Add(output);
        command.Options.Add(json);
        command.SetAction((parse, _) => ctx.Guarded(() =>
        {
            var outPath = parse.GetValue(output)!;
            Options.RequireNotAnInput(outPath, ("--model", parse.GetValue(model)));
            Options.RequireOutputFolder(outPath);
            SwapInvariantRegressor.CheckSavePath(outPath);
            var loaded = SwapInvariantRegressor.LoadAny(parse.GetValue(model)!);
            NetworkDefinition before, after;
            switch (loaded)
            {
                case SwapInvariantClassifier c:
                    var sc = c.Symmetrized();
                    (before, after) = (c.Definition, sc.Definition);
                    sc.Save(outPath);
                    break;
                default:
                    var r = (SwapInvariantRegressor)loaded;
                    var sr = r.Symmetrized();
                    (before, after) = (r.Definition, sr.Definition);
                    sr.Save(outPath);
                    break;
            }
            var o = Options.IsStandardOutput(outPath) ? ctx.Err : ctx.Out;
            if (parse.GetValue(json))
            {
                o.WriteLine(Text.Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("network", after.Description);
                    w.WriteString("from", before.Description);
                    w.WriteBoolean("exactly_invariant", after.IsExactlyInvariant);
                    w.WriteBoolean("was_exactly_invariant", before.IsExactlyInvariant);
                    w.WriteString("model", outPath);
                    w.WriteEndObject();
                }));
            }
            else
            {
                o.WriteLine($"network: {after.Description} (exactly invariant: yes)");
                o.WriteLine($"from: {before.Description}" + (before.IsExactlyInvariant ? " — already exactly invariant: the result predicts the same, at twice the cost" : ""));
                o.WriteLine($"model written to {outPath}");
            }
            return Cli.Success;
        }));
        return command;
    }
}
