using System.CommandLine;
using Seagull.Api;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull predict</c>: predictions of a saved model for the rows of a CSV file.</summary>
internal static class PredictCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = Options.Model();
        var data = new Option<string?>("--data", "-d") { Description = "CSV file with the model's input columns (found by the names stored in the model; an image classifier: pixel columns).", HelpName = "FILE.csv" };
        var images = new Option<string?>("--images") { Description = "A classifier's images: a folder (every image under it), an IDX image file, or 'fashion-mnist' (its test part).", HelpName = "PATH" };
        var output = new Option<string?>("--out", "-o") { Description = "Write the predictions here (atomically) instead of stdout.", HelpName = "FILE.csv" };
        var command = new Command("predict",
            "Predict with a saved model. The output CSV holds every column of the input file as written (ids included)\n" +
            "and a 'prediction' column last, in round-trip form (a model with several outputs: one 'prediction_NAME' column per target).");
        command.Options.Add(model);
        command.Options.Add(data);
        command.Options.Add(output);
        command.Options.Add(images);
        command.Validators.Add(result =>
        {
            var hasData = result.GetResult(data) is { Implicit: false };
            var hasImages = result.GetResult(images) is { Implicit: false };
            if (hasData == hasImages) result.AddError("give either --data FILE.csv or --images PATH (a classifier's images), not both or neither");
        });
        command.SetAction((parse, cancel) => ctx.Guarded(() =>
        {
            Options.RequireNotAnInput(parse.GetValue(output), ("--model", parse.GetValue(model)), ("--data", parse.GetValue(data)), ("--images", parse.GetValue(images)));
            Options.RequireOutputFolder(parse.GetValue(output));
            var loaded = SwapInvariantRegressor.LoadAny(parse.GetValue(model)!);
            if (loaded is SwapInvariantClassifier classifier)
            {
                // A classifier's predictions go to a file written atomically; without --out, to stdout through a temporary file.
                var target = parse.GetValue(output);
                var temporary = target is null ? Path.Combine(Path.GetTempPath(), $"seagull-predict-{Environment.ProcessId}-{Guid.NewGuid():N}.csv") : null;
                try
                {
                    long rows;
                    if (parse.GetValue(images) is { } imagePath)
                    {
                        var set = ImageOptions.ReadPath(imagePath, null, labelled: false, testPart: true, "--images", "--labels");
                        classifier.PredictToCsv(set, target ?? temporary!);
                        rows = set.Count;
                    }
                    else rows = classifier.PredictCsv(parse.GetValue(data)!, target ?? temporary!, cancel);
                    if (target is null) ctx.Out.Write(File.ReadAllText(temporary!));
                    else ctx.Err.WriteLine($"wrote {rows} predictions to {target}");
                }
                finally
                {
                    if (temporary is not null && File.Exists(temporary)) File.Delete(temporary);
                }
                return Cli.Success;
            }
            if (parse.GetValue(images) is not null)
                throw new ArgumentException($"'{parse.GetValue(model)}' is a regression model; --images needs a classifier (trained with --images or --classify)");
            var regressor = (SwapInvariantRegressor)loaded;
            // Streamed: read, predicted and written 4096 rows at a time, so memory does not grow with the file.
            if (parse.GetValue(output) is { } path)
            {
                var rows = regressor.PredictCsv(parse.GetValue(data)!, path, cancel);
                ctx.Err.WriteLine($"wrote {rows} predictions to {path}");   // a note, not the result: stdout may be the file itself
            }
            else
            {
                regressor.PredictCsv(parse.GetValue(data)!, ctx.Out, cancel);
            }
            return Cli.Success;
        }));
        return command;
    }
}
