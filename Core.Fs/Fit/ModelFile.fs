namespace Seagull.Core

open System
open System.IO
open System.Security.Cryptography
open System.Text
open System.Text.Json

/// Model files: versioned JSON holding the network (its symmetry and layer tree), the column names, the
/// standardisation, the parameters and a SHA-256 checksum over all of them. Written atomically; loading
/// refuses a truncated, edited or newer file with a one-line message. Files of format 1 still load.
[<RequireQualifiedAccess>]
module ModelFile =
    /// The format name written into every model file.
    let formatName = "seagull-model"
    /// The newest format version this code writes and reads.
    let formatVersion = 2

    /// Where custom activations are fingerprinted. A file stores only an activation's name; the values
    /// at these points let loading refuse a different formula under the same name instead of
    /// silently predicting something else.
    let private probes = [| -3.0; -1.25; -0.5; -0.1; 0.0; 0.1; 0.5; 1.25; 3.0 |]

    /// The model's custom (not built-in) activations with their values at `probes`, in float64.
    /// Probes where a value is not finite are left out (JSON has no NaN).
    let private fingerprints (spec: NetworkSpec) : (string * float[] * float[]) list =
        Network.activations spec
        |> List.map snd
        |> List.filter (fun a -> not (Activation.isBuiltIn a))
        |> List.distinctBy (fun a -> a.Name)
        |> List.map (fun a ->
            let kept = Array.zip probes (Activation.evaluate Float64 a probes) |> Array.filter (snd >> Double.IsFinite)
            a.Name, Array.map fst kept, Array.map snd kept)

    /// The model as JSON, with the given fingerprints and checksum (none: the text the checksum is taken of).
    let private write (indented: bool) (m: Model) (customs: (string * float[] * float[]) list) (checksum: string option) : byte[] =
        use stream = new MemoryStream()
        (use w = new Utf8JsonWriter(stream, JsonWriterOptions(Indented = indented))
         let strings (name: string) (items: string seq) =
             w.WriteStartArray name
             for i in items do w.WriteStringValue i
             w.WriteEndArray()
         let numbers (name: string) (items: float seq) =
             w.WriteStartArray name
             for i in items do w.WriteNumberValue i
             w.WriteEndArray()
         w.WriteStartObject()
         w.WriteString("format", formatName)
         w.WriteNumber("version", formatVersion)
         w.WriteStartObject "network"
         w.WriteString("precision", Dtype.name m.Spec.Precision)
         w.WritePropertyName "symmetry"
         ModelJson.writeSymmetry w m.Spec.Symmetry
         w.WritePropertyName "layers"
         ModelJson.writeLayer w m.Spec.Layers
         w.WriteEndObject()
         w.WriteStartObject "columns"
         strings "inputs" m.InputNames
         strings "targets" m.TargetNames
         w.WriteEndObject()
         w.WriteString("source", m.Source)
         if m.Task = Classification then w.WriteString("task", "classification")
         w.WriteStartObject "standardization"
         numbers "inputMean" m.Standardization.InputMean
         numbers "inputScale" m.Standardization.InputScale
         numbers "targetMean" m.Standardization.TargetMean
         numbers "targetScale" m.Standardization.TargetScale
         w.WriteEndObject()
         w.WriteStartArray "parameters"
         for path, t in List.zip (Params.paths m.Params) (Params.leaves m.Params) do
             w.WriteStartObject()
             w.WriteString("path", path)
             numbers "shape" (t.Shape |> Array.map float)
             numbers "values" (Tensor.toArray t)
             w.WriteEndObject()
         w.WriteEndArray()
         if not customs.IsEmpty then
             w.WriteStartArray "customActivations"
             for name, xs, values in customs do
                 w.WriteStartObject()
                 w.WriteString("name", name)
                 numbers "probes" xs
                 numbers "values" values
                 w.WriteEndObject()
             w.WriteEndArray()
         match checksum with
         | Some c -> w.WriteString("checksum", c)
         | None -> ()
         w.WriteEndObject())
        stream.ToArray()

    /// The SHA-256 of the model's compact JSON without the checksum: every field of the file, in its order, so
    /// that a change of any value, name or setting is a change of the checksum.
    let private checksum (m: Model) (customs: (string * float[] * float[]) list) =
        "sha256:" + Convert.ToHexString(SHA256.HashData(write false m customs None)).ToLowerInvariant()

    /// The model as JSON text (format 2).
    let toJson (m: Model) : string =
        let customs = fingerprints m.Spec
        Encoding.UTF8.GetString(write true m customs (Some (checksum m customs)))

    /// Writes the model to `path` atomically.
    let save (path: string) (m: Model) : unit = AtomicFile.writeAllText path (toJson m)

    /// The format-2 model in `root`, its checksum verified against the stored fingerprints `stored`.
    let private readCurrent (reader: JsonReader) (root: JsonElement) (activation: string -> Activation) (stored: (string * float[] * float[]) list) : Model =
        let network = reader.Prop root "" "network"
        let invalid (e: SeagullException) = if e.Message.StartsWith "model file" then raise e else reader.Fail $"has an invalid network: {e.Message}"
        // Names as they are written, not as a user may type them: a re-spelt name is an edit.
        let precision =
            match reader.Str network "network." "precision" with
            | "float32" -> Float32
            | "float64" -> Float64
            | other -> reader.Fail $"has an invalid network: precision '{other}' (float32 or float64)"
        let symmetry = ModelJson.readSymmetry reader "network.symmetry" (reader.Prop network "network." "symmetry")
        let layers = ModelJson.readLayer reader activation "network.layers" (reader.Prop network "network." "layers")
        let spec = try Network.validate { Symmetry = symmetry; Layers = layers; Precision = precision } with :? SeagullException as e -> invalid e
        let outputs = Network.outputs spec
        let columns = reader.Prop root "" "columns"
        let inputNames = reader.Array columns "columns." "inputs" reader.Text
        let targetNames = reader.Array columns "columns." "targets" reader.Text
        if inputNames.Length <> symmetry.Width then reader.Fail $"has {inputNames.Length} input names for {symmetry.Width} input columns"
        if targetNames.Length <> outputs then reader.Fail $"has {targetNames.Length} target names for a network of {outputs} outputs"
        let st = reader.Prop root "" "standardization"
        let standardization =
            { InputMean = reader.Array st "standardization." "inputMean" reader.Number
              InputScale = reader.Array st "standardization." "inputScale" reader.Number
              TargetMean = reader.Array st "standardization." "targetMean" reader.Number
              TargetScale = reader.Array st "standardization." "targetScale" reader.Number }
        (try Standardization.validate symmetry outputs standardization |> ignore
         with :? SeagullException as e -> reader.Fail $"has an invalid standardisation: {e.Message}")
        // Absent in regression files (which keep the bytes they had before classification existed).
        let task =
            match root.TryGetProperty "task" with
            | false, _ -> Regression
            | true, e when e.ValueKind = JsonValueKind.String && e.GetString() = "classification" -> Classification
            | true, _ -> reader.Fail "has an invalid task (only \"classification\" may be written)"
        let parameters = ModelJson.readParameters reader spec id (reader.Array root "" "parameters" id)
        let model =
            { Spec = spec
              Params = parameters
              Standardization = standardization
              InputNames = inputNames
              TargetNames = targetNames
              Source = reader.Str root "" "source"
              Task = task }
        if reader.Str root "" "checksum" <> checksum model stored then reader.Fail "failed its checksum: it was edited or is corrupt"
        model

    /// Refuses text that cannot be a model file, from its start: a model file is one JSON object, so a data file
    /// given as the model (`--model data.csv`), an empty or a binary file is named for what it is, not by the
    /// JSON parser's internals.
    let private requireObjectStart (reader: JsonReader) (start: string) =
        let text = start.TrimStart()
        if text = "" then reader.Fail "is empty, not a Seagull model file"
        if text.[0] <> '{' then
            let line = text.Split('\n').[0].TrimEnd('\r')
            let shown =
                if line |> Seq.exists Char.IsControl then "binary data"
                elif line.Length > 40 then $"'{line.Substring(0, 40)}…'"
                else $"'{line}'"
            reader.Fail $"is not a Seagull model file: it starts with {shown}, not a JSON object (model files are written by 'seagull train' or SwapInvariantRegressor.Save)"

    /// The line where the text's first JSON value ends when that value is complete (so the parser failed on
    /// what follows it: data appended after a model), or None when the first value itself is broken or cut short.
    let private completeValueLines (text: string) : int option =
        let bytes = Encoding.UTF8.GetBytes text
        let mutable r = Utf8JsonReader(ReadOnlySpan bytes, JsonReaderOptions(AllowMultipleValues = true))
        let complete = try r.Read() && (r.Skip(); true) with :? JsonException -> false
        if not complete then None
        else Some (1 + (bytes |> Array.take (int r.BytesConsumed) |> Array.filter ((=) 10uy) |> Array.length))

    /// Reads a model from JSON text; `name` labels errors; `customs` resolves non-built-in activations.
    let ofJson (name: string) (customs: Activation list) (text: string) : Model =
        let reader = JsonReader name
        requireObjectStart reader text
        let doc =
            try JsonDocument.Parse(text)
            with :? JsonException as e ->
                // Where the parser stopped, not its words ("… LineNumber: 0 | BytePositionInLine: 0."): on the last
                // line the text ends before the model does; before it, the text was changed.
                let lastLine = text.TrimEnd() |> Seq.filter ((=) '\n') |> Seq.length
                match completeValueLines text with
                | Some lines -> reader.Fail $"is corrupt: there is trailing data after the model (its JSON object ends at line {lines}; something was appended to the file?)"
                | None ->
                    match Option.ofNullable e.LineNumber with
                    | Some line when line < int64 lastLine -> reader.Fail $"is corrupt: its JSON is invalid at line {line + 1L} (edited or damaged?)"
                    | _ -> reader.Fail "is truncated or corrupt: its JSON ends before the model does"
        use doc = doc
        let root = doc.RootElement
        let format = match root.TryGetProperty "format" with | true, v when v.ValueKind = JsonValueKind.String -> v.GetString() | _ -> ""
        if format = "" then reader.Fail $"is not a Seagull model file: a JSON object without \"format\": \"{formatName}\""
        if format <> formatName then reader.Fail $"is not a Seagull model file: its format is '{format}', not '{formatName}'"
        let version = reader.Int root "" "version"
        if version > formatVersion then
            reader.Fail $"has format version {version}, newer than this Seagull reads ({formatVersion}); upgrade Seagull"
        if version < 1 then reader.Fail $"has an invalid format version {version}"
        // Format 2 writes built-in names exactly; format 1 was read as users type names (any case, spaces).
        let builtin (n: string) =
            if version = 1 then Activation.tryFind n else Activation.catalogue |> List.tryFind (fun a -> a.Name = n)
        let activation (n: string) =
            match builtin n with
            | Some a -> a
            | None ->
                match customs |> List.tryFind (fun c -> c.Name = n) with
                | Some a -> a
                | None when (Activation.tryFind n).IsSome -> reader.Fail $"uses activation '{n}', which is not how a built-in name is written (edited?)"
                | None -> reader.Fail $"uses activation '{n}', which is not built in: a custom activation, which only code that defines it can load (hand it to the loader: SwapInvariantRegressor.Load(path, activation) in C#, ModelFile.loadWith in F#)"
        let stored =
            match root.TryGetProperty "customActivations" with
            | true, v when v.ValueKind = JsonValueKind.Array ->
                [ for e in v.EnumerateArray() ->
                    reader.Str e "customActivations[]." "name", reader.Array e "customActivations[]." "probes" reader.Number,
                    reader.Array e "customActivations[]." "values" reader.Number ]
            | true, _ -> reader.Fail "has a non-list 'customActivations'"
            | _ -> []
        let model = if version = 1 then ModelFileV1.read reader root activation stored else readCurrent reader root activation stored
        // The activation handed to the loader must compute what the stored one computed.
        let used = Network.activations model.Spec |> List.map snd
        for name, xs, values in stored do
            match used |> List.tryFind (fun a -> a.Name = name) with
            | None -> reader.Fail $"fingerprints activation '{name}', which its network does not use"
            | Some a ->
                if xs.Length <> values.Length then reader.Fail $"has {xs.Length} probes but {values.Length} values for activation '{name}'"
                let given = Activation.evaluate Float64 a xs
                for i in 0 .. xs.Length - 1 do
                    let close = abs (given.[i] - values.[i]) <= 1e-9 * max 1.0 (abs values.[i])
                    if not close then
                        let r (x: float) = x.ToString("R", Globalization.CultureInfo.InvariantCulture)
                        reader.Fail $"was trained with a different activation '{name}': at {r xs.[i]} it gave {r values.[i]}, the one passed to load gives {r given.[i]}"
        model

    /// Loads a model file; `customs` resolves custom activations by name.
    let loadWith (customs: Activation list) (path: string) : Model =
        if not (File.Exists path) then Fail.with' $"model file '{path}' does not exist"
        let text =
            try
                use file = new StreamReader(path)   // UTF-8, or the encoding its byte-order mark names
                // Its start first: a big data file given as the model is refused before it is read whole.
                let start = Array.zeroCreate<char> 256
                let head = String(start, 0, file.ReadBlock(start, 0, start.Length))
                if head.Trim() <> "" then requireObjectStart (JsonReader path) head
                head + file.ReadToEnd()
            with
            | :? UnauthorizedAccessException -> Fail.with' $"model file '{path}' cannot be read: permission denied"
            | :? IOException as e -> Fail.with' $"model file '{path}' cannot be read: {e.Message.TrimEnd('.')}"
        ofJson path customs text

    /// Loads a model file that uses only built-in activations.
    let load (path: string) : Model = loadWith [] path
