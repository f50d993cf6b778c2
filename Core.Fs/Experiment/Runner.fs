namespace Seagull.Core

open System
open System.Diagnostics
open System.Threading
open System.Threading.Tasks

/// The experiment that reproduces the paper: targets × variants × seeds, run in parallel across
/// cores with each cell single-threaded and deterministic, so results never depend on `Jobs`.
[<RequireQualifiedAccess>]
module Experiment =
    /// The software version written into reports: the package version and, when built from a git
    /// checkout, the commit (for example "0.1.0+489dcb8…"), so a report names the code that made it.
    let version = Build.version

    /// The full default grid (the reference's protocol).
    let defaults = CompareVariants.defaults

    /// A small grid that runs in seconds (`CompareVariants.quick`).
    let quick = CompareVariants.quick

    /// The default variants, baseline first.
    let variants : VariantDefinition list = CompareVariants.all

    /// The baseline every variant is compared with.
    let baseline = CompareVariants.baseline

    let private activationOf = CompareVariants.activationOf

    /// The grid's hidden shapes and learning rates: the lists, or the single values when they are empty.
    let private shapesOf (s: CompareSettings) = if s.HiddenShapes.IsEmpty then [ s.Hidden ] else s.HiddenShapes
    let private ratesOf (s: CompareSettings) = if s.LearningRates.IsEmpty then [ s.LearningRate ] else s.LearningRates

    /// The settings of each point of the grid's hidden × learning-rate dimensions, in order (hidden-major): the
    /// settings one cell trains with.
    let private pointsOf (s: CompareSettings) =
        [ for hidden in shapesOf s do
              for rate in ratesOf s -> { s with Hidden = hidden; HiddenShapes = []; LearningRate = rate; LearningRates = [] } ]

    /// The smallest learning rate a comparison takes.
    [<Literal>]
    let minimumRate = 1e-12

    /// Validates everything that can be checked before training (names, counts, the CSV file).
    let private resolve (s: CompareSettings) =
        if s.Seeds < 1 then Fail.with' $"seeds must be ≥ 1, got {s.Seeds}"
        if s.Epochs < 1 then Fail.with' $"epochs must be ≥ 1, got {s.Epochs}"
        if s.TrainSamples < 2 then Fail.with' $"samples must be ≥ 2, got {s.TrainSamples}"
        if s.TestSamples < 1 then Fail.with' $"test samples must be ≥ 1, got {s.TestSamples}"
        if int64 s.TrainSamples + int64 s.TestSamples > int64 Int32.MaxValue then
            Fail.with' $"samples: {s.TrainSamples} train + {s.TestSamples} test rows are more than one data set can hold"
        if s.Jobs < 1 then Fail.with' $"jobs must be ≥ 1, got {s.Jobs}"
        // A grid is a list of cells held in memory: a million (eleven days at a second each) is plenty.
        if s.Seeds > 1_000_000 then Fail.with' $"seeds: {s.Seeds} is more than a grid can run (at most 1000000)"
        for hidden in shapesOf s do
            if hidden.IsEmpty then Fail.with' "hidden widths: give at least one (each ≥ 2)"
            if hidden |> List.exists (fun h -> h < 2) then Fail.with' "hidden widths must be ≥ 2"
        for rate in ratesOf s do
            if not (Double.IsFinite rate && rate > 0.0) then Fail.with' $"learning rate must be a positive number, got {Fail.number rate}"
            // A rate this small moves no weight of float32 or float64 in any number of epochs: a typo, not a setting.
            elif rate < minimumRate then Fail.with' $"learning rate {Reports.rateText rate} is below {Reports.rateText minimumRate}, too small to train anything"
        match shapesOf s |> List.countBy id |> List.tryFind (fun (_, n) -> n > 1) with
        | Some (hidden, _) -> Fail.with' $"hidden widths {Reports.hiddenText hidden} are listed twice"
        | None -> ()
        match ratesOf s |> List.countBy id |> List.tryFind (fun (_, n) -> n > 1) with
        | Some (rate, _) -> Fail.with' $"learning rate {Fail.number rate} is listed twice"
        | None -> ()
        if s.CustomActivations |> List.countBy (fun a -> a.Name.ToLowerInvariant()) |> List.exists (fun (_, n) -> n > 1) then
            Fail.with' "custom activations: two have the same name"
        match s.CustomActivations |> List.tryFind (fun a -> (Activation.tryFind a.Name).IsSome) with
        | Some a -> Fail.with' $"custom activations: '{a.Name}' is the name of a built-in activation; choose another"
        | None -> ()
        activationOf s |> ignore
        let targets =
            match s.Targets, (s.Data.IsSome || s.DataSet.IsSome) with
            | [], true -> []
            | [], false -> Targets.exchangeable
            | names, _ -> names |> List.map Targets.find
        let variantDefs =
            match s.Variants with
            | [] -> variants
            | names ->
                names |> List.map (fun n ->
                    match variants |> List.tryFind (fun v -> v.Name = n.Trim().ToLowerInvariant()) with
                    | Some v -> v
                    | None -> Fail.with' $"""unknown variant '{n}'; known: {variants |> List.map (fun v -> v.Name) |> String.concat ", "}""")
        // The names first: a big file is read only for a grid that can run.
        // Before any cell: a constant target would train every cell and rank the variants on noise.
        let varying (where: string) (ds: Dataset) =
            try Regressor.requireVaryingTarget ds
            with :? SeagullException as e -> Fail.with' $"{where}: {e.Message}"
        let mutable dropped = 0
        let csv =
            match s.Data, s.DataSet with
            | Some _, Some _ -> Fail.with' "give a CSV file or a data set in memory to compare on, not both"
            | Some d, None ->
                let loaded, sha = Csv.loadWithSha256 d.Read d.Path d.Roles
                let ds = loaded.Data
                dropped <- loaded.DroppedRows
                varying $"'{d.Path}'" ds
                // A pipe (`--data <(zcat f.csv.gz)` is /dev/fd/63) has no name of its own: call it "data".
                let stem = IO.Path.GetFileNameWithoutExtension d.Path
                let full = IO.Path.GetFullPath d.Path
                let piped = full.StartsWith "/dev/fd/" || full.StartsWith "/proc/self/fd/" || full = "/dev/stdin"
                Some (GridSource.Csv ((if piped then "data" else stem), ds, sha))
            | None, Some (name, ds) ->
                if String.IsNullOrWhiteSpace name then Fail.with' "the data set in memory needs a name (it names the target in the reports)"
                let ds = Dataset.create ds.Symmetry ds.InputNames ds.TargetNames ds.X ds.Y   // checked as a file's data would be
                varying $"data set '{name.Trim()}'" ds
                Some (GridSource.Csv (name.Trim(), ds, ""))
            | None, None -> None
        let sources = (targets |> List.map Builtin) @ Option.toList csv
        if sources.IsEmpty then Fail.with' "no targets to run"
        // A name twice would train its cells twice and then fail when the results are summarised.
        let once what (names: string list) =
            match names |> List.countBy id |> List.tryFind (fun (_, n) -> n > 1) with
            | Some (name, _) -> Fail.with' $"{what} '{name}' is listed twice"
            | None -> ()
        match csv with
        | Some (Csv (name, _, _)) ->
            match targets |> List.tryFind (fun t -> String.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)) with
            | Some builtin ->
                let what = if s.Data.IsSome then "data file" else "data set"
                Fail.with' $"the {what} '{name}' is named like the built-in target '{builtin.Name}' in the grid; rename the {what.Substring 5} or leave '{builtin.Name}' out of the targets"
            | None -> ()
        | _ -> ()
        let cells = int64 sources.Length * int64 variantDefs.Length * int64 s.Seeds * int64 (pointsOf s).Length
        if cells > 1_000_000L then Fail.with' $"the grid has {cells} cells; at most 1000000 (fewer seeds, targets or variants)"
        once "target" (sources |> List.map GridSource.name)
        once "variant" (variantDefs |> List.map (fun v -> v.Name))
        for v in variantDefs do
            match v.Kind with
            | Derived (from, _) when not (variantDefs |> List.exists (fun d -> d.Name = from)) ->
                Fail.with' $"the variant '{v.Name}' measures {from}'s trained models without training its own; add {from} to the variants"
            | _ -> ()
        // Sizes too: every network of the grid, and the generated data, must fit before the first cell runs
        // (for as many cells at once as will run).
        let running = min s.Jobs (max 1 Environment.ProcessorCount)
        for source in sources do
            match source with
            | Builtin t -> Targets.requireRows t (int64 s.TrainSamples + int64 s.TestSamples) running
            | Csv (name, ds, _) ->
                let trainRows, testRows = Dataset.splitSizes ds.Rows (GridSource.testFraction s)
                if trainRows < 2 then
                    Fail.with' $"the data file '{name}' has {ds.Rows} rows: {testRows} held out to test leaves {trainRows} to train on; at least 2 are needed"
            for v in variantDefs do
                for hidden in shapesOf s do
                    Network.requireMemory (v.Spec (GridSource.symmetry source) (GridSource.targets source) { s with Hidden = hidden }) running
        sources, variantDefs, dropped

    /// A variant's description for these settings: a variant documented as exactly invariant says it is
    /// not when the chosen activation breaks the guarantee (split with an activation that is not even).
    let private describeVariant (s: CompareSettings) (v: VariantDefinition) =
        let spec = v.Spec (Symmetry.blocks 1 0) 1 s
        if v.Description.Contains "exactly invariant" && not (Network.isExactlyInvariant spec) then
            v.Description.Replace("exactly invariant", $"NOT exactly invariant here: '{(activationOf s).Name}' is not even")
        else v.Description

    /// Whether two settings describe the same grid (which the reports name), whatever the number of jobs.
    let private sameGrid (a: CompareSettings) (b: CompareSettings) =
        a.Targets = b.Targets && a.Variants = b.Variants && a.Activation = b.Activation && shapesOf a = shapesOf b && ratesOf a = ratesOf b
        && a.Seeds = b.Seeds && a.Epochs = b.Epochs && a.TrainSamples = b.TrainSamples && a.TestSamples = b.TestSamples
        && a.BatchSize = b.BatchSize && a.Penalty = b.Penalty && a.Precision = b.Precision
        && a.Data.IsNone && b.Data.IsNone && a.DataSet.IsNone && b.DataSet.IsNone && a.CustomActivations.IsEmpty && b.CustomActivations.IsEmpty

    /// The grid in words, with its size: what the reports and plots say they show.
    let private gridOf (s: CompareSettings) (sources: GridSource list) (defs: VariantDefinition list) =
        let name = if sameGrid s quick then "the quick grid" elif sameGrid s defaults then "the full default grid" else "a custom grid"
        let plural n (what: string) = if n = 1 then $"1 {what}" else $"{n} {what}s"
        // The hidden and learning-rate dimensions are named only when they have several values (a grid of one keeps its words).
        let shapes, rates = (shapesOf s).Length, (ratesOf s).Length
        let dimensions = (if shapes > 1 then $" × {shapes} hidden shapes" else "") + (if rates > 1 then $" × {rates} learning rates" else "")
        $"""{name}, {plural sources.Length "target"} × {plural defs.Length "variant"} × {plural s.Seeds "seed"}{dimensions}, {plural s.Epochs "epoch"}"""

    /// The configuration echoed in summary.json.
    let private configOf (s: CompareSettings) (sources: GridSource list) (defs: VariantDefinition list) (dropped: int) : ExperimentConfig =
        let csvRows =
            sources |> List.collect (function
                | Csv (_, ds, sha) ->
                    let train, test = Dataset.splitSizes ds.Rows (GridSource.testFraction s)
                    // As a shell command line takes them: a name with a comma or a quote in list quotes, and an
                    // argument with spaces or shell characters in single quotes.
                    let shell (t: string) =
                        if t |> Seq.exists (fun c -> Char.IsWhiteSpace c || "'\"$`\\!*?;&|<>()[]{}#~".Contains c) then "'" + t.Replace("'", "'\\''") + "'" else t
                    // (a leading @ would make the command line read a response file)
                    let item (n: string) = if n.StartsWith "@" then Csv.quoted n else Csv.listItem n
                    let names (columns: int[]) = shell (String.Join(",", columns |> Array.map (fun j -> item ds.InputNames.[j])))
                    let symmetry = ds.Symmetry
                    // What a rerun needs besides the options: the columns in their roles and the file's bytes.
                    [ "data_rows", $"{ds.Rows} ({train} train / {test} test)"
                      let targets = shell (String.Join(",", ds.TargetNames |> Array.map Csv.listItem))
                      "data_columns", $"--u {names symmetry.UColumns} --v {names symmetry.VColumns}" + (if symmetry.WColumns.Length > 0 then $" --w {names symmetry.WColumns}" else "") + (if targets.StartsWith "@" then $" --y={targets}" else $" --y {targets}")
                      if sha <> "" then "data_sha256", sha
                      // A rerun reads the file as this one did: with --drop-missing, or the same rows are refused.
                      if s.Data |> Option.exists (fun d -> d.Read.DropMissing) then "data_drop_missing", $"{dropped} rows with missing values dropped (--drop-missing)" ]
                | Builtin _ -> [])
        { Targets = sources |> List.map GridSource.name
          Variants = defs |> List.map (fun v -> { Name = v.Name; Description = describeVariant s v })
          Baseline = baseline
          Activation = (activationOf s).Name
          HiddenWidths = List.head (shapesOf s)
          HiddenShapes = shapesOf s
          Seeds = [ 0 .. s.Seeds - 1 ]
          Epochs = s.Epochs
          TrainSamples = s.TrainSamples
          TestSamples = s.TestSamples
          BatchSize = s.BatchSize
          LearningRate = List.head (ratesOf s)
          LearningRates = ratesOf s
          Optimizer = "adam"
          Precision = Dtype.name s.Precision
          Jobs = s.Jobs
          DataFile =
            match s.Data, s.DataSet with
            | Some d, _ -> Some d.Path
            | None, Some (name, _) -> Some $"{name.Trim()} (in memory)"
            | None, None -> None
          Options =
            [ "penalty", string s.Penalty; "split_activations", "tanh + even(u−v)"; "standardization", "inputs (u,v pooled) and target, training part" ]
            @ (let a = activationOf s in if not (Activation.isBuiltIn a) then [ "custom_activation", $"{a.Name}: {a.Formula} (measured {Parity.name a.Declared})" ] else [])
            @ csvRows
          SoftwareVersion = version
          Grid = gridOf s sources defs }

    /// Checks the settings and loads the data (a CSV once, hashed as it is read), or raises a one-line error —
    /// before any training. Example: `let p = Experiment.prepare settings in p.Config.Cells`.
    let prepare (s: CompareSettings) : PreparedComparison =
        let sources, defs, dropped = resolve s
        PreparedComparison(s, configOf s sources defs dropped, sources, defs, dropped)

    /// Checks the settings and returns the configuration, or raises a one-line error — before any training.
    let plan (s: CompareSettings) : ExperimentConfig = (prepare s).Config

    /// Runs one cell: fits the variant and measures standardised test MSE and invariance error; then the variants
    /// `derived` from it (no training: its model transformed), on the same test data.
    let private runCell (s: CompareSettings) (source: GridSource) (v: VariantDefinition) (derived: VariantDefinition list) (seed: int) (withCurve: bool) (cancel: CancellationToken) : CellResult list =
        let train, test = GridSource.data s source seed
        let spec = v.Spec train.Symmetry (Dataset.targets train) s
        // One arena for the whole learning curve: its arrays are reused from epoch to epoch.
        let curveArena = Kernels.StepArena()
        let standardizedMse (m: Model) =
            Evaluation.standardizedMseIn curveArena m test
        let options =
            v.Options s
                { Regressor.defaults with
                    Training =
                        { Train.defaults with
                            Epochs = s.Epochs
                            BatchSize = s.BatchSize
                            Optimizer = Optimizer.withLearningRate s.LearningRate Optimizer.adamDefault
                            Seed = seed
                            // A cancelled fit stops within a step (and its cell is then thrown away, below).
                            Cancellation = cancel }
                    Monitor = if withCurve then Some standardizedMse else None }
        let model, result =
            match v.Kind with
            | Chooses candidates ->
                let model, result, choice = Auto.fit (candidates train.Symmetry (Dataset.targets train) s) options train
                // Its time is everything it trained: the trial fits and the final one.
                model, { result with Seconds = choice.TotalSeconds }
            | Trained | Derived _ -> Regressor.fit spec options train
        let measured (name: string) (m: Model) (seconds: float) (curve: float[]) =
            let metrics = Evaluation.evaluate m test
            { Target = GridSource.name source
              Variant = name
              Seed = seed
              Hidden = s.Hidden
              LearningRate = s.LearningRate
              TestMse = metrics.StandardizedMse
              InvarianceError = metrics.StandardizedInvarianceError
              EpochsRun = result.EpochsRun
              Seconds = seconds
              Curve = curve }
        measured v.Name model result.Seconds (result.History |> List.choose (fun r -> r.Monitor) |> Array.ofList)
        :: [ for d in derived do
                 match d.Kind with
                 | Derived (_, transform) -> measured d.Name (transform model) 0.0 [||]
                 | Trained | Chooses _ -> () ]

    let private isDerived (v: VariantDefinition) = match v.Kind with Derived _ -> true | _ -> false
    /// Derived variants are not cells of their own: the cell of the variant they come from measures them too.
    let private derivedOf (defs: VariantDefinition list) (v: VariantDefinition) =
        defs |> List.filter (fun d -> match d.Kind with Derived (from, _) -> from = v.Name | _ -> false)

    /// The grid's work: every trained cell with what it measures and its settings, in grid order (source, then
    /// hidden × learning rate, then variant, then seed).
    let private cellsOf (prepared: PreparedComparison) =
        let s, defs = prepared.Settings, prepared.Variants
        [| for source in prepared.Sources do
             for point in pointsOf s do
                 for v in defs do
                     if not (isDerived v) then
                         for seed in 0 .. s.Seeds - 1 -> source, point, v, seed |]

    /// The grid's units of work with their expected costs (`Shards.cost`), in grid order: what shards split.
    ///
    /// Example: `Experiment.units prepared |> Shards.select { Index = 0; Count = 4 }`.
    let units (prepared: PreparedComparison) : WorkUnit list =
        cellsOf prepared
        |> Array.mapi (fun i (source, point, v, seed) ->
            let parameters = Network.parameterCount (v.Spec (GridSource.symmetry source) (GridSource.targets source) point)
            { Id = i
              Target = GridSource.name source
              Variant = v.Name
              Derived = derivedOf prepared.Variants v |> List.map (fun d -> d.Name)
              Seed = seed
              Hidden = point.Hidden
              LearningRate = point.LearningRate
              Cost = Shards.cost v.Weight point.Epochs (GridSource.trainRows point source) (int64 parameters) })
        |> List.ofArray

    /// The activations the report plots: the comparison's even one and tanh.
    let private plotted (even: Activation) = (even :: [ Activation.tanh ]) |> List.distinctBy (fun a -> a.Name)

    /// The outcome of a grid from its cells' results, in any order: the one function the report of a run, a
    /// resumed run and a merge of shards is made by, so the three agree bit for bit. `even` is the comparison's
    /// even activation (the activations plot shows it).
    ///
    /// Example: `Experiment.outcomeOf config Activation.seagull results`.
    let outcomeOf (config: ExperimentConfig) (even: Activation) (results: CellResult list) : CompareOutcome =
        let index (names: 'a list) = names |> List.mapi (fun i n -> n, i) |> dict
        let targets, variants = index config.Targets, index (config.Variants |> List.map (fun v -> v.Name))
        let points = index [ for h in config.HiddenShapes do for r in config.LearningRates -> h, r ]
        // In the grid's order: source, then setting, then variant (derived ones at their place in the list), then seed.
        let list = results |> List.sortBy (fun r -> targets.[r.Target], points.[CellResult.setting r], variants.[r.Variant], r.Seed)
        let summary = Summary.create config.Baseline list |> Summary.reorder config.Targets (config.Variants |> List.map (fun v -> v.Name))
        { Config = config; Results = list; Summary = summary; Activations = plotted even }

    /// The comparison's even activation, which `outcomeOf` plots.
    let evenActivation (prepared: PreparedComparison) : Activation = activationOf prepared.Settings

    /// Each variant's code runs once, untimed, on a few random rows: the first cells' seconds would otherwise
    /// include compiling it (a tenth of a second, most of a small cell's time).
    let private warmUp (prepared: PreparedComparison) (cancel: CancellationToken) =
        let s, sources = prepared.Settings, prepared.Sources
        let firstSymmetry, firstTargets = GridSource.symmetry sources.Head, GridSource.targets sources.Head
        let warmRows = 16
        let warmX = Random.uniforms (Random.key 0) (warmRows * firstSymmetry.Width) -1.0 1.0
        let warmNames = if firstTargets = 1 then [| "y" |] else Array.init firstTargets (fun t -> $"y{t + 1}")
        let warmData = Dataset.create firstSymmetry (Symmetry.defaultNames firstSymmetry) warmNames warmX (Random.uniforms (Random.key 1) (warmRows * firstTargets) -1.0 1.0)
        let first = List.head (pointsOf s)
        for v in prepared.Variants |> List.filter (fun d -> match d.Kind with Trained -> true | _ -> false) do
            let options =
                v.Options first { Regressor.defaults with
                                    Training = { Train.defaults with Epochs = 1; BatchSize = 8; Cancellation = cancel }
                                    Monitor = Some (fun m -> Array.sum (Evaluation.mse m warmData)) }
            // A warm-up failure (a penalty so large it diverges on random rows) is the grid's to report, if any.
            try
                let model, _ = Regressor.fit (v.Spec firstSymmetry firstTargets first) options warmData
                Evaluation.evaluate model warmData |> ignore
            with :? SeagullException -> ()

    /// Runs the units `ids` of a prepared grid (ids of `units`), in parallel; `finished` is called with each
    /// unit's id and results as it finishes (to save it), and `progress` after it (both from worker threads, one
    /// at a time). Returns the results of the units run.
    let runUnits (prepared: PreparedComparison) (ids: int list) (finished: int -> CellResult list -> unit) (progress: CompareProgress -> unit) (cancel: CancellationToken) : CellResult list =
        let cells = cellsOf prepared
        let chosen = ids |> List.distinct |> List.sort |> Array.ofList
        if chosen.Length > 0 then warmUp prepared cancel
        let results: CellResult list[] = Array.zeroCreate chosen.Length
        let clock = Stopwatch.StartNew()
        let mutable count = 0
        let gate = obj ()
        let options = ParallelOptions(MaxDegreeOfParallelism = prepared.Settings.Jobs, CancellationToken = cancel)
        Parallel.For(0, chosen.Length, options, fun i ->
            let source, point, v, seed = cells.[chosen.[i]]
            let r = runCell point source v (derivedOf prepared.Variants v) seed (seed = 0) cancel
            cancel.ThrowIfCancellationRequested() // a cell cut short is neither a result nor progress
            results.[i] <- r
            lock gate (fun () ->
                finished chosen.[i] r
                count <- count + 1
                progress { Done = count; Total = chosen.Length; Elapsed = clock.Elapsed; Last = r.Head }))
        |> ignore
        // Cells cut short by a cancellation that came after the last cell started are not results.
        cancel.ThrowIfCancellationRequested()
        results |> List.ofArray |> List.concat

    /// Runs a prepared grid, every unit, in memory. `progress` is called after each cell (from worker threads, one at a time).
    let runPrepared (prepared: PreparedComparison) (progress: CompareProgress -> unit) (cancel: CancellationToken) : CompareOutcome =
        let all = units prepared |> List.map (fun u -> u.Id)
        runUnits prepared all (fun _ _ -> ()) progress cancel |> outcomeOf prepared.Config (evenActivation prepared)

    /// Checks, loads and runs the grid (`prepare`, then `runPrepared`).
    let run (s: CompareSettings) (progress: CompareProgress -> unit) (cancel: CancellationToken) : CompareOutcome =
        runPrepared (prepare s) progress cancel

    /// Creates `outDir` and checks it can be written, so a bad `--out` fails before any training.
    let prepareOutput (outDir: string) : unit =
        try
            IO.Directory.CreateDirectory outDir |> ignore
            let probe = IO.Path.Combine(outDir, $".seagull-write-test-{Guid.NewGuid():N}")
            IO.File.WriteAllText(probe, "")
            IO.File.Delete probe
        with
        | :? SeagullException -> reraise ()
        | e -> Fail.with' $"cannot write to output folder '{outDir}': {e.Message}"
