module Seagull.Tests.ModelFileTests

open System
open System.IO
open System.Threading
open Xunit
open Seagull.Core

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

[<Fact>]
let ``a truncated file is refused`` () = failsWith (good.Value.Substring(0, good.Value.Length / 2)) "not valid JSON"

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
let ``another format is refused`` () = failsWith "{ \"format\": \"something-else\" }" "not a Seagull model"

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
