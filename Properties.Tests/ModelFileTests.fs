module Seagull.Tests.ModelFileTests

open System
open System.IO
open System.Threading
open Xunit
open Seagull.Core

let private folder = Path.Combine(Path.GetTempPath(), "seagull-model-tests", Guid.NewGuid().ToString("N"))
let private pathOf (name: string) = Directory.CreateDirectory folder |> ignore; Path.Combine(folder, name)

let private trained (arch: Architecture) (precision: Dtype) =
    let target = Targets.find "bead_pair"
    let data = Targets.generate target (Random.key 2) 300
    let spec = { NetworkSpec.create arch target.Blocks [ 6; 4 ] [ Activation.seagull; Activation.tanh ] with Precision = precision }
    let model, _ = Regressor.fit spec { Train.defaults with Epochs = 2 } data None None ignore CancellationToken.None
    model, data

let private bits (xs: float[]) = xs |> Array.map BitConverter.DoubleToInt64Bits

[<Theory>]
[<InlineData("mlp", "float32")>]
[<InlineData("split", "float64")>]
[<InlineData("pooled", "float32")>]
[<InlineData("symmetrized", "float64")>]
let ``save then load round-trips bitwise`` (arch: string, precision: string) =
    let model, data = trained (NetworkSpec.parseArchitecture arch) (Dtype.parse precision)
    let path = pathOf $"{arch}-{precision}.json"
    ModelFile.save path model
    let back = ModelFile.load path
    Assert.True(Params.equal model.Params back.Params)
    Assert.Equal<int64[]>(bits (Regressor.predict model data.X), bits (Regressor.predict back data.X))
    Assert.Equal(model.Standardization, back.Standardization)
    Assert.Equal<string[]>(model.InputNames, back.InputNames)
    Assert.Equal(NetworkSpec.describe model.Spec, NetworkSpec.describe back.Spec)

let private failsWith (text: string) (part: string) =
    let path = pathOf $"bad-{Guid.NewGuid():N}.json"
    File.WriteAllText(path, text)
    let e = Assert.Throws<SeagullException>(fun () -> ModelFile.load path |> ignore)
    Assert.Contains(part, e.Message)
    Assert.DoesNotContain("\n", e.Message)

let private good = lazy (ModelFile.toJson (fst (trained Mlp Float32)))

[<Fact>]
let ``a truncated file is refused`` () = failsWith (good.Value.Substring(0, good.Value.Length / 2)) "not valid JSON"

[<Fact>]
let ``an edited value is refused by the checksum`` () =
    let text = good.Value
    let i = text.IndexOf("\"values\": [") + 20
    let digit = text |> Seq.skip i |> Seq.findIndex Char.IsDigit
    let at = i + digit
    let changed = text.Substring(0, at) + (if text.[at] = '9' then "1" else "9") + text.Substring(at + 1)
    failsWith changed "checksum"

[<Fact>]
let ``an edited spec is refused`` () = failsWith (good.Value.Replace("\"tanh\"", "\"relu\"")) "checksum"

[<Fact>]
let ``a newer format version is refused`` () = failsWith (good.Value.Replace("\"version\": 1", "\"version\": 7")) "newer"

[<Fact>]
let ``counts and widths must be whole numbers, not truncated ones`` () =
    failsWith (good.Value.Replace("\"version\": 1", "\"version\": 1.9")) "'version' = 1.9, not a whole number"
    failsWith (good.Value.Replace("\"d\": 1", "\"d\": 1.5")) "'spec.d' = 1.5, not a whole number"
    failsWith (good.Value.Replace("\"d\": 1", "\"d\": 1e12")) "not a whole number"

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
    let model, _ = trained Mlp Float32
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
    let spec = NetworkSpec.create Mlp target.Blocks [ 4 ] [ cubic ]
    let model, _ = Regressor.fit spec { Train.defaults with Epochs = 1 } data None None ignore CancellationToken.None
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
    let spec = { NetworkSpec.create Split target.Blocks [ 4 ] [ Activation.tanh ] with Even = soft }
    let model, _ = Regressor.fit spec { Train.defaults with Epochs = 1 } data None None ignore CancellationToken.None
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
    let model, _ = trained Mlp Float32
    Assert.DoesNotContain("customActivations", ModelFile.toJson model)
