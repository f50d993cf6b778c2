namespace Seagull.Core

open System
open System.Collections.Generic
open System.Diagnostics
open System.Threading

/// How many threads one model's matrix products may use: an ambient setting of the calling code (it flows into
/// tasks started inside `Threads.run`), 1 unless set. Large products split the rows of their result across that
/// many threads; every element is still one sum in the same order, so results have the same bits for any count.
/// Example: `Threads.run 2 (fun () -> Train.fit (Network.apply spec) Loss.mse p x y Train.defaults)`.
[<RequireQualifiedAccess>]
module Threads =
    let private setting = AsyncLocal<int>()

    /// The number of threads the calling code's matrix products may use (1 unless inside `Threads.run`).
    let current () : int = let n = setting.Value in if n < 1 then 1 else n

    /// Runs `f` with its matrix products allowed `threads` threads (≥ 1), then restores the previous count.
    /// Example: `Threads.run 1 (fun () -> Threads.current ()) = 1`.
    let run (threads: int) (f: unit -> 'a) : 'a =
        if threads < 1 then Fail.with' $"threads must be ≥ 1, got {threads}"
        let saved = setting.Value
        setting.Value <- threads
        try f ()
        finally setting.Value <- saved

/// Work cut into numbered chunks that may run on any thread in any order (each chunk writes its own part of
/// the result). One object per parallel call: a helper that comes late finds every chunk taken.
[<AbstractClass; AllowNullLiteral>]
type internal ChunkedWork(chunks: int) =
    [<DefaultValue>] val mutable Next: int
    [<DefaultValue>] val mutable Finished: int
    [<DefaultValue>] val mutable Failure: exn
    member _.Chunks = chunks
    abstract Run: chunk: int -> unit

    /// Takes and runs chunks until none is left.
    member this.Drain() =
        let mutable more = true
        while more do
            let c = Interlocked.Increment(&this.Next) - 1
            if c >= chunks then more <- false
            else
                try this.Run c
                with e -> Interlocked.CompareExchange(&this.Failure, e, null) |> ignore
                Interlocked.Increment(&this.Finished) |> ignore

/// Helper threads for `ChunkedWork`, started when first needed and kept (background threads). The calling
/// thread works on its own chunks too and waits for the rest; a helper spins for a short while after a job (the
/// next product of a training step comes within microseconds), then sleeps. One job at a time: a caller that
/// finds the helpers busy runs its chunks alone (the same results, since chunks are independent).
[<Sealed>]
type internal Helpers private () =
    [<DefaultValue>] val mutable Current: ChunkedWork
    [<DefaultValue>] val mutable Sleeping: int
    [<DefaultValue>] val mutable Busy: int
    let gate = obj ()
    let threads = List<Thread>()
    /// How long a helper spins for the next job before it sleeps.
    static let spinTicks = Stopwatch.Frequency / 5000L // 200 µs
    static let yieldTicks = Stopwatch.Frequency / 50000L // 20 µs
    static let instance = Helpers()

    member private this.Loop() =
        let mutable last: ChunkedWork = null
        while true do
            let mutable w = Volatile.Read(&this.Current)
            if Object.ReferenceEquals(w, last) then
                let t0 = Stopwatch.GetTimestamp()
                let mutable waited = 0L
                while Object.ReferenceEquals(w, last) && waited < spinTicks do
                    // after the first 20 µs, give the core away between looks: a helper the scheduler put on its
                    // caller's core must not keep the caller from running
                    if waited < yieldTicks then Thread.SpinWait 20 else Thread.Yield() |> ignore
                    w <- Volatile.Read(&this.Current)
                    waited <- Stopwatch.GetTimestamp() - t0
                if Object.ReferenceEquals(w, last) then
                    lock gate (fun () ->
                        Interlocked.Increment(&this.Sleeping) |> ignore
                        w <- Volatile.Read(&this.Current)
                        while Object.ReferenceEquals(w, last) do
                            Monitor.Wait gate |> ignore
                            w <- Volatile.Read(&this.Current)
                        Interlocked.Decrement(&this.Sleeping) |> ignore)
            last <- w
            w.Drain()

    member private this.Ensure(count: int) =
        if threads.Count < count then
            lock threads (fun () ->
                while threads.Count < count do
                    let t = Thread((fun () -> this.Loop()), IsBackground = true, Name = $"Seagull matmul helper {threads.Count + 1}")
                    t.Start()
                    threads.Add t)

    member private this.RunOn(work: ChunkedWork, threads: int) =
        if work.Chunks <= 1 || threads <= 1 || Interlocked.CompareExchange(&this.Busy, 1, 0) <> 0 then work.Drain()
        else
            try
                this.Ensure(min (threads - 1) (work.Chunks - 1))
                Interlocked.Exchange(&this.Current, work) |> ignore
                if Volatile.Read(&this.Sleeping) > 0 then lock gate (fun () -> Monitor.PulseAll gate)
                work.Drain()
                let mutable spin = SpinWait()
                while Volatile.Read(&work.Finished) < work.Chunks do
                    spin.SpinOnce(-1)
            finally
                Volatile.Write(&this.Busy, 0)
        if not (isNull work.Failure) then raise (AggregateException(work.Failure))

    /// Runs every chunk of `work` on the calling thread and up to `threads − 1` helpers; returns when all are done.
    static member Run(work: ChunkedWork, threads: int) = instance.RunOn(work, threads)
