using System.CommandLine;
using Seagull.Api;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull evaluate</c>: a saved model's error on a CSV file with targets.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = Options.Model();
        var data = new Option<string?>("--data", "-d") { Description = "CSV file with the model's input columns and the target column (a classifier: its label column; an image classifier: pixel columns).", HelpName = "FILE.csv" };
        var y = new Option<string?>("--y") { Description = "The target column: its header name or 0-based position (default: the target names stored in the model; a classifier: the column named label); one per output, comma-separated.", HelpName = "COLS" };
        var json = Options.Json("mse, rmse, r2, invariance_error and n (a classifier: accuracy, cross_entropy, disagreement, invariance_error, rows, per_class, confusion)");
        var images = new ImageOptions();
        var command = new Command("evaluate",
            "Evaluate a saved model on a CSV file: MSE, RMSE and R² in the target's own units, and the invariance error\n" +
            "max |f(u,v,w) − f(v,u,w)| over the rows.");
        command.Options.Add(model);
        command.Options.Add(data);
        command.Options.Add(y);
        command.Options.Add(json);
        command.Options.Add(images.Images);
        command.Options.Add(images.Labels);
        command.Validators.Add(result =>
        {
            var hasData = result.GetResult(data) is { Implicit: false };
            var hasImages = result.GetResult(images.Images) is { Implicit: false };
            if (hasData == hasImages) result.AddError("give either --data FILE.csv or --images PATH (a classifier's images), not both or neither");
            if (!hasImages && result.GetResult(images.Labels) is { Implicit: false }) result.AddError("--labels goes with --images PATH");
        });
        command.SetAction((parse, cancel) => ctx.Guarded(() =>
        {
            var loaded = SwapInvariantRegressor.LoadAny(parse.GetValue(model)!);
            if (loaded is SwapInvariantClassifier classifier)
            {
                var report = images.Given(parse)
                    ? classifier.Evaluate(images.Read(parse, labelled: true, testPart: true))
                    : classifier.Evaluate(parse.GetValue(data)!, parse.GetValue(y) ?? "label");
                if (parse.GetValue(json))
                    ctx.Out.WriteLine(Text.Json(w => { w.WriteStartObject(); ClassificationText.Metrics(w, report); w.WriteEndObject(); }));
                else
                    ClassificationText.Lines(ctx.Out, report, classifier.IsImageModel ? "mirror images" : "swapped rows");
                return Cli.Success;
            }
            if (images.Given(parse))
                throw new ArgumentException($"'{parse.GetValue(model)}' is a regression model; --images needs a classifier (trained with --images or --classify)");
            var regressor = (SwapInvariantRegressor)loaded;
            var e = regressor.Evaluate(parse.GetValue(data)!, parse.GetValue(y), cancel);
            if (parse.GetValue(json))
            {
                ctx.Out.WriteLine(Text.Json(w =>
                {
                    w.WriteStartObject();
                    Text.Number(w, "mse", e.Mse);
                    Text.Number(w, "rmse", e.Rmse);
                    Text.Number(w, "r2", e.R2);
                    Text.Number(w, "invariance_error", e.InvarianceError);
                    w.WriteNumber("n", e.N);
                    Text.Number(w, "mse_standardized", e.MseStandardized);
                    Text.Objects(w, "targets", e.Targets, (w, t) =>
                    {
                        w.WriteString("name", t.Name);
                        Text.Number(w, "mse", t.Mse);
                        Text.Number(w, "mse_standardized", t.MseStandardized);
                        Text.Number(w, "rmse", t.Rmse);
                        Text.Number(w, "r2", t.R2);
                        Text.Number(w, "invariance_error", t.InvarianceError);
                    });
                    w.WriteEndObject();
                }));
            }
            else if (e.Targets.Count == 1)
            {
                ctx.Out.WriteLine($"n                {e.N}");
                ctx.Out.WriteLine($"mse              {Text.Number(e.Mse)}");
                ctx.Out.WriteLine($"rmse             {Text.Number(e.Rmse)}");
                ctx.Out.WriteLine($"r2               {Text.Number(e.R2)}");
                ctx.Out.WriteLine($"invariance_error {Text.Number(e.InvarianceError)}");
            }
            else
            {
                ctx.Out.WriteLine($"n                {e.N}");
                ctx.Out.WriteLine($"mse_standardized {Text.Number(e.MseStandardized)} (mean over the targets)");
                foreach (var t in e.Targets)
                    ctx.Out.WriteLine($"{t.Name}: mse {Text.Number(t.Mse)}, rmse {Text.Number(t.Rmse)}, r2 {Text.Number(t.R2)}, invariance_error {Text.Number(t.InvarianceError)}");
            }
            return Cli.Success;
        }));
        return command;
    }
}
