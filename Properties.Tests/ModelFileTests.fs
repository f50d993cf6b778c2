module Seagull.Tests.ModelFileTests

open System
open System.IO
open System.Text.Json
open System.Text.Json.Nodes
open Xunit
open Seagull.Core
open Seagull.Testing

/// The format-1 fixtures, copied next to the test assembly (Properties.Tests.fsproj: Fixtures/**).
let private fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "format1")

let private folder = Path.Combine(Path.GetTempPath(), "seagull-model-tests", Guid.NewGuid().ToString("N"))
let private pathOf (name: string) = Directory.CreateDirectory folder |> ignore; Path.Combine(folder, name)

/// Fit settings of a few epochs.
let private epochs (n: int) : FitSettings = { Regressor.defaults with Training = { Train.defaults with Epochs = n } }

let private trained (arch: string) (precision: Dtype) =
    let target = Targets.find "bead_pair"
    let data = Targets.generate target (Random.key 2) 300
    let spec = Architectures.build arch target.Symmetry { Architectures.options [ 6; 4 ] [ Activation.seagull; Activation.tanh ] with Precision = precision }
    let model, _ = Regressor.fit spec (epochs 2) data
    model, data

let private bits (xs: float[]) = xs |> Array.map BitConverter.DoubleToInt64Bits

[<Theory>]
[<InlineData("mlp", "float32")>]
[<InlineData("split", "float64")>]
[<InlineData("pooled", "float32")>]
[<InlineData("symmetrized", "float64")>]
let ``save then load round-trips bitwise`` (arch: string, precision: string) =
    let model, data = trained arch (Dtype.parse precision)
    let path = pathOf $"{arch}-{precision}.json"
    ModelFile.save path model
    let back = ModelFile.load path
    Assert.True(Params.equal model.Params back.Params)
    Assert.Equal<int64[]>(bits (Regressor.predict model data.X), bits (Regressor.predict back data.X))
    Assert.Equal(model.Standardization, back.Standardization)
    Assert.Equal<string[]>(model.InputNames, back.InputNames)
    Assert.Equal<string[]>(model.TargetNames, back.TargetNames)
    Assert.Equal(model.Source, back.Source)
    Assert.True(model.Spec.Symmetry.Equals back.Spec.Symmetry)
    Assert.Equal(model.Spec.Precision, back.Spec.Precision)
    Assert.Equal(Network.describe model.Spec, Network.describe back.Spec)
    Assert.Equal(Architectures.recognise model.Spec |> Option.map fst, Architectures.recognise back.Spec |> Option.map fst)
    Assert.Contains("\"version\": 2", File.ReadAllText path)

let private failsWith (text: string) (part: string) =
    let path = pathOf $"bad-{Guid.NewGuid():N}.json"
    File.WriteAllText(path, text)
    let e = Assert.Throws<SeagullException>(fun () -> ModelFile.load path |> ignore)
    Assert.Contains(part, e.Message)
    Assert.DoesNotContain("\n", e.Message)

let private good = lazy (ModelFile.toJson (fst (trained "mlp" Float32)))

/// The JSON parser's own words ("… LineNumber: 0 | BytePositionInLine: 0.") are not a message for a person.
let private failsPlainly (text: string) (part: string) =
    let path = pathOf $"bad-{Guid.NewGuid():N}.json"
    File.WriteAllText(path, text)
    let e = Assert.Throws<SeagullException>(fun () -> ModelFile.load path |> ignore)
    Assert.Contains(part, e.Message)
    Assert.DoesNotContain("\n", e.Message)
    for internals in [ "LineNumber"; "BytePosition"; "JSON payload"; "0x" ] do Assert.DoesNotContain(internals, e.Message)

[<Fact>]
let ``a truncated file is refused as truncated or corrupt`` () =
    failsPlainly (good.Value.Substring(0, good.Value.Length / 2)) "is truncated or corrupt"
    failsPlainly (good.Value.Substring(0, 1)) "is truncated or corrupt"

