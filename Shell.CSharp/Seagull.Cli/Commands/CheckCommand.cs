using System.CommandLine;
using Seagull.Api;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull check</c>: a saved model's swap invariance and its activations' parities.</summary>
internal static class CheckCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = Options.Model();
        var samples = new Option<int>("--samples", "-n") { Description = "Number of random inputs to test.", HelpName = "N", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random inputs.", HelpName = "N", DefaultValueFactory = _ => 0 };
        var json = Options.Json("invariance_error, exactly_invariant, architecture_guarantees and the activations with declared and measured parity");
        var command = new Command("check",
            "Check a saved model's symmetry on random inputs: the largest |f(u,v,w) − f(v,u,w)| (target units), whether\n" +
            "f(x) = f(x̃) bit for bit on every sample, what the architecture guarantees, and each activation's declared\n" +
            "and measured parity.");
        command.Options.Add(model);
        command.Options.Add(samples);
        command.Options.Add(seed);
        command.Options.Add(json);
        command.SetAction((parse, _) => ctx.Guarded(() =>
        {
            var n = parse.GetValue(samples);
            Options.Require(n >= 1, $"--samples must be ≥ 1, got {n}");
            var loaded = SwapInvariantRegressor.LoadAny(parse.GetValue(model)!);
            var (definition, r) = loaded is SwapInvariantClassifier classifier
                ? (classifier.Definition, classifier.CheckInvariance(n, parse.GetValue(seed)))
                : (((SwapInvariantRegressor)loaded).Definition, ((SwapInvariantRegressor)loaded).CheckInvariance(n, parse.GetValue(seed)));
            var note = Note(definition, r);
            if (parse.GetValue(json))
            {
                ctx.Out.WriteLine(Text.Json(w =>
                {
                    w.WriteStartObject();
                    Text.Number(w, "invariance_error", r.InvarianceError);
                    w.WriteBoolean("exactly_invariant", r.ExactlyInvariant);
                    w.WriteBoolean("architecture_guarantees", r.ArchitectureGuarantees);
                    w.WriteNumber("samples", r.Samples);
                    w.WriteString("architecture", r.Architecture.ToString().ToLowerInvariant());
                    w.WriteString("network", r.Description);
                    Text.Objects(w, "activations", r.Activations, (w, a) =>
                    {
                        w.WriteString("layer", a.Layer);
                        w.WriteString("name", a.Name);
                        w.WriteString("declared", Text.Name(a.Declared));
                        w.WriteString("measured", Text.Name(a.Measured));
                    });
                    if (note is null) w.WriteNull("note"); else w.WriteString("note", note);
                    w.WriteEndObject();
                }));
                return Cli.Success;
            }
            var o = ctx.Out;
            o.WriteLine($"network: {r.Description}");
            o.WriteLine($"invariance error: {Text.Number(r.InvarianceError)} (max |f(u,v,w) − f(v,u,w)| over {r.Samples} random input{(r.Samples == 1 ? "" : "s")}, target units)");
            o.WriteLine($"exactly invariant on these inputs: {(r.ExactlyInvariant ? "yes" : "no")}");
            o.WriteLine($"guaranteed by the architecture: {(r.ArchitectureGuarantees ? "yes" : "no")}");
            o.WriteLine("activations:");
            foreach (var a in r.Activations)
                o.WriteLine($"  {a.Layer}: {a.Name}, declared {Text.Name(a.Declared)}, measured {Text.Name(a.Measured)}");
            if (note is not null) o.WriteLine($"note: {note}");
            return Cli.Success;
        }));
        return command;
    }

    /// <summary>Why a model is not guaranteed invariant, in one sentence, or null.</summary>
    private static string? Note(NetworkDefinition d, InvarianceReport r)
    {
        if (r.ArchitectureGuarantees) return null;
        if (d.Architecture == Architecture.Split)
        {
            var parity = d.Even.MeasureParity();
            return $"this split model's u−v branch uses '{d.Even.Name}', which is {Text.Name(parity)}, not even: the model is not guaranteed invariant";
        }
        if (d.Architecture == Architecture.Custom)
            return "no layer of this tree makes it invariant at its input (a symmetrize or swap-pooling layer, or a split layer with an even difference branch)";
        return "the mlp architecture is not invariant by construction; augmentation or a penalty make it at best approximately invariant";
    }
}
