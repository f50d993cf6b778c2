namespace Seagull.Core

open System
open System.Globalization
open System.IO
open System.Security.Cryptography
open System.Text
open System.Text.Json

/// Model files: versioned JSON holding the spec, column names and roles, the standardisation, the
/// parameters and a SHA-256 checksum over all of them. Written atomically; loading refuses a
/// truncated, edited or newer file with a one-line message.
[<RequireQualifiedAccess>]
module ModelFile =
    /// The format name written into every model file.
    let formatName = "seagull-model"
    /// The newest format version this code writes and reads.
    let formatVersion = 1

    let private inv = CultureInfo.InvariantCulture
    let private r (x: float) = x.ToString("R", inv)

    /// Where custom activations are fingerprinted. A file stores only an activation's name; the values
    /// at these points let loading refuse a different formula under the same name instead of
    /// silently predicting something else.
    let private probes = [| -3.0; -1.25; -0.5; -0.1; 0.0; 0.1; 0.5; 1.25; 3.0 |]

    /// The model's custom (not built-in) activations with their values at `probes`, in float64.
    /// Probes where a value is not finite are left out (JSON has no NaN).
    let private fingerprints (spec: NetworkSpec) : (string * float[] * float[]) list =
        spec.Activations @ [ spec.Even ]
        |> List.filter (fun a -> a.Kernel.IsNone)
        |> List.distinctBy (fun a -> a.Name)
        |> List.map (fun a ->
            let kept = Array.zip probes (Activation.evaluate Float64 a probes) |> Array.filter (snd >> Double.IsFinite)
            a.Name, Array.map fst kept, Array.map snd kept)

    /// The text the checksum is computed over: every field that defines the model, in a fixed order,
    /// numbers in round-trip form. Whitespace in the file does not matter; any value change does.
    let private canonical (m: Model) (customs: (string * float[] * float[]) list) =
        let sb = StringBuilder()
        let line (s: string) = sb.Append(s).Append('\n') |> ignore
        let s = m.Spec
        line $"{formatName}/{formatVersion}"
        line (NetworkSpec.architectureName s.Architecture)
        line $"{s.Blocks.D},{s.Blocks.K}"
        line (String.Join(",", s.Hidden))
        line (String.Join(",", s.Activations |> List.map (fun a -> a.Name)))
        line s.Even.Name
        line (NetworkSpec.poolingName s.Pool)
        line (Dtype.name s.Precision)
        line (String.Join("\u001f", m.InputNames))
        line m.TargetName
        line m.Source
        let st = m.Standardization
        line (String.Join(",", st.InputMean |> Array.map r))
        line (String.Join(",", st.InputScale |> Array.map r))
        line $"{r st.TargetMean},{r st.TargetScale}"
        for path, t in List.zip (Params.paths m.Params) (Params.leaves m.Params) do
            line $"{path}:{String.Join(',', t.Shape)}:{String.Join(',', Tensor.toArray t |> Array.map r)}"
        // Only models with custom activations carry this line, so older files keep their checksums.
        for name, xs, values in customs do
            line $"custom:{name}:{String.Join(',', xs |> Array.map r)}:{String.Join(',', values |> Array.map r)}"
        sb.ToString()

    let private checksum (m: Model) (customs: (string * float[] * float[]) list) =
        "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical m customs))).ToLowerInvariant()

    /// The model as JSON text.
    let toJson (m: Model) : string =
        use stream = new MemoryStream()
        (use w = new Utf8JsonWriter(stream, JsonWriterOptions(Indented = true))
         let strings (name: string) (items: string seq) =
             w.WriteStartArray name
             for i in items do w.WriteStringValue i
             w.WriteEndArray()
         let numbers (name: string) (items: float seq) =
             w.WriteStartArray name
             for i in items do w.WriteNumberValue i
             w.WriteEndArray()
         let s = m.Spec
         w.WriteStartObject()
         w.WriteString("format", formatName)
         w.WriteNumber("version", formatVersion)
         w.WriteStartObject "spec"
         w.WriteString("architecture", NetworkSpec.architectureName s.Architecture)
         w.WriteNumber("d", s.Blocks.D)
         w.WriteNumber("k", s.Blocks.K)
         numbers "hidden" (s.Hidden |> List.map float)
         strings "activations" (s.Activations |> List.map (fun a -> a.Name))
         w.WriteString("even", s.Even.Name)
         w.WriteString("pool", NetworkSpec.poolingName s.Pool)
         w.WriteString("precision", Dtype.name s.Precision)
         w.WriteEndObject()
         w.WriteStartObject "columns"
         strings "u" m.InputNames.[0 .. s.Blocks.D - 1]
         strings "v" m.InputNames.[s.Blocks.D .. 2 * s.Blocks.D - 1]
         strings "w" m.InputNames.[2 * s.Blocks.D ..]
         w.WriteString("y", m.TargetName)
         w.WriteEndObject()
         w.WriteString("source", m.Source)
         w.WriteStartObject "standardization"
         numbers "inputMean" m.Standardization.InputMean
         numbers "inputScale" m.Standardization.InputScale
         w.WriteNumber("targetMean", m.Standardization.TargetMean)
         w.WriteNumber("targetScale", m.Standardization.TargetScale)
         w.WriteEndObject()
         w.WriteStartArray "parameters"
         for path, t in List.zip (Params.paths m.Params) (Params.leaves m.Params) do
             w.WriteStartObject()
             w.WriteString("path", path)
             numbers "shape" (t.Shape |> Array.map float)
             numbers "values" (Tensor.toArray t)
             w.WriteEndObject()
         w.WriteEndArray()
         let customs = fingerprints m.Spec
         if not customs.IsEmpty then
             w.WriteStartArray "customActivations"
             for name, xs, values in customs do
                 w.WriteStartObject()
                 w.WriteString("name", name)
                 numbers "probes" xs
                 numbers "values" values
                 w.WriteEndObject()
             w.WriteEndArray()
         w.WriteString("checksum", checksum m customs)
         w.WriteEndObject())
        Encoding.UTF8.GetString(stream.ToArray())

    /// Writes the model to `path` atomically.
    let save (path: string) (m: Model) : unit = AtomicFile.writeAllText path (toJson m)

    /// Reads a model from JSON text; `name` labels errors; `customs` resolves non-built-in activations.
    let ofJson (name: string) (customs: Activation list) (text: string) : Model =
        let fail (why: string) : 'a = Fail.with' $"model file '{name}' {why}"
        let doc =
            try JsonDocument.Parse(text)
            with :? JsonException as e -> fail $"is not valid JSON (truncated or corrupt?): {e.Message.Split('\n').[0]}"
        use doc = doc
        let root = doc.RootElement
        if root.ValueKind <> JsonValueKind.Object then fail "is not a Seagull model (no JSON object)"
        let prop (e: JsonElement) (path: string) (key: string) =
            match e.TryGetProperty key with
            | true, v -> v
            | _ -> fail $"is missing '{path}{key}'"
        let str e path key =
            let v = prop e path key
            if v.ValueKind <> JsonValueKind.String then fail $"has a non-text '{path}{key}'"
            v.GetString()
        let num e path key =
            let v = prop e path key
            if v.ValueKind <> JsonValueKind.Number then fail $"has a non-numeric '{path}{key}'"
            v.GetDouble()
        // A count or width: a whole number in int's range (1.9 must not load as 1, 2^40 not as int's maximum).
        let whole (what: string) (v: float) =
            if Math.Round v <> v || v < float Int32.MinValue || v > float Int32.MaxValue then fail $"has '{what}' = {Fail.number v}, not a whole number"
            int v
        let int' e path key = whole $"{path}{key}" (num e path key)
        let arr e path key (f: JsonElement -> 'a) =
            let v = prop e path key
            if v.ValueKind <> JsonValueKind.Array then fail $"has a non-list '{path}{key}'"
            [| for x in v.EnumerateArray() -> f x |]
        let number (x: JsonElement) = if x.ValueKind = JsonValueKind.Number then x.GetDouble() else fail "has a non-numeric list entry"
        let text (x: JsonElement) = if x.ValueKind = JsonValueKind.String then x.GetString() else fail "has a non-text list entry"
        let format = match root.TryGetProperty "format" with | true, v when v.ValueKind = JsonValueKind.String -> v.GetString() | _ -> ""
        if format <> formatName then fail $"is not a Seagull model (format '{format}', expected '{formatName}')"
        let version = int' root "" "version"
        if version > formatVersion then
            fail $"has format version {version}, newer than this Seagull reads ({formatVersion}); upgrade Seagull"
        if version < 1 then fail $"has an invalid format version {version}"
        let activation (n: string) =
            match Activation.tryFind n with
            | Some a -> a
            | None ->
                match customs |> List.tryFind (fun c -> c.Name = n) with
                | Some a -> a
                | None -> fail $"uses activation '{n}', which is not built in: a custom activation, which only code that defines it can load (SwapInvariantRegressor.Load(path, activation))"
        let spec =
            let s = prop root "" "spec"
            try
                NetworkSpec.validate
                    { Architecture = NetworkSpec.parseArchitecture (str s "spec." "architecture")
                      Blocks = { D = int' s "spec." "d"; K = int' s "spec." "k" }
                      Hidden = arr s "spec." "hidden" number |> Array.map (whole "spec.hidden") |> List.ofArray
                      Activations = arr s "spec." "activations" text |> Array.map activation |> List.ofArray
                      Even = activation (str s "spec." "even")
                      Pool = NetworkSpec.parsePooling (str s "spec." "pool")
                      Precision = Dtype.parse (str s "spec." "precision") }
            with :? SeagullException as e when not (e.Message.StartsWith "model file") -> fail $"has an invalid spec: {e.Message}"
        let columns = prop root "" "columns"
        let inputNames = Array.concat [ arr columns "columns." "u" text; arr columns "columns." "v" text; arr columns "columns." "w" text ]
        if inputNames.Length <> 2 * spec.Blocks.D + spec.Blocks.K then fail "has column names that do not match its blocks"
        let st = prop root "" "standardization"
        let standardization =
            { InputMean = arr st "standardization." "inputMean" number
              InputScale = arr st "standardization." "inputScale" number
              TargetMean = num st "standardization." "targetMean"
              TargetScale = num st "standardization." "targetScale" }
        if standardization.InputMean.Length <> inputNames.Length || standardization.InputScale.Length <> inputNames.Length then
            fail "has a standardisation that does not match its columns"
        let template = Network.init spec (Random.key 0)
        let stored = arr root "" "parameters" id
        let paths = Params.paths template
        if stored.Length <> paths.Length then fail $"has {stored.Length} parameter tensors; the spec needs {paths.Length}"
        let tensors =
            List.zip3 paths (Params.leaves template) (List.ofArray stored)
            |> List.map (fun (path, t, e) ->
                let p = str e "parameters[]." "path"
                if p <> path then fail $"has parameter '{p}' where '{path}' was expected"
                let shape = arr e $"parameters[{path}]." "shape" number |> Array.map (whole $"parameters[{path}].shape")
                if shape <> t.Shape then fail $"has parameter '{path}' of shape {RawTensor.shapeText shape}; the spec needs {RawTensor.shapeText t.Shape}"
                let values = arr e $"parameters[{path}]." "values" number
                if values.Length <> t.Count then fail $"has {values.Length} values for parameter '{path}' of {t.Count}"
                Tensor.ofArray spec.Precision shape values)
        let model =
            { Spec = spec
              Params = Params.withLeaves template tensors
              Standardization = standardization
              InputNames = inputNames
              TargetName = str columns "columns." "y"
              Source = (match root.TryGetProperty "source" with | true, v when v.ValueKind = JsonValueKind.String -> v.GetString() | _ -> "") }
        let stored =
            match root.TryGetProperty "customActivations" with
            | true, v when v.ValueKind = JsonValueKind.Array ->
                [ for e in v.EnumerateArray() ->
                    str e "customActivations[]." "name", arr e "customActivations[]." "probes" number,
                    arr e "customActivations[]." "values" number ]
            | true, _ -> fail "has a non-list 'customActivations'"
            | _ -> []
        let expected = str root "" "checksum"
        if expected <> checksum model stored then
            fail "failed its checksum: it was edited or is corrupt"
        // The activation handed to the loader must compute what the stored one computed.
        let used = spec.Activations @ [ spec.Even ]
        for name, xs, values in stored do
            match used |> List.tryFind (fun a -> a.Name = name) with
            | None -> fail $"fingerprints activation '{name}', which its spec does not use"
            | Some a ->
                if xs.Length <> values.Length then fail $"has {xs.Length} probes but {values.Length} values for activation '{name}'"
                let given = Activation.evaluate Float64 a xs
                for i in 0 .. xs.Length - 1 do
                    let close = abs (given.[i] - values.[i]) <= 1e-9 * max 1.0 (abs values.[i])
                    if not close then
                        fail $"was trained with a different activation '{name}': at {r xs.[i]} it gave {r values.[i]}, the one passed to load gives {r given.[i]}"
        model

    /// Loads a model file; `customs` resolves custom activations by name.
    let loadWith (customs: Activation list) (path: string) : Model =
        if not (File.Exists path) then Fail.with' $"model file '{path}' does not exist"
        let text =
            try File.ReadAllText path
            with e -> Fail.with' $"model file '{path}' cannot be read: {e.Message}"
        ofJson path customs text

    /// Loads a model file that uses only built-in activations.
    let load (path: string) : Model = loadWith [] path