[<Fact>]
let ``a file that is not a model is named for what it is`` () =
    // a CSV given as the model (`seagull predict --model data.csv`)
    failsPlainly "u1,v1,w1,y\n1,2,3,4\n" "is not a Seagull model file: it starts with 'u1,v1,w1,y', not a JSON object"
    failsPlainly (String.replicate 30 "abc,") "…'"
    failsPlainly "[1, 2]" "is not a Seagull model file"
    failsPlainly "" "is empty, not a Seagull model file"
    failsPlainly "  \n " "is empty"
    failsPlainly "\u0001\u0002binary" "it starts with binary data"
    failsPlainly "{ \"a\": 1 }" "is not a Seagull model file: a JSON object without \"format\": \"seagull-model\""
    // a JSON error before the last line is an edit or damage, with its line
    failsPlainly (good.Value.Replace("\"version\"", "\"version")) "is corrupt: its JSON is invalid at line 3"
    // the same from text in memory
    let e = Assert.Throws<SeagullException>(fun () -> ModelFile.ofJson "m.json" [] "y,u1\n1,2\n" |> ignore)
    Assert.Contains("model file 'm.json' is not a Seagull model file", e.Message)

[<Fact>]
let ``an edited value is refused by the checksum`` () =
    let text = good.Value
    let i = text.IndexOf("\"values\": [") + 20
    let digit = text |> Seq.skip i |> Seq.findIndex Char.IsDigit
    let at = i + digit
    let changed = text.Substring(0, at) + (if text.[at] = '9' then "1" else "9") + text.Substring(at + 1)
    // a digit of a float32 parameter: no longer a float32 number, or else a different one
    failsWith changed "edited"
    // a float32 parameter replaced by another float32 number, and a standardisation number: the checksum
    let edit (change: Text.Json.Nodes.JsonNode -> unit) =
        let doc = Text.Json.Nodes.JsonNode.Parse text
        change doc
        doc.ToJsonString()
    let nextFloat32 (node: Text.Json.Nodes.JsonNode) = float (MathF.BitIncrement(float32 (node.GetValue<float>())))
    failsWith (edit (fun d -> let values = d.["parameters"].[0].["values"] in values.[0] <- Text.Json.Nodes.JsonValue.Create(nextFloat32 values.[0]))) "checksum"
    failsWith (edit (fun d -> let m = d.["standardization"].["targetMean"] in m.[0] <- Text.Json.Nodes.JsonValue.Create(m.[0].GetValue<float>() + 0.5))) "checksum"

[<Fact>]
let ``an edited spec is refused`` () = failsWith (good.Value.Replace("\"tanh\"", "\"relu\"")) "checksum"

[<Fact>]
let ``a newer format version is refused`` () =
    Assert.Contains("\"version\": 2", good.Value)
    failsWith (good.Value.Replace("\"version\": 2", "\"version\": 7")) "newer"
    failsWith (good.Value.Replace("\"version\": 2", "\"version\": 0")) "invalid format version 0"

[<Fact>]
let ``counts and widths must be whole numbers, not truncated ones`` () =
    failsWith (good.Value.Replace("\"version\": 2", "\"version\": 1.9")) "'version' = 1.9, not a whole number"
    failsWith (good.Value.Replace("\"d\": 1", "\"d\": 1.5")) "'network.symmetry.blocks.d' = 1.5, not a whole number"
    failsWith (good.Value.Replace("\"d\": 1", "\"d\": 1e12")) "not a whole number"
    failsWith (good.Value.Replace("\"width\": 6", "\"width\": 6.5")) "'network.layers.chain[0].dense.width' = 6.5, not a whole number"
    // and in format 1
    let v1 = File.ReadAllText(Path.Combine(fixtures, "split.json"))
    failsWith (v1.Replace("\"d\": 3", "\"d\": 1.5")) "'spec.d' = 1.5, not a whole number"
    failsWith (v1.Replace("\"version\": 1", "\"version\": 1.5")) "'version' = 1.5, not a whole number"

[<Fact>]
let ``another format is refused`` () = failsWith "{ \"format\": \"something-else\" }" "not a Seagull model file: its format is 'something-else', not 'seagull-model'"

[<Fact>]
let ``a missing field is named`` () = failsWith (good.Value.Replace("\"standardization\"", "\"standardisation_x\"")) "standardization"

[<Fact>]
let ``a missing file is named`` () =
    let e = Assert.Throws<SeagullException>(fun () -> ModelFile.load (pathOf "nope.json") |> ignore)
    Assert.Contains("does not exist", e.Message)

[<Fact>]
let ``saving is atomic: no temporary files are left and an existing file is replaced whole`` () =
    let model, _ = trained "mlp" Float32
    let path = pathOf "atomic.json"
    File.WriteAllText(path, "old")
    ModelFile.save path model
    Assert.StartsWith("{", File.ReadAllText path)
    Assert.Empty(Directory.GetFiles(folder, "*.tmp"))

