// The seagull tool's entry point: everything else lives in Cli and the command files.
// SIGINT is left as inherited, on purpose: a run started with it ignored (`seagull … &` in a script without job
// control) keeps ignoring Ctrl+C meant for the foreground, the POSIX convention, which .NET follows by installing
// no handler for an ignored signal. Such a run is stopped with `kill` (SIGTERM).
return Seagull.Cli.Cli.Run(args, Console.Out, Console.Error, stderrIsTerminal: !Console.IsErrorRedirected);
