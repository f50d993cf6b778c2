using System.CommandLine;
using Seagull.Api;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull predict</c>: predictions of a saved model for the rows of a CSV file.</summary>
internal static class PredictCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = Options.Model();
        var data = new Option<string>("--data", "-d") { Description = "CSV file with the model's input columns (found by the names stored in the model).", HelpName = "FILE.csv", Required = true };
        var output = new Option<string?>("--out", "-o") { Description = "Write the predictions here (atomically) instead of stdout.", HelpName = "FILE.csv" };
        var command = new Command("predict",
            "Predict with a saved model. The output CSV holds every column of the input file as written (ids included)\n" +
            "and a 'prediction' column last, in round-trip form (a model with several outputs: one 'prediction_NAME' column per target).");
        command.Options.Add(model);
        command.Options.Add(data);
        command.Options.Add(output);
        command.SetAction((parse, cancel) => ctx.Guarded(() =>
        {
            Options.RequireNotAnInput(parse.GetValue(output), ("--model", parse.GetValue(model)), ("--data", parse.GetValue(data)));
            Options.RequireOutputFolder(parse.GetValue(output));
            var regressor = SwapInvariantRegressor.Load(parse.GetValue(model)!);
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
