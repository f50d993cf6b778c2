namespace Seagull.Core

open System
open System.IO
open System.Text.Json

/// A sweep's folder on disk: the manifest and one file per finished unit, each written atomically as the unit
/// finishes, so a run killed at any moment keeps every unit that finished and resumes with the rest. A folder
/// holds one configuration, of one build, of one shard: anything else is refused, never mixed and never deleted.
module SweepFolder =
    /// A run of one shard into its folder: the manifest, the shard's units, and those already finished there.
    [<NoEquality; NoComparison>]
    type Opened =
        { Folder: string
          Manifest: CellFiles.Manifest
          /// The shard's units, in grid order.
          Units: WorkUnit list
          /// Results already in the folder, by unit id.
          Finished: Map<int, CellResult list> }

    let private manifestPath (dir: string) = Path.Combine(dir, CellFiles.manifestName)

    /// The first field in which two configurations differ, as "epochs: 60 there, 10 here" (jobs never count; the
    /// Seagull version is the build's, told apart by `sameBuild`). Values are shown as JSON without escapes; the
    /// grid's hidden shapes and learning rates as the lists they are, whose order is part of the grid.
    let private difference (there: ExperimentConfig) (here: ExperimentConfig) : string option =
        let fields (c: ExperimentConfig) =
            use buffer = new MemoryStream()
            (
                use w = new Utf8JsonWriter(buffer, JsonWriterOptions(Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping))
                w.WriteStartObject()
                Reports.writeConfig w { c with Jobs = 0 }
                w.WriteEndObject()
                w.Flush()
            )
            use doc = JsonDocument.Parse(buffer.ToArray())
            [ for p in doc.RootElement.GetProperty("config").EnumerateObject() do
                  if p.Name <> "softwareVersion" && p.Name <> "hiddenWidths" && p.Name <> "hiddenShapes"
                     && p.Name <> "learningRate" && p.Name <> "learningRates" then
                      yield p.Name, p.Value.GetRawText() ]
        let short (text: string) = if text.Length > 60 then text.Substring(0, 57) + "…" else text
        let order (a: 'T list) (b: 'T list) = if a.Length = b.Length && List.sort a = List.sort b then ", the same values in another order: the order is part of the grid" else ""
        let shapes (c: ExperimentConfig) = String.Join(" ", c.HiddenShapes |> List.map Reports.hiddenText)
        let rates (c: ExperimentConfig) = String.Join(",", c.LearningRates |> List.map Reports.rateText)
        if there.HiddenShapes <> here.HiddenShapes then
            Some $"hidden: {short (shapes there)} there, {short (shapes here)} here{order there.HiddenShapes here.HiddenShapes}"
        elif there.LearningRates <> here.LearningRates then
            Some $"lr: {short (rates there)} there, {short (rates here)} here{order there.LearningRates here.LearningRates}"
        else
            let a, b = fields there |> Map.ofList, fields here
            match b |> List.tryFind (fun (name, value) -> a.TryFind name <> Some value) with
            | Some (name, value) ->
                let old = a.TryFind name |> Option.defaultValue "none"
                Some $"{name}: {short old} there, {short value} here"
            | None -> None

    /// The results of the unit files in `dir`, by unit id, each checked to be of configuration `configId`.
    /// `rerun` says how the cell of a damaged file is trained again.
    let private readUnits (rerun: string) (dir: string) (configId: string) : Map<int, CellResult list> =
        let cells = Path.Combine(dir, CellFiles.cellsFolder)
        if not (Directory.Exists cells) then Map.empty
        else
            // Only whole unit files: a temporary one left by a run killed while writing (unit-N.json.tmp…) is ignored.
            Directory.EnumerateFiles(cells, "unit-*.json")
            |> Seq.filter (fun f -> Path.GetFileName f |> fun n -> n.Length = "unit-000000.json".Length)
            |> Seq.sort
            |> Seq.map (fun file ->
                let id, unit, results =
                    match CellFiles.tryReadUnit (File.ReadAllText file) with
                    | Ok read -> read
                    | Error why -> Fail.with' $"'{file}' is damaged ({why}); delete it and {rerun}: that cell will be trained again"
                if id <> configId then Fail.with' $"'{file}' is a cell of another configuration than its folder's sweep.json; the folder is damaged"
                if CellFiles.unitFileName unit <> Path.GetFileName file then Fail.with' $"'{file}' holds unit {unit}: the folder is damaged"
                unit, results)
            |> Map.ofSeq

    /// Reads the manifest of `dir`, if it has one.
    let private tryManifest (dir: string) : CellFiles.Manifest option =
        let path = manifestPath dir
        if File.Exists path then Some (CellFiles.readManifest path (File.ReadAllText path)) else None

    /// Opens `dir` for shard `shard` of `prepared` (`{ Index = 0; Count = 1 }` for an unsharded run): a folder with
    /// no sweep starts afresh; one holding this configuration's shard, of this build, resumes with its finished
    /// units; any other sweep is refused in one line naming the difference. `command` is kept for `--resume`.
    let openFor (dir: string) (prepared: PreparedComparison) (shard: ShardSpec) (command: string list) : Opened =
        let all = Experiment.units prepared
        let mine = Shards.select shard all
        let manifest : CellFiles.Manifest =
            { Build = Build.id
              ConfigId = CellFiles.configId prepared.Config
              Config = prepared.Config
              Shard = shard
              Units = all.Length
              Assigned = mine |> List.map (fun u -> u.Id)
              Command = command }
        let finished =
            match tryManifest dir with
            | Some there when there.ConfigId <> manifest.ConfigId && (difference there.Config prepared.Config).IsSome ->
                Fail.with' $"'{dir}' holds the cells of another configuration ({(difference there.Config prepared.Config).Value}); give another --out: Seagull never mixes two configurations' cells, nor deletes them"
            | Some there when there.ConfigId <> manifest.ConfigId || there.Build <> manifest.Build ->
                Fail.with' $"'{dir}' holds cells run by another build of Seagull ({there.Build}) than this one ({manifest.Build}); their numbers would not repeat bit for bit: finish it with that build, or start afresh in a new folder"
            | Some there when there.Shard <> shard ->
                Fail.with' $"'{dir}' holds shard {there.Shard} of this configuration, not {shard}; give each shard its own --out"
            | Some _ -> readUnits "run the same command again" dir manifest.ConfigId
            | None when Directory.Exists(Path.Combine(dir, CellFiles.cellsFolder)) ->
                Fail.with' $"'{dir}' has a '{CellFiles.cellsFolder}' folder but no {CellFiles.manifestName}: not a sweep Seagull can resume; give another --out"
            | None -> Map.empty
        let assigned = Set.ofList manifest.Assigned
        { Folder = dir; Manifest = manifest; Units = mine; Finished = finished |> Map.filter (fun id _ -> assigned.Contains id) }

    /// The units of the shard still to run, in grid order.
    let missing (opened: Opened) : WorkUnit list = opened.Units |> List.filter (fun u -> not (opened.Finished.ContainsKey u.Id))

    /// Writes the manifest if the folder has none yet (before the first unit file, and at the end of a run, so an
    /// empty shard describes itself too).
    let writeManifest (opened: Opened) : unit =
        if not (File.Exists(manifestPath opened.Folder)) then
            AtomicFile.writeAllText (manifestPath opened.Folder) (CellFiles.manifestText opened.Manifest)

    /// Saves one finished unit, atomically (temporary file, then rename): what a killed run keeps.
    let save (opened: Opened) (id: int) (results: CellResult list) : unit =
        writeManifest opened
        let cells = Path.Combine(opened.Folder, CellFiles.cellsFolder)
        Directory.CreateDirectory cells |> ignore
        AtomicFile.writeAllText (Path.Combine(cells, CellFiles.unitFileName id)) (CellFiles.unitText opened.Manifest.ConfigId id results)

    /// Every result of the shard in the folder, read back from its files (what the report is made from).
    let results (opened: Opened) : CellResult list =
        let assigned = Set.ofList opened.Manifest.Assigned
        readUnits "run the same command again" opened.Folder opened.Manifest.ConfigId
        |> Map.filter (fun id _ -> assigned.Contains id)
        |> Map.toList |> List.collect snd

    /// The `seagull compare` arguments a folder was made with (for `--resume`), or a one-line error.
    let command (dir: string) : string list =
        match tryManifest dir with
        | None -> Fail.with' $"'{dir}' holds no sweep to resume (no {CellFiles.manifestName}); run compare with --out '{dir}' first"
        | Some m when m.Command.IsEmpty -> Fail.with' $"'{dir}' was not made by the seagull command, so it names no options to resume with; run the same comparison into it again"
        | Some m -> m.Command

    /// The files a comparison's report is made of (what a merge writes).
    let private isReportFile (name: string) =
        name = "results.csv" || name = "curves.csv" || name = "summary.md" || name = "summary.json" || name.EndsWith ".png"

    /// Whether `dir`'s summary.json is the report of configuration `config` (whatever the jobs).
    let private reportOf (dir: string) (config: ExperimentConfig) : bool =
        let path = Path.Combine(dir, "summary.json")
        try
            use doc = JsonDocument.Parse(File.ReadAllText path)
            CellFiles.configId (CellFiles.readConfig (doc.RootElement.GetProperty "config")) = CellFiles.configId config
        with _ -> false

    /// Checks, before anything is written, that `outDir` may receive the merge of `dirs` (configuration `config`):
    /// not one of the shards, not a sweep's folder (a sweep.json or cells/), and new, empty or holding only the
    /// report of an earlier merge of the same configuration (merging again into it replaces that report). Raises a
    /// one-line error otherwise.
    let checkMergeOutput (outDir: string) (dirs: string list) (config: ExperimentConfig) : unit =
        let full (path: string) = Path.TrimEndingDirectorySeparator(Path.GetFullPath path)
        let again = "give the merge a new or empty folder (or the folder of an earlier merge of the same shards)"
        match dirs |> List.tryFind (fun d -> full d = full outDir) with
        | Some d -> Fail.with' $"--out '{outDir}' is one of the shards to merge ('{d}'): --out may not name an input; {again}"
        | None -> ()
        if File.Exists outDir then Fail.with' $"--out '{outDir}' is a file, not a folder; {again}"
        if Directory.Exists outDir then
            if File.Exists(manifestPath outDir) || Directory.Exists(Path.Combine(outDir, CellFiles.cellsFolder)) then
                Fail.with' $"--out '{outDir}' holds a sweep ({CellFiles.manifestName} or {CellFiles.cellsFolder}/); {again}: Seagull never writes a report over a sweep's cells"
            let entries = Directory.EnumerateFileSystemEntries outDir |> List.ofSeq
            match entries |> List.tryFind (fun e -> Directory.Exists e || not (isReportFile (Path.GetFileName e))) with
            | Some e -> Fail.with' $"--out '{outDir}' holds other files ('{Path.GetFileName e}'); {again}"
            | None when not entries.IsEmpty && not (reportOf outDir config) ->
                Fail.with' $"--out '{outDir}' holds the report of another comparison; {again}"
            | None -> ()

    /// The outcome of shards put back together: checks that `dirs` (in any order) hold one configuration, of one
    /// build, and together every unit exactly once, finished; then the report's outcome, made by the function an
    /// unsharded run uses (`Experiment.outcomeOf`). Refusals are one line naming the folder. `customActivations`:
    /// the custom activation the shards name, if any (a built-in one is found by name).
    let merge (dirs: string list) (customActivations: Activation list) : CompareOutcome =
        if dirs.IsEmpty then Fail.with' "merge: give the shards' folders"
        let read (dir: string) =
            if File.Exists dir then Fail.with' $"'{dir}' is a file, not a folder; give the --out folders of compare --shard"
            if not (Directory.Exists dir) then Fail.with' $"'{dir}' does not exist"
            match tryManifest dir with
            | Some m -> dir, m
            | None -> Fail.with' $"'{dir}' is not a shard (no {CellFiles.manifestName}); give the --out folders of compare --shard"
        // The order of the arguments (a shell glob's) never matters: pieces are taken by shard, then by folder.
        let pieces = dirs |> List.map read |> List.sortBy (fun (dir, m) -> m.Shard.Index, Path.GetFullPath dir)
        let firstDir, first = List.head pieces
        for dir, m in List.tail pieces do
            match difference first.Config m.Config with
            | Some d when m.ConfigId <> first.ConfigId ->
                Fail.with' $"'{dir}' is a shard of another configuration than '{firstDir}' ({d}); merge the shards of one sweep"
            | _ when m.ConfigId <> first.ConfigId || m.Build <> first.Build ->
                Fail.with' $"'{dir}' was run by another build of Seagull than '{firstDir}' ({m.Build}, against {first.Build}); its numbers would not repeat bit for bit"
            | _ -> ()
        let rerun (dir: string) = $"run its shard's compare again (into '{dir}': it resumes), then merge"
        let results = pieces |> List.map (fun (dir, m) -> dir, m, readUnits (rerun dir) dir m.ConfigId)
        let cover =
            results |> List.map (fun (dir, m, units) ->
                { Shards.Name = dir; Shards.Shard = m.Shard; Shards.Assigned = m.Assigned; Shards.Finished = units |> Map.toList |> List.map fst })
        match Shards.checkCover first.Units cover with
        | Error reason -> Fail.with' reason
        | Ok () -> ()
        let name = first.Config.Activation
        let even =
            match customActivations |> List.tryFind (fun a -> String.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)), Activation.tryFind name with
            | Some custom, _ -> custom
            | None, Some builtin -> builtin
            | None, None -> Fail.with' $"the shards use the custom activation '{name}'; give it to the merge (C#: Experiment.Merge(folders, customActivations))"
        // The shards may have run with different --jobs (it never changes a result): the report names the largest.
        let jobs = pieces |> List.map (fun (_, m) -> m.Config.Jobs) |> List.max
        results |> List.collect (fun (_, _, units) -> units |> Map.toList |> List.collect snd) |> Experiment.outcomeOf { first.Config with Jobs = jobs } even