[<Fact>]
let ``custom activations are resolved when loading`` () =
    let cubic = Activation.custom "cubic" (fun z -> z * z * z)
    let target = Targets.find "bead_pair"
    let data = Targets.generate target (Random.key 2) 100
    let spec = Architectures.mlp target.Symmetry (Architectures.options [ 4 ] [ cubic ])
    let model, _ = Regressor.fit spec (epochs 1) data
    let path = pathOf "custom.json"
    ModelFile.save path model
    let e = Assert.Throws<SeagullException>(fun () -> ModelFile.load path |> ignore)
    Assert.Contains("cubic", e.Message)
    let back = ModelFile.loadWith [ cubic ] path
    Assert.Equal<int64[]>(bits (Regressor.predict model data.X), bits (Regressor.predict back data.X))

[<Fact>]
let ``a different formula under the stored custom name is refused, and the fingerprint is checksummed`` () =
    let soft = Activation.custom "soft" (fun z -> Tensor.log (Tensor.addScalar 1.0 (z * z)))
    let impostor = Activation.custom "soft" (fun z -> Tensor.log (Tensor.addScalar 2.0 (z * z)))
    let target = Targets.find "bead_pair"
    let data = Targets.generate target (Random.key 4) 100
    let spec = Architectures.split target.Symmetry { Architectures.options [ 4 ] [ Activation.tanh ] with Even = soft }
    let model, _ = Regressor.fit spec (epochs 1) data
    let path = pathOf "fingerprint.json"
    ModelFile.save path model
    let text = File.ReadAllText path
    Assert.Contains("\"customActivations\"", text)
    let e = Assert.Throws<SeagullException>(fun () -> ModelFile.loadWith [ impostor ] path |> ignore)
    Assert.Contains("different activation 'soft'", e.Message)
    let back = ModelFile.loadWith [ soft ] path
    Assert.Equal<int64[]>(bits (Regressor.predict model data.X), bits (Regressor.predict back data.X))
    // Editing a stored fingerprint value breaks the checksum.
    let doc = Text.Json.Nodes.JsonNode.Parse text
    doc.["customActivations"].[0].["values"].[0] <- Text.Json.Nodes.JsonValue.Create 123.0
    File.WriteAllText(path, doc.ToJsonString())
    let edited = Assert.Throws<SeagullException>(fun () -> ModelFile.loadWith [ soft ] path |> ignore)
    Assert.Contains("checksum", edited.Message)

[<Fact>]
let ``models with built-in activations only carry no fingerprint`` () =
    let model, _ = trained "mlp" Float32
    Assert.DoesNotContain("customActivations", ModelFile.toJson model)

// ---- format 1: the fixtures load bit for bit -------------------------------------------------------------

/// The custom activation the custom fixtures were trained with.
let private ratio = Activation.custom "ratio" (fun z -> z * z / (1.0 + z * z))

let private fixture (name: string) = Path.Combine(fixtures, name)

/// A column of a CSV file, parsed exactly (`Csv.loadForModel` reads the named columns as inputs).
let private csvColumn (path: string) (column: string) = (Csv.loadForModel path [| column |] []).Inputs

