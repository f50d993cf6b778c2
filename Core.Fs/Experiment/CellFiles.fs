namespace Seagull.Core

open System
open System.Globalization
open System.IO
open System.Security.Cryptography
open System.Text
open System.Text.Json

/// Which code produced a result: cells of two builds are never mixed, since the same settings repeat bit for bit
/// only on the same code and the same SIMD vector width.
module Build =
    /// The package version and, when built from a git checkout, the commit (for example "0.1.0+489dcb8…").
    let version : string =
        let assembly = typeof<SeagullException>.Assembly
        match Attribute.GetCustomAttribute(assembly, typeof<Reflection.AssemblyInformationalVersionAttribute>) with
        | :? Reflection.AssemblyInformationalVersionAttribute as a when not (String.IsNullOrWhiteSpace a.InformationalVersion) -> a.InformationalVersion
        | _ -> string (assembly.GetName().Version)

    /// The version, the Seagull.Core assembly's module id (a hash of its bytes: the build is deterministic, so an
    /// uncommitted change gives another id) and the machine's vector width, which decides how sums are rounded.
    ///
    /// Example: `"0.1.0+37b7361…; Seagull.Core 5f0c…; 256-bit vectors, Vector512"`.
    let id : string =
        let mvid = typeof<SeagullException>.Assembly.ManifestModule.ModuleVersionId
        let wide = if Runtime.Intrinsics.Vector512.IsHardwareAccelerated then ", Vector512" else ""
        $"{version}; Seagull.Core {mvid:N}; {Numerics.Vector<byte>.Count * 8}-bit vectors{wide}"

