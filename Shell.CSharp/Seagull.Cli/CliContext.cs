using System.Text.Json;
using Seagull.Api;

namespace Seagull.Cli;

/// <summary>Where a command writes, whether stderr is a terminal, and how user errors become exit codes.</summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, bool stderrIsTerminal)
{
    /// <summary>Results: tables, JSON, CSV.</summary>
    public TextWriter Out { get; } = stdout;

    /// <summary>Errors, notes and progress.</summary>
    public TextWriter Err { get; } = stderr;

    /// <summary>True when progress bars may be drawn on stderr.</summary>
    public bool Interactive { get; } = stderrIsTerminal;

    private int cancelReported;
    private readonly List<Action> onAbandon = [];

    /// <summary>
    /// Registers cleanup for when Ctrl+C's grace period ends while the command is still inside one long,
    /// uninterruptible piece of work (reading a big file): the process then exits without the command's own
    /// <c>catch</c> or <c>finally</c> running.
    /// </summary>
    public void WhenAbandoned(Action cleanup)
    {
        lock (onAbandon) onAbandon.Add(cleanup);
    }

    /// <summary>Runs the cleanups registered with <see cref="WhenAbandoned"/> (each once, errors ignored).</summary>
    public void Abandon()
    {
        Action[] all;
        lock (onAbandon) { all = [.. onAbandon]; onAbandon.Clear(); }
        foreach (var cleanup in all)
        {
            try { cleanup(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Writes "error: cancelled" once: from the command when it stops at a cancellation point, or from the
    /// command line when Ctrl+C's grace period ends first (a long step, a big file) and the process must exit.
    /// </summary>
    public void ReportCancelled()
    {
        if (Interlocked.Exchange(ref cancelReported, 1) == 0) Err.WriteLine("error: cancelled");
    }

    /// <summary>
    /// Runs a command body on a worker thread (so Ctrl+C can cancel it): user errors become one line <c>error: …</c> on stderr and exit code 1,
    /// cancellation exit code 130. No stack trace reaches the user.
    /// </summary>
    public Task<int> Guarded(Func<int> body) => Task.Run(() => Run(body));

    /// <summary>
    /// A command's CSV result: written atomically to <paramref name="path"/> (then one line on stderr saying so), or,
    /// without a path, the text itself on stdout. Nothing is written once <paramref name="cancel"/> is set.
    /// </summary>
    public void WriteCsv(string? path, Action<string> writeFile, Func<string> text, string written, CancellationToken cancel)
    {
        // Ctrl+C during the work before it: nothing is written (the old file stays as it was).
        cancel.ThrowIfCancellationRequested();
        if (path is not null)
        {
            writeFile(path);
            Err.WriteLine($"{written} to {path}");   // a note, not the result: stdout may be the file itself
        }
        else
        {
            Out.Write(text());
        }
    }

    private int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (OperationCanceledException)
        {
            ReportCancelled();
            return Cli.Cancelled;
        }
        catch (Exception) when (Volatile.Read(ref cancelReported) == 1)
        {
            // Already cancelled and said so: an error of the work torn down on the way out is not news.
            return Cli.Cancelled;
        }
        catch (Exception e) when (IsUserError(e))
        {
            Err.WriteLine($"error: {Text.Message(e)}");
            return Cli.UserError;
        }
        catch (OutOfMemoryException)
        {
            Err.WriteLine("error: not enough memory for this run; use less data, narrower hidden layers or fewer jobs at once");
            return Cli.UserError;
        }
        catch (Exception e)
        {
            Err.WriteLine($"error: unexpected {e.GetType().Name}: {Text.Message(e)}");
            return Cli.UserError;
        }
    }

    private static bool IsUserError(Exception e) =>
        e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or JsonException
          or TrainingException or FormatException or NotSupportedException or InvalidOperationException;
}
