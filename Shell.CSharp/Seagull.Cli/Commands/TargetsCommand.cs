using System.CommandLine;
using Seagull.Api;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull targets [--json]</c>: the built-in target suite.</summary>
internal static class TargetsCommand
{
    public static Command Create(CliContext ctx)
    {
        var json = Options.Json("the targets (an array of objects with name, d, k, exchangeable, formula, description)");
        var command = new Command("targets",
            "List the built-in target functions f(u, v, w), one per line: name, block widths (u, v ∈ R^d, w ∈ R^k),\n" +
            "whether f(u,v,w) = f(v,u,w), and the formula. Inputs are drawn uniform on [−1, 1].");
        command.Options.Add(json);
        command.SetAction((parse, _) => ctx.Guarded(() =>
        {
            var all = Targets.All;
            if (parse.GetValue(json))
            {
                ctx.Out.WriteLine(Text.JsonObjects(all, (w, t) =>
                {
                    w.WriteString("name", t.Name);
                    w.WriteNumber("d", t.UWidth);
                    w.WriteNumber("k", t.WWidth);
                    w.WriteBoolean("exchangeable", t.Exchangeable);
                    w.WriteString("formula", t.Formula);
                    w.WriteString("description", t.Description);
                }));
                return Cli.Success;
            }
            var nameWidth = all.Max(t => t.Name.Length);
            foreach (var t in all)
            {
                var kind = t.Exchangeable ? "exchangeable" : "not exchangeable (control)";
                ctx.Out.WriteLine($"{t.Name.PadRight(nameWidth)}  d={t.UWidth} k={t.WWidth}  {kind,-26}  {t.Formula}");
            }
            return Cli.Success;
        }));
        return command;
    }
}
