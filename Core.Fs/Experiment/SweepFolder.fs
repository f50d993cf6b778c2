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

    /// The first field in which two configurations differ, as "epochs: 60 there, 10 here" (jobs never count).
    let private difference (there: ExperimentConfig) (here: ExperimentConfig) : string =
        let fields (c: ExperimentConfig) =
            use buffer = new MemoryStream()
            (
                use w = new Utf8JsonWriter(buffer)
                w.WriteStartObject()
                Reports.writeConfig w { c with Jobs = 0 }
                w.WriteEndObject()
                w.Flush()
            )
            use doc = JsonDocument.Parse(buffer.ToArray())
            [ for p in doc.RootElement.GetProperty("config").EnumerateObject() -> p.Name, p.Value.GetRawText() ]
        let short (text: string) = if text.Length > 60 then text.Substring(0, 57) + "…" else text
        let a, b = fields there |> Map.ofList, fields here
        match b |> List.tryFind (fun (name, value) -> a.TryFind name <> Some value) with
        | Some (name, value) ->
            let old = a.TryFind name |> Option.defaultValue "none"
            $"{name}: {short old} there, {short value} here"
        | None -> "another configuration"

    /// The results of the unit files in `dir`, by unit id, each checked to be of configuration `configId`.
    let private readUnits (dir: string) (configId: string) : Map<int, CellResult list> =
        let cells = Path.Combine(dir, CellFiles.cellsFolder)
        if not (Directory.Exists cells) then Map.empty
        else
            Directory.EnumerateFiles(cells, "unit-*.json")
            |> Seq.filter (fun f -> Path.GetFileName f |> fun n -> n.Length = "unit-000000.json".Length)
            |> Seq.sort
            |> Seq.map (fun file ->
                let id, unit, results = CellFiles.readUnit file (File.ReadAllText file)
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
            | Some there when there.ConfigId <> manifest.ConfigId ->
                Fail.with' $"'{dir}' holds the cells of another configuration ({difference there.Config prepared.Config}); give another --out: Seagull never mixes two configurations' cells, nor deletes them"
            | Some there when there.Build <> manifest.Build ->
                Fail.with' $"'{dir}' holds cells of another build of Seagull ({there.Build}), which would not repeat bit for bit; finish it with that build, or give another --out"
            | Some there when there.Shard <> shard ->
                Fail.with' $"'{dir}' holds shard {there.Shard} of this configuration, not {shard}; give each shard its own --out"
            | Some _ -> readUnits dir manifest.ConfigId
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
        readUnits opened.Folder opened.Manifest.ConfigId
        |> Map.filter (fun id _ -> assigned.Contains id)
        |> Map.toList |> List.collect snd

    /// The `seagull compare` arguments a folder was made with (for `--resume`), or a one-line error.
    let command (dir: string) : string list =
        match tryManifest dir with
        | None -> Fail.with' $"'{dir}' holds no sweep to resume (no {CellFiles.manifestName}); run compare with --out '{dir}' first"
        | Some m when m.Command.IsEmpty -> Fail.with' $"'{dir}' was not made by the seagull command, so it names no options to resume with; run the same comparison into it again"
        | Some m -> m.Command

    /// The outcome of shards put back together: checks that `dirs` (in any order) hold one configuration, of one
    /// build, and together every unit exactly once, finished; then the report's outcome, made by the function an
    /// unsharded run uses (`Experiment.outcomeOf`). Refusals are one line naming the folder. `customActivations`:
    /// the custom activation the shards name, if any (a built-in one is found by name).
    let merge (dirs: string list) (customActivations: Activation list) : CompareOutcome =
        if dirs.IsEmpty then Fail.with' "merge: give the shards' folders"
        let read (dir: string) =
            if not (Directory.Exists dir) then Fail.with' $"'{dir}' does not exist"
            match tryManifest dir with
            | Some m -> dir, m
            | None -> Fail.with' $"'{dir}' is not a shard (no {CellFiles.manifestName}); give the --out folders of compare --shard"
        // The order of the arguments (a shell glob's) never matters: pieces are taken by shard, then by folder.
        let pieces = dirs |> List.map read |> List.sortBy (fun (dir, m) -> m.Shard.Index, Path.GetFullPath dir)
        let firstDir, first = List.head pieces
        for dir, m in List.tail pieces do
            if m.ConfigId <> first.ConfigId then
                Fail.with' $"'{dir}' is a shard of another configuration than '{firstDir}' ({difference first.Config m.Config}); merge the shards of one sweep"
            if m.Build <> first.Build then
                Fail.with' $"'{dir}' was run by another build of Seagull than '{firstDir}' ({m.Build} vs {first.Build}); its numbers would not repeat bit for bit"
        let results = pieces |> List.map (fun (dir, m) -> dir, m, readUnits dir m.ConfigId)
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
        results |> List.collect (fun (_, _, units) -> units |> Map.toList |> List.collect snd) |> Experiment.outcomeOf first.Config even