[<Theory>]
[<InlineData("mlp", "mlp.predictions.csv", "mlp.predictions.csv", "prediction", "mlp")>]
[<InlineData("split", "split.predictions.csv", "split.predictions.csv", "prediction", "split")>]
[<InlineData("split-odd", "split-odd.predictions.csv", "split-odd.predictions.csv", "prediction", "split")>]
[<InlineData("pooled", "pooled.predictions.csv", "pooled.predictions.csv", "prediction", "pooled")>]
[<InlineData("pooled-sum-f64", "pooled-sum-f64.predictions.csv", "pooled-sum-f64.predictions.csv", "prediction", "pooled")>]
[<InlineData("symmetrized-f64", "symmetrized-f64.predictions.csv", "symmetrized-f64.predictions.csv", "prediction", "symmetrized")>]
[<InlineData("split-custom", "custom.data.csv", "custom.predictions.csv", "split", "split")>]
[<InlineData("mlp-custom", "custom.data.csv", "custom.predictions.csv", "mlp", "mlp")>]
let ``a format-1 model file predicts its stored predictions bit for bit, and again once saved as format 2`` (name: string, data: string, predictions: string, column: string, architecture: string) =
    let file = fixture $"{name}.json"
    let custom = name.EndsWith "-custom"
    let model = if custom then ModelFile.loadWith [ ratio ] file else ModelFile.load file
    let x = (Csv.loadForModel (fixture data) model.InputNames []).Inputs
    let expected = csvColumn (fixture predictions) column
    Assert.Equal(40, expected.Length)
    Assert.Equal<int64[]>(bits expected, bits (Regressor.predict model x))
    // what the file describes: the named architecture of its spec, on blocks (d, k), one target named y
    use doc = JsonDocument.Parse(File.ReadAllText file)
    let spec = doc.RootElement.GetProperty "spec"
    let d, k = spec.GetProperty("d").GetInt32(), spec.GetProperty("k").GetInt32()
    Assert.True(model.Spec.Symmetry.Equals(Symmetry.blocks d k))
    Assert.Equal(Some architecture, Architectures.recognise model.Spec |> Option.map fst)
    Assert.Equal(spec.GetProperty("precision").GetString(), Dtype.name model.Spec.Precision)
    Assert.Equal<int list>([ for h in spec.GetProperty("hidden").EnumerateArray() -> h.GetInt32() ], (Architectures.recognise model.Spec).Value |> snd |> fun o -> o.Hidden)
    Assert.Equal<string[]>([| "y" |], model.TargetNames)
    Assert.Equal(doc.RootElement.GetProperty("source").GetString(), model.Source)
    // saved again (format 2, on disk) and reloaded: the same bits
    let path = pathOf $"{name}-v2.json"
    ModelFile.save path model
    Assert.Contains("\"version\": 2", File.ReadAllText path)
    let again = if custom then ModelFile.loadWith [ ratio ] path else ModelFile.load path
    Assert.Equal<int64[]>(bits expected, bits (Regressor.predict again x))
    Assert.True(Params.equal model.Params again.Params)
    Assert.Equal(model.Standardization, again.Standardization)
    Assert.Equal(Network.describe model.Spec, Network.describe again.Spec)
    // and the format-2 text of a format-1 model is the format-2 text of its reload (nothing lost in between)
    Assert.Equal(ModelFile.toJson model, ModelFile.toJson again)

[<Fact>]
let ``a format-1 model with a custom activation needs that activation, the same formula under its name`` () =
    for name in [ "split-custom"; "mlp-custom" ] do
        let file = fixture $"{name}.json"
        Assert.Contains("'ratio'", (Assert.Throws<SeagullException>(fun () -> ModelFile.load file |> ignore)).Message)
        let impostor = Activation.custom "ratio" (fun z -> z * z / (2.0 + z * z))
        Assert.Contains("different activation 'ratio'", (Assert.Throws<SeagullException>(fun () -> ModelFile.loadWith [ impostor ] file |> ignore)).Message)

// ---- editing any one field of a model file is refused ----------------------------------------------------

/// A step into a JSON tree: a property or an array position.
type private Step =
    | Key of string
    | At of int

let private stepText (steps: Step list) =
    steps |> List.map (function Key k -> "." + k | At i -> $"[{i}]") |> String.concat ""

/// Every leaf of the tree with its path; of long arrays of numbers (parameter values) only the first and last
/// three and `sampled` others drawn with `key`.
let rec private leavesOf (key: Key) (sampled: int) (path: Step list) (node: JsonNode) : (Step list * JsonNode) list =
    match node with
    | :? JsonObject as o -> [ for i, p in Seq.indexed o do yield! leavesOf (Random.fold key i) sampled (path @ [ Key p.Key ]) p.Value ]
    | :? JsonArray as a ->
        let n = a.Count
        let positions =
            if n <= 12 then [ 0 .. n - 1 ]
            else
                let random = Random.uniforms key sampled 0.0 (float n) |> Array.map int |> List.ofArray
                [ 0; 1; 2; n - 3; n - 2; n - 1 ] @ random |> List.distinct |> List.sort
        [ for i in positions do yield! leavesOf (Random.fold key i) sampled (path @ [ At i ]) a.[i] ]
    | leaf -> [ path, leaf ]

