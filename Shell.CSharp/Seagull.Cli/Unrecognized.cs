using System.CommandLine;
using System.CommandLine.Parsing;

namespace Seagull.Cli;

/// <summary>
/// Usage errors for words the parser did not recognise, each with the one option or command it most likely
/// meant: "unknown option '--epoch'; did you mean '--epochs'?", "unknown command 'trian'; did you mean 'train'?".
/// </summary>
internal static class Unrecognized
{
    /// <summary>
    /// One message per word the parser did not recognise, in order, or none. In a command, a word after an
    /// unknown option (<c>--epoch 10</c>) is taken as its value, not as another error: no command takes words of
    /// its own, so it cannot be anything else. At the top, a word is an unknown command, and the rest of the line
    /// was meant for it, so only the command is reported.
    /// </summary>
    public static List<string> Messages(ParseResult parse)
    {
        var messages = new List<string>();
        var command = parse.CommandResult;
        var atTop = command.Parent is null;
        var afterUnknownOption = false;
        foreach (var word in parse.UnmatchedTokens)
        {
            if (IsOptionLike(word))
            {
                var name = word.Split('=', ':')[0];   // --epoch=10 is the option --epoch
                messages.Add(WithSuggestion($"unknown option '{name}'", Closest(name, OptionNames(command))));
                afterUnknownOption = !atTop;
            }
            else if (afterUnknownOption)
            {
                afterUnknownOption = false;
            }
            else if (atTop)
            {
                var commands = command.Command.Subcommands.Select(c => c.Name).ToList();
                var suggestion = Closest(word, commands);
                messages.Add(suggestion is null
                    ? $"unknown command '{word}'; the commands are {string.Join(", ", commands)}"
                    : WithSuggestion($"unknown command '{word}'", suggestion));
                break;
            }
            else
            {
                messages.Add($"unexpected argument '{word}'; '{command.Command.Name}' takes options only");
            }
        }
        return messages;
    }

    // "-1" and "-0.5" are values (of an unknown option, say), not options.
    private static bool IsOptionLike(string arg) =>
        arg.StartsWith('-') && arg.Length > 1 && !double.TryParse(arg, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static string WithSuggestion(string message, string? suggestion) =>
        suggestion is null ? message : $"{message}; did you mean '{suggestion}'?";

    /// <summary>The names and aliases of the options <paramref name="command"/> accepts, inherited ones (--help) included.</summary>
    private static IEnumerable<string> OptionNames(CommandResult command)
    {
        var own = true;
        for (SymbolResult? r = command; r is not null; r = r.Parent)
        {
            if (r is not CommandResult c) continue;
            foreach (var option in c.Command.Options.Where(o => own || o.Recursive))
            {
                yield return option.Name;
                foreach (var alias in option.Aliases) yield return alias;
            }
            own = false;
        }
    }

    /// <summary>
    /// The one candidate closest to <paramref name="typed"/> (case ignored): the only one at the smallest edit
    /// distance within a length-dependent bound, or else the only one <paramref name="typed"/> begins; null when
    /// there is no single clear choice.
    /// </summary>
    private static string? Closest(string typed, IEnumerable<string> candidates)
    {
        var names = candidates.Distinct().ToList();
        var length = typed.TrimStart('-').Length;
        var bound = length <= 3 ? 1 : length <= 6 ? 2 : 3;
        var scored = names.Select(n => (Name: n, Distance: Distance(typed.ToLowerInvariant(), n.ToLowerInvariant())))
                          .Where(s => s.Distance <= bound).ToList();
        if (scored.Count > 0)
        {
            var best = scored.Min(s => s.Distance);
            var nearest = scored.Where(s => s.Distance == best).ToList();
            return nearest.Count == 1 ? nearest[0].Name : null;
        }
        // "--valid" for "--validation-fraction": too far to be a typo, but the start of exactly one name.
        var extended = length >= 2 ? names.Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).ToList() : [];
        return extended.Count == 1 ? extended[0] : null;
    }

    /// <summary>Edit distance with adjacent transpositions as one edit ("trian" is one edit from "train").</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
