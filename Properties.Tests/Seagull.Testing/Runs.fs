namespace Seagull.Testing

open System
open FsCheck

/// How many cases a check runs, from which seed, and whether a pass prints a line. `Replay` is FsCheck's seed text,
/// "(seed,gamma)" for a whole run or "(seed,gamma,size)" for one failing case, exactly as a failure message prints
/// it; `None` draws a fresh seed each run (the message then says which).
///
/// Example: `{ RunConfig.Default with MaxTest = 500; Replay = Some "(20240611,314159)" }`; from C#,
/// `RunConfig.Default.WithMaxTest(500).WithReplay("(20240611,314159)")`.
type RunConfig =
    { MaxTest: int
      Replay: string option
      /// No "Ok, passed" line when the property holds.
      Quiet: bool }
    /// 100 cases, a fresh seed each run, quiet on success.
    static member Default = { MaxTest = 100; Replay = None; Quiet = true }
    /// The same with `maxTest` cases.
    member this.WithMaxTest(maxTest: int) = { this with MaxTest = maxTest }
    /// The same from a seed ("(seed,gamma)"; null for a fresh seed each run).
    member this.WithReplay(replay: string) = { this with Replay = Option.ofObj replay }
    /// The same, printing a line on success when `quiet` is false.
    member this.WithQuiet(quiet: bool) = { this with Quiet = quiet }

/// What a run found: whether the property held, how many cases and shrinks it took, the first failing arguments and
/// the shrunk ones (the smallest counterexample found), the labels of the failing property, the seed that repeats the
/// run, and the message a failure throws with.
type RunResult =
    { Passed: bool
      Tests: int
      Shrinks: int
      /// The arguments of the first failing case (empty when the property held).
      Original: obj[]
      /// The shrunk arguments: the smallest counterexample found (the original ones when nothing shrank).
      Counterexample: obj[]
      /// The labels of the failing property (`Prop.label`): what the checks say went wrong.
      Labels: string list
      /// The seed text that repeats the whole run: `Replay = "(seed,gamma)"` in a `[<Property>]`, or `RunConfig.Replay`.
      Replay: string
      /// The seed text of the failing case alone, "(seed,gamma,size)" ("" when the property held).
      ReplayFailingCase: string
      /// One paragraph: the counterexample, the labels, the exception if one was thrown, and the seed.
      Message: string }

/// The exception a failed check throws: its message is `RunResult.Message`, and the result is attached. (Not
/// FsCheck.Xunit's `PropertyFailedException`, which a `[<Property>]` throws with FsCheck's own message.)
type CounterexampleException(result: RunResult) =
    inherit Exception(result.Message)
    /// What the run found.
    member _.Result = result