/// Other values of the leaf's type: a text with an x appended and, where the text names something (an
/// activation, a precision, a pooling, a mirror axis, an architecture), another thing of that kind; for a
/// number the next double up, the next float32 up, its negation and, for whole numbers, one more; for a
/// boolean the other one.
let private otherValues (leaf: JsonNode) : JsonNode list =
    let value = leaf.AsValue()
    match leaf.GetValueKind() with
    | JsonValueKind.String ->
        let s = value.GetValue<string>()
        let alternatives =
            [ yield s + "x"
              match Activation.tryFind s with
              | Some a -> yield (if a.Name = "tanh" then "seagull" else "tanh")
              | None -> ()
              if s = "ratio" then yield "seagull"
              match s with
              | "float32" -> yield "float64"
              | "float64" -> yield "float32"
              | "sum" -> yield "sum+absdiff"
              | "sum+absdiff" -> yield "sum"
              | "left-right" -> yield "top-bottom"
              | "top-bottom" -> yield "left-right"
              | _ -> ()
              match List.tryFindIndex ((=) s) Architectures.names with
              | Some i -> yield Architectures.names.[(i + 1) % Architectures.names.Length]
              | None -> () ]
        alternatives |> List.distinct |> List.filter ((<>) s) |> List.map (fun t -> JsonValue.Create t :> JsonNode)
    | JsonValueKind.Number ->
        let v = value.GetValue<float>()
        [ yield Math.BitIncrement v
          yield float (MathF.BitIncrement(float32 v))
          if v <> 0.0 then yield -v
          if Math.Round v = v then yield v + 1.0 ]
        |> List.distinct |> List.filter (fun w -> w <> v && Double.IsFinite w)
        |> List.map (fun w -> (if Math.Round w = w && abs w < 1e9 then JsonValue.Create(int64 w) else JsonValue.Create w) :> JsonNode)
    | JsonValueKind.True -> [ JsonValue.Create false ]
    | JsonValueKind.False -> [ JsonValue.Create true ]
    | other -> failwith $"unexpected leaf {other}"

/// The text with the leaf at `path` replaced by `replacement`.
let private replaced (text: string) (path: Step list) (replacement: JsonNode) =
    let root = JsonNode.Parse text
    let parentPath, last = List.take (path.Length - 1) path, List.last path
    let parent = parentPath |> List.fold (fun (n: JsonNode) step -> match step with Key k -> n.[k] | At i -> n.[i]) root
    match last with
    | Key k -> parent.[k] <- replacement
    | At i -> parent.[i] <- replacement
    root.ToJsonString()

/// Edits every leaf of the model file's text (each to each of its `otherValues`, one at a time) and returns the
/// edits that loaded, with the number of edits tried.
let private editsThatLoad (customs: Activation list) (text: string) =
    Assert.NotNull(ModelFile.ofJson "original" customs text)   // the unedited text loads
    let leaves = leavesOf (Random.key 17) 5 [] (JsonNode.Parse text)
    let edits = [ for path, leaf in leaves do for other in otherValues leaf -> path, leaf, other ]
    let loaded =
        edits |> List.choose (fun (path, leaf, other) ->
            try
                ModelFile.ofJson "edited" customs (replaced text path other) |> ignore
                Some $"{stepText path}: {leaf.ToJsonString()} → {other.ToJsonString()}"
            with :? SeagullException as e ->
                Assert.DoesNotContain("\n", e.Message)
                None)
    leaves.Length, edits.Length, loaded

/// A format-2 model with every kind of layer, two targets, a custom activation, a source, and symmetries of
/// every kind: the network's (blocks or an image mirror) and a permutation inside.
let private everyKindOfModel (symmetry: Symmetry) =
    let s = symmetry
    let inner = Symmetry.ofPermutation [| 1; 0; 3; 2 |]
    let layers =
        Chain
            [ Parallel
                [ Split (s, Dense (3, Activation.tanh, true), Dense (2, ratio, false), Chain [ Dense (3, Activation.relu, true) ])
                  SwapPool (s, Chain [ Dense (4, Activation.seagull, true) ], PoolSumAbsDiff, Dense (2, Activation.identity, true))
                  Symmetrize (s, Chain [ Dense (3, Activation.gelu, false); Dense (2, Activation.identity, true) ]) ]
              Dense (4, Activation.tanh, true)
              Symmetrize (inner, SwapPool (inner, Dense (2, Activation.cos, true), PoolSum, Dense (2, Activation.identity, true))) ]
    let spec = Network.validate { Symmetry = s; Layers = layers; Precision = Float32 }
    let rows = 60
    let x = Random.uniforms (Random.key 5) (rows * s.Width) -1.0 1.0
    let y = Random.uniforms (Random.key 6) (rows * 2) -1.0 1.0 |> Array.mapi (fun i v -> if i % 2 = 0 then v else 100.0 * v + 3.0)
    let data = Dataset.create s (Symmetry.defaultNames s) [| "energy"; "force" |] x y
    let model, _ = Regressor.fit spec (epochs 1) data
    { model with Source = "unit-test data" }

