// The seagull tool's entry point: everything else lives in Cli and the command files.
return Seagull.Cli.Cli.Run(args, Console.Out, Console.Error, stderrIsTerminal: !Console.IsErrorRedirected);
