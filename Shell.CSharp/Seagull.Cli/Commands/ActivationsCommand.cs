using System.CommandLine;
using Seagull.Api;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull activations [--json]</c>: the catalogue with declared and measured parity.</summary>
internal static class ActivationsCommand
{
    public static Command Create(CliContext ctx)
    {
        var json = Options.Json("the activations (an array of objects with name, declared, measured, learnable, formula)");
        var command = new Command("activations",
            "List the built-in activations, one per line, with the parity each declares and the parity measured numerically\n" +
            "(even: σ(−z) = σ(z); odd: σ(−z) = −σ(z); neither). Even activations make the split architecture exactly invariant.\n" +
            "The learnable ones (seagull-learned, gaussian-learned) carry one α per neuron, initialised at 1 and trained with the\n" +
            "weights; they are even for every α, and 'seagull train' reports where α ended.");
        command.Options.Add(json);
        command.SetAction((parse, _) => ctx.Guarded(() =>
        {
            var all = Activation.All;
            if (parse.GetValue(json))
            {
                ctx.Out.WriteLine(Text.JsonObjects(all, (w, a) =>
                {
                    w.WriteString("name", a.Name);
                    w.WriteString("declared", Text.Name(a.DeclaredParity));
                    w.WriteString("measured", Text.Name(a.MeasureParity()));
                    w.WriteBoolean("learnable", a.IsLearnable);
                    w.WriteString("formula", a.Formula);
                }));
                return Cli.Success;
            }
            var nameWidth = all.Max(a => a.Name.Length);
            foreach (var a in all)
                ctx.Out.WriteLine($"{a.Name.PadRight(nameWidth)}  declared {Text.Name(a.DeclaredParity),-7}  measured {Text.Name(a.MeasureParity()),-7}  {a.Formula}{(a.IsLearnable ? " [learnable]" : "")}");
            return Cli.Success;
        }));
        return command;
    }
}