[<Fact>]
let ``editing any one field of a format-2 model file is refused`` () =
    for symmetry in [ Symmetry.blocks 2 1; Symmetry.mirror TopBottom 2 3 2 ] do
        let model = everyKindOfModel symmetry
        Assert.True(Network.isExactlyInvariant model.Spec)
        let text = ModelFile.toJson model
        let leaves, edits, loaded = editsThatLoad [ ratio ] text
        Assert.True(leaves > 120 && edits > 350, $"{leaves} leaves, {edits} edits")
        let shown = String.Join("; ", loaded |> List.truncate 10)
        Assert.True(loaded.IsEmpty, $"{loaded.Length} of {edits} edits of {symmetry} loaded: {shown}")

[<Theory>]
[<InlineData("split-custom")>]
[<InlineData("pooled-sum-f64")>]
[<InlineData("symmetrized-f64")>]
[<InlineData("mlp")>]
let ``editing any one field of a format-1 model file is refused`` (name: string) =
    let text = File.ReadAllText(fixture $"{name}.json")
    let leaves, edits, loaded = editsThatLoad [ ratio ] text
    Assert.True(leaves > 50 && edits > 150, $"{leaves} leaves, {edits} edits")
    let shown = String.Join("; ", loaded |> List.truncate 10)
    Assert.True(loaded.IsEmpty, $"{loaded.Length} of {edits} edits of {name} loaded: {shown}")

/// Names are read as format 2 writes them: a re-spelt name ("Tanh", " tanh ", "FLOAT32", "SUM+ABSDIFF") is an edit
/// and is refused, though the checksum is taken of the model as re-written from what was read.
[<Fact>]
let ``a format-2 file with a re-spelt name is refused like any other edit`` () =
    let text = ModelFile.toJson (everyKindOfModel (Symmetry.blocks 2 1))
    let respelt =
        [ "\"activation\": \"tanh\"", "\"activation\": \"Tanh\""
          "\"activation\": \"tanh\"", "\"activation\": \" tanh \""
          "\"precision\": \"float32\"", "\"precision\": \"FLOAT32\""
          "\"pooling\": \"sum\\u002Babsdiff\"", "\"pooling\": \"SUM\\u002BABSDIFF\"" ]
    let loaded =
        [ for original, edit in respelt do
            Assert.Contains(original, text)
            match (try Some (ModelFile.ofJson "respelt" [ ratio ] (text.Replace(original, edit))) with :? SeagullException -> None) with
            | Some _ -> yield edit
            | None -> () ]
    Assert.True(loaded.IsEmpty, "these re-spelt names loaded: " + String.Join("; ", loaded))