/// A sweep's folder as text: its manifest (`sweep.json`: configuration, build, shard, units) and one file per
/// finished unit (`cells/unit-N.json`: the unit's results with their curves). Pure: text in, values out.
/// Numbers are written in round-trip form, so a result read back has the bits it was written with.
module CellFiles =
    let private inv = CultureInfo.InvariantCulture

    /// The manifest's file name in a sweep's folder.
    [<Literal>]
    let manifestName = "sweep.json"

    /// The folder of the unit files.
    [<Literal>]
    let cellsFolder = "cells"

    /// The file name of unit `id`'s results, inside `cellsFolder`.
    let unitFileName (id: int) : string = $"unit-{id:D6}.json"

    /// What `sweep.json` says.
    type Manifest =
        { Build: string
          /// SHA-256 of the configuration without its number of jobs (which never changes a result).
          ConfigId: string
          Config: ExperimentConfig
          Shard: ShardSpec
          /// Units in the whole grid.
          Units: int
          /// The units of this shard (ids of `Experiment.units`), in grid order.
          Assigned: int list
          /// The arguments of the `seagull compare` that made it, without `--out` (`--resume DIR` works in DIR) and with
          /// `--data` made absolute, for `--resume`; empty
          /// when another program made it.
          Command: string list }

    let private exact (x: float) = x.ToString("R", inv)
    let private parseExact (text: string) = Double.Parse(text, NumberStyles.Float, inv)

    let private json (write: Utf8JsonWriter -> unit) : string =
        use buffer = new MemoryStream()
        (
            use w = new Utf8JsonWriter(buffer, JsonWriterOptions(Indented = true, Encoder = Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping))
            write w
            w.Flush()
        )
        Encoding.UTF8.GetString(buffer.ToArray()) + "\n"

    /// The configuration's identity: a hash of its JSON with the number of jobs left out.
    let configId (config: ExperimentConfig) : string =
        let text = json (fun w -> w.WriteStartObject(); Reports.writeConfig w { config with Jobs = 0 }; w.WriteEndObject())
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes text)).ToLowerInvariant()

    let manifestText (m: Manifest) : string =
        json (fun w ->
            w.WriteStartObject()
            w.WriteString("format", "seagull-sweep")
            w.WriteNumber("formatVersion", 1)
            w.WriteString("build", m.Build)
            w.WriteString("configId", m.ConfigId)
            w.WriteString("shard", string m.Shard)
            w.WriteNumber("units", m.Units)
            w.WriteStartArray "assigned"
            for id in m.Assigned do w.WriteNumberValue id
            w.WriteEndArray()
            w.WriteStartArray "command"
            for a in m.Command do w.WriteStringValue a
            w.WriteEndArray()
            Reports.writeConfig w m.Config
            w.WriteEndObject())

    let private strings (e: JsonElement) = [ for x in e.EnumerateArray() -> x.GetString() ]
    let private ints (e: JsonElement) = [ for x in e.EnumerateArray() -> x.GetInt32() ]

    /// The configuration as `Reports.writeConfig` wrote it (in sweep.json and summary.json).
    let internal readConfig (c: JsonElement) : ExperimentConfig =
        let has (name: string) = match c.TryGetProperty name with | true, v when v.ValueKind <> JsonValueKind.Null -> Some v | _ -> None
        let hidden = ints (c.GetProperty "hiddenWidths")
        let rate = c.GetProperty("learningRate").GetDouble()
        { Targets = strings (c.GetProperty "targets")
          Variants = [ for v in c.GetProperty("variants").EnumerateArray() -> { Name = v.GetProperty("name").GetString(); Description = v.GetProperty("description").GetString() } ]
          Baseline = c.GetProperty("baseline").GetString()
          Activation = c.GetProperty("activation").GetString()
          HiddenWidths = hidden
          HiddenShapes = match has "hiddenShapes" with Some s -> [ for shape in s.EnumerateArray() -> ints shape ] | None -> [ hidden ]
          Seeds = ints (c.GetProperty "seeds")
          Epochs = c.GetProperty("epochs").GetInt32()
          TrainSamples = c.GetProperty("trainSamples").GetInt32()
          TestSamples = c.GetProperty("testSamples").GetInt32()
          BatchSize = c.GetProperty("batchSize").GetInt32()
          LearningRate = rate
          LearningRates = match has "learningRates" with Some r -> [ for x in r.EnumerateArray() -> x.GetDouble() ] | None -> [ rate ]
          Optimizer = c.GetProperty("optimizer").GetString()
          Precision = c.GetProperty("precision").GetString()
          Jobs = c.GetProperty("jobs").GetInt32()
          DataFile = has "dataFile" |> Option.map (fun f -> f.GetString())
          Options = [ for p in c.GetProperty("options").EnumerateObject() -> p.Name, p.Value.GetString() ]
          SoftwareVersion = c.GetProperty("softwareVersion").GetString()
          Grid = c.GetProperty("grid").GetString() }

    /// Reads a manifest, or raises a one-line error naming `where` (a file that is not one, or is damaged).
    let readManifest (where: string) (text: string) : Manifest =
        try
            use doc = JsonDocument.Parse text
            let root = doc.RootElement
            if root.GetProperty("format").GetString() <> "seagull-sweep" then Fail.with' $"'{where}' is not a Seagull sweep manifest"
            if root.GetProperty("formatVersion").GetInt32() <> 1 then Fail.with' $"'{where}' is of a newer sweep format; use the Seagull that wrote it"
            { Build = root.GetProperty("build").GetString()
              ConfigId = root.GetProperty("configId").GetString()
              Config = readConfig (root.GetProperty "config")
              Shard = Shards.parse "shard" (root.GetProperty("shard").GetString())
              Units = root.GetProperty("units").GetInt32()
              Assigned = ints (root.GetProperty "assigned")
              Command = strings (root.GetProperty "command") }
        with
        | :? SeagullException -> reraise ()
        | :? JsonException -> Fail.with' $"'{where}' is damaged (not whole JSON: cut short or garbled): not a sweep manifest Seagull can read"
        | e -> Fail.with' $"'{where}' is damaged ({e.Message.Split('\n').[0].TrimEnd('.')}): not a sweep manifest Seagull can read"

    /// One unit's results as the text of its file.
    let unitText (configId: string) (id: int) (results: CellResult list) : string =
        json (fun w ->
            w.WriteStartObject()
            w.WriteString("format", "seagull-cell")
            w.WriteNumber("formatVersion", 1)
            w.WriteString("configId", configId)
            w.WriteNumber("unit", id)
            w.WriteStartArray "results"
            for r in results do
                w.WriteStartObject()
                w.WriteString("target", r.Target)
                w.WriteString("variant", r.Variant)
                w.WriteNumber("seed", r.Seed)
                w.WriteStartArray "hidden"
                for h in r.Hidden do w.WriteNumberValue h
                w.WriteEndArray()
                w.WriteString("learningRate", exact r.LearningRate)
                w.WriteString("testMse", exact r.TestMse)
                w.WriteString("invarianceError", exact r.InvarianceError)
                w.WriteNumber("epochsRun", r.EpochsRun)
                w.WriteString("seconds", exact r.Seconds)
                w.WriteStartArray "curve"
                for x in r.Curve do w.WriteStringValue(exact x)
                w.WriteEndArray()
                w.WriteEndObject()
            w.WriteEndArray()
            w.WriteEndObject())

    /// Why a file does not read, in words: the JSON broken or cut short, a field missing or of the wrong kind.
    let private why (e: exn) : string =
        match e with
        | :? JsonException -> "not whole JSON: cut short or garbled"
        | :? Collections.Generic.KeyNotFoundException -> "a field is missing"
        | :? InvalidOperationException | :? FormatException | :? OverflowException -> "a field holds a value of the wrong kind"
        | e -> e.Message.Split('\n').[0].TrimEnd('.')

    /// Reads a unit file: its configuration id, unit id and results, or why it does not read (one phrase).
    let tryReadUnit (text: string) : Result<string * int * CellResult list, string> =
        try
            use doc = JsonDocument.Parse text
            let root = doc.RootElement
            let field (e: JsonElement) (name: string) =
                match e.TryGetProperty name with
                | true, v -> v
                | _ -> raise (Collections.Generic.KeyNotFoundException name)
            if root.ValueKind <> JsonValueKind.Object || (field root "format").GetString() <> "seagull-cell" then Error "not a Seagull cell result"
            else
                let number (e: JsonElement) (name: string) = parseExact ((field e name).GetString())
                Ok (
                    (field root "configId").GetString(),
                    (field root "unit").GetInt32(),
                    [ for r in (field root "results").EnumerateArray() ->
                          { Target = (field r "target").GetString()
                            Variant = (field r "variant").GetString()
                            Seed = (field r "seed").GetInt32()
                            Hidden = ints (field r "hidden")
                            LearningRate = number r "learningRate"
                            TestMse = number r "testMse"
                            InvarianceError = number r "invarianceError"
                            EpochsRun = (field r "epochsRun").GetInt32()
                            Seconds = number r "seconds"
                            Curve = [| for x in (field r "curve").EnumerateArray() -> parseExact (x.GetString()) |] } ])
        with
        | :? Collections.Generic.KeyNotFoundException as e when e.Message.IndexOf(' ') < 0 -> Error $"the field \"{e.Message}\" is missing"
        | e -> Error (why e)

    /// Reads a unit file: its configuration id, unit id and results; raises a one-line error naming `where`.
    let readUnit (where: string) (text: string) : string * int * CellResult list =
        match tryReadUnit text with
        | Ok read -> read
        | Error why -> Fail.with' $"'{where}' is damaged ({why}): not a cell result Seagull can read"