/// Running FsCheck properties with a `RunConfig`: quietly, with the counterexample printed in round-trip form and the
/// seed to replay it in the failure message.
///
/// Example: `Runs.check { RunConfig.Default with MaxTest = 200 } (Prop.forAll (SeagullArb.finite Float64) (fun x -> x * 0.0 = 0.0))`.
module Runs =
    let private seedText (rnd: Rnd) = $"({rnd.Seed},{rnd.Gamma})"

    /// The FsCheck `Replay` of a seed text "(seed,gamma)" or "(seed,gamma,size)"; an argument error otherwise.
    let parseReplay (text: string) : Replay =
        let parts = text.Trim().TrimStart('(').TrimEnd(')').Split(',') |> Array.map (fun p -> p.Trim())
        let number (s: string) =
            match UInt64.TryParse s with
            | true, n -> n
            | _ -> invalidArg "replay" $"replay: '{text}' is not \"(seed,gamma)\" or \"(seed,gamma,size)\""
        match parts with
        | [| seed; gamma |] -> { Rnd = Rnd(number seed, number gamma); Size = None }
        | [| seed; gamma; size |] -> { Rnd = Rnd(number seed, number gamma); Size = Some (int (number size)) }
        | _ -> invalidArg "replay" $"replay: '{text}' is not \"(seed,gamma)\" or \"(seed,gamma,size)\""

    /// A fixed seed for `count` cases, quiet: every run draws the same cases.
    let replaying (replay: string) (count: int) : RunConfig = { MaxTest = count; Replay = Some replay; Quiet = true }

    let private message (name: string) (result: TestResult) =
        let args (xs: obj list) = xs |> List.map Show.value |> String.concat ", "
        match result with
        | TestResult.Passed _ -> ""
        | TestResult.Exhausted data ->
            $"{name}gave up after {data.NumberOfTests} tests: too many cases were discarded (Prop.filter, ==>)"
        | TestResult.Failed (data, original, shrunk, outcome, seed, last, size) ->
            let shrinks = if data.NumberOfShrinks = 1 then "1 shrink" else $"{data.NumberOfShrinks} shrinks"
            let tests = if data.NumberOfTests = 1 then "1 test" else $"{data.NumberOfTests} tests"
            let labels = data.Labels |> Set.toList |> List.map (fun l -> Environment.NewLine + "  " + l) |> String.concat ""
            let thrown =
                match outcome with
                // A property that returned false fails with FsCheck's own "Expected true, got false." exception: not news.
                | Outcome.Failed e when not (isNull e) && e.Message <> "Expected true, got false." ->
                    $"{Environment.NewLine}  threw {e.GetType().Name}: {e.Message}"
                | _ -> ""
            let original' = if data.NumberOfShrinks > 0 then $"{Environment.NewLine}  first failing case: {args original}" else ""
            $"{name}falsified after {tests} ({shrinks}): {args shrunk}{labels}{thrown}{original'}{Environment.NewLine}"
            + $"  Replay = \"{seedText seed}\" repeats the run; \"({last.Seed},{last.Gamma},{size})\" the failing case alone"

    /// Runs the property and returns what it found; never throws for a failure (an invalid `Replay` text raises).
    let run (config: RunConfig) (property: Property) : RunResult =
        let finished = ref None
        let runner =
            { new IRunner with
                member _.OnStartFixture _ = ()
                member _.OnArguments(_, _, _) = ()
                member _.OnShrink(_, _) = ()
                member _.OnFinished(name, result) = finished.Value <- Some (name, result) }
        let replay = config.Replay |> Option.map parseReplay
        let fsConfig = Config.Quick.WithMaxTest(config.MaxTest).WithReplay(replay).WithRunner(runner).WithQuietOnSuccess(true)
        Check.One(fsConfig, property)
        match finished.Value with
        | None -> failwith "FsCheck finished without a result"
        | Some (name, result) ->
            let name = if String.IsNullOrEmpty name then "" else name + ": "
            let replayText = match config.Replay with Some r -> r | None -> ""
            match result with
            | TestResult.Passed (data, _) ->
                { Passed = true; Tests = data.NumberOfTests; Shrinks = 0; Original = [||]; Counterexample = [||]; Labels = []
                  Replay = replayText; ReplayFailingCase = ""; Message = $"{name}Ok, passed {data.NumberOfTests} tests" }
            | TestResult.Exhausted data ->
                { Passed = false; Tests = data.NumberOfTests; Shrinks = 0; Original = [||]; Counterexample = [||]; Labels = []
                  Replay = replayText; ReplayFailingCase = ""; Message = message name result }
            | TestResult.Failed (data, original, shrunk, _, seed, last, size) ->
                { Passed = false; Tests = data.NumberOfTests; Shrinks = data.NumberOfShrinks
                  Original = Array.ofList original; Counterexample = Array.ofList shrunk; Labels = Set.toList data.Labels
                  Replay = seedText seed; ReplayFailingCase = $"({last.Seed},{last.Gamma},{size})"; Message = message name result }

    /// Runs the property; throws `CounterexampleException` (with the counterexample and the seed) when it fails,
    /// and prints "Ok, passed N tests" on success unless the config is quiet.
    let check (config: RunConfig) (property: Property) : unit =
        let result = run config property
        if not result.Passed then raise (CounterexampleException result)
        if not config.Quiet then printfn "%s" result.Message

type RunConfig with
    /// Runs the property with this config; throws `CounterexampleException` when it fails (see `Runs.check`).
    member this.Check(property: Property) = Runs.check this property
    /// Runs the property with this config and returns what it found (see `Runs.run`).
    member this.Run(property: Property) = Runs.run this property