[<Fact>]
let ``a format-2 file whose parts do not fit together is refused, naming the part`` () =
    let text = ModelFile.toJson (everyKindOfModel (Symmetry.blocks 2 1))
    let edited (change: JsonNode -> unit) =
        let doc = JsonNode.Parse text
        change doc
        doc.ToJsonString()
    let refused (part: string) (change: JsonNode -> unit) =
        let e = Assert.Throws<SeagullException>(fun () -> ModelFile.ofJson "m.json" [ ratio ] (edited change) |> ignore)
        Assert.Contains(part, e.Message)
        Assert.StartsWith("model file 'm.json' ", e.Message)
        Assert.DoesNotContain("\n", e.Message)
    refused "has 1 target names for a network of 2 outputs" (fun d -> d.["columns"].["targets"].AsArray().RemoveAt 1)
    refused "has 4 input names for 5 input columns" (fun d -> d.["columns"].["inputs"].AsArray().RemoveAt 0)
    refused "2 means and 2 scales for 1 target columns" (fun d ->
        d.["network"].["layers"].["chain"].[2].["symmetrize"].["inner"].["swapPool"].["next"].["dense"].["width"] <- JsonValue.Create 1
        d.["columns"].["targets"].AsArray().RemoveAt 1)
    refused "unknown layer 'convolution' at 'network.layers.chain[1]'" (fun d ->
        d.["network"].["layers"].["chain"].AsArray().[1] <- JsonNode.Parse "{ \"convolution\": { \"width\": 4 } }")
    refused "not one tagged object" (fun d -> d.["network"].["layers"].["chain"].[1].AsObject().Add("dense2", JsonNode.Parse "{}"))
    refused "unknown symmetry 'rotation' at 'network.symmetry'" (fun d -> d.["network"].["symmetry"] <- JsonNode.Parse "{ \"rotation\": { \"degrees\": 90 } }")
    refused "unknown mirror axis 'diagonal'" (fun d -> d.["network"].["symmetry"] <- JsonNode.Parse "{ \"mirror\": { \"axis\": \"diagonal\", \"width\": 5, \"height\": 1, \"channels\": 1 } }")
    refused "invalid symmetry at 'network.symmetry'" (fun d -> d.["network"].["symmetry"] <- JsonNode.Parse "{ \"permutation\": [ 1, 2, 0, 3, 4 ] }")
    refused "invalid network: split layer: its symmetry has 5 columns (u:2 v:2 w:1) but its input has 4" (fun d -> d.["network"].["symmetry"] <- JsonNode.Parse "{ \"blocks\": { \"d\": 1, \"k\": 2 } }")
    refused "invalid '" (fun d -> d.["network"].["layers"].["chain"].[2].["symmetrize"].["inner"].["swapPool"].["pooling"] <- JsonValue.Create "max")
    refused "uses activation 'wobble'" (fun d -> d.["network"].["layers"].["chain"].[1].["dense"].["activation"] <- JsonValue.Create "wobble")
    refused "parameter" (fun d -> d.["parameters"].AsArray().RemoveAt 0)
    // the fingerprints are checksummed: another name is caught before it is compared with the network's
    refused "checksum" (fun d -> d.["customActivations"].[0].["name"] <- JsonValue.Create "seagull")
    // a model with a custom activation needs it to load
    Assert.Contains("'ratio'", (Assert.Throws<SeagullException>(fun () -> ModelFile.ofJson "m.json" [] text |> ignore)).Message)

/// Model files resolve built-in names first, so a custom activation may not take a built-in's name: it is refused
/// when it is made, and a model with it can never be saved and then fail to load.
[<Fact>]
let ``a custom activation named like a built-in one is refused when it is made`` () =
    for name in [ "tanh"; "Seagull"; " relu " ] do
        Checks.expectOneLineError [ "is the name of a built-in activation" ] (fun () -> Activation.custom name (fun z -> z * z * z)) |> ignore

[<Fact>]
let ``check measures each output in its own target's units`` () =
    // Output 0 is invariant, output 1 is not; their targets have scales 1 and 1000.
    let s = Symmetry.blocks 1 1
    let tree = Parallel [ Symmetrize (s, Dense (1, Activation.tanh, true)); Dense (1, Activation.tanh, true) ]
    let spec = Network.validate { Symmetry = s; Layers = tree; Precision = Float64 }
    let p = Network.init spec (Random.key 3)
    let model =
        { Spec = spec; Params = p; InputNames = [| "u1"; "v1"; "w1" |]; TargetNames = [| "a"; "b" |]; Source = ""; Task = Regression
          Standardization = { InputMean = [| 0.0; 0.0; 0.0 |]; InputScale = [| 1.0; 1.0; 1.0 |]; TargetMean = [| 0.0; 5.0 |]; TargetScale = [| 1.0; 1000.0 |] } }
    let c = Evaluation.check model 100 4
    Assert.False c.ExactlyInvariant
    let x = Tensor.ofArray Float64 [| 100; 3 |] (Random.normals (Random.key 4) 300 |> Array.map (fun v -> 2.0 * v))
    let y = Network.apply spec p x |> Tensor.toArray
    let ySwapped = Network.apply spec p (Symmetry.swap s x) |> Tensor.toArray
    let differences t = Array.init 100 (fun i -> abs (y.[2 * i + t] - ySwapped.[2 * i + t]))
    Assert.Equal(0.0, Array.max (differences 0))
    Assert.Equal(1000.0 * Array.max (differences 1), c.InvarianceError)
