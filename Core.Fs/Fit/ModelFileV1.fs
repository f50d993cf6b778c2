namespace Seagull.Core

open System
open System.Security.Cryptography
open System.Text
open System.Text.Json

/// Model files of format 1, as Seagull wrote them before networks were layer trees: a named architecture with
/// one output, blocks (d, k), and parameters named by the architecture ("layer1", "sum", "difference", "first").
/// They load as the layer trees `Architectures` builds, with the same parameters: the same predictions, bit for bit.
module internal ModelFileV1 =
    let private r (x: float) = x.ToString("R", Globalization.CultureInfo.InvariantCulture)

    /// The checksum format 1 computed, over its fields in a fixed order (numbers in round-trip form) and, for
    /// models with custom activations, their fingerprints.
    let private checksum (lines: string list) =
        let text = StringBuilder()
        for line in lines do text.Append(line).Append('\n') |> ignore
        "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant()

    /// A format-1 parameter path from the layer tree's: the tree nests the rest of a network under "next" and a
    /// symmetrized network under "inner"; format 1 named the pooled first layer "first".
    let private formerPath (architecture: string) (path: string) =
        let strip (prefix: string) (p: string) = if p.StartsWith prefix then p.Substring prefix.Length else p
        match architecture with
        | "pooled" when path.StartsWith "inner/" -> "first/" + path.Substring 6
        | "symmetrized" -> strip "inner/" path
        | _ -> strip "next/" path

    /// The model in a format-1 document (`root`), its checksum verified; `activation` resolves names and
    /// `fingerprints` reads the stored custom-activation fingerprints, both as the current format does.
    let read (reader: JsonReader) (root: JsonElement) (activation: string -> Activation)
             (fingerprints: (string * float[] * float[]) list) : Model =
        let fail (why: string) : 'a = reader.Fail why
        let s = reader.Prop root "" "spec"
        let architecture = (reader.Str s "spec." "architecture").Trim().ToLowerInvariant()
        let architecture = if architecture = "symmetrised" then "symmetrized" else architecture
        let d, k = reader.Int s "spec." "d", reader.Int s "spec." "k"
        let hidden = reader.Array s "spec." "hidden" reader.Number |> Array.map (reader.Whole "spec.hidden")
        let activationNames = reader.Array s "spec." "activations" reader.Text
        let evenName = reader.Str s "spec." "even"
        let poolName = reader.Str s "spec." "pool"
        let precisionName = reader.Str s "spec." "precision"
        let activations = activationNames |> Array.map activation
        let even = activation evenName
        let spec =
            try
                let symmetry = Symmetry.blocks d k
                let options =
                    { Hidden = List.ofArray hidden
                      Activations = List.ofArray activations
                      Even = even
                      Pooling = Layer.parsePooling poolName
                      Outputs = 1
                      Precision = Dtype.parse precisionName }
                Architectures.build architecture symmetry options
            with :? SeagullException as e when not (e.Message.StartsWith "model file") -> fail $"has an invalid spec: {e.Message}"
        let columns = reader.Prop root "" "columns"
        let inputNames = Array.concat [ reader.Array columns "columns." "u" reader.Text; reader.Array columns "columns." "v" reader.Text; reader.Array columns "columns." "w" reader.Text ]
        if inputNames.Length <> spec.Symmetry.Width then fail "has column names that do not match its blocks"
        let targetName = reader.Str columns "columns." "y"
        let source = match root.TryGetProperty "source" with | true, v when v.ValueKind = JsonValueKind.String -> v.GetString() | _ -> ""
        let st = reader.Prop root "" "standardization"
        let inputMean = reader.Array st "standardization." "inputMean" reader.Number
        let inputScale = reader.Array st "standardization." "inputScale" reader.Number
        let targetMean = reader.Num st "standardization." "targetMean"
        let targetScale = reader.Num st "standardization." "targetScale"
        if inputMean.Length <> inputNames.Length || inputScale.Length <> inputNames.Length then
            fail "has a standardisation that does not match its columns"
        let parameters = ModelJson.readParameters reader spec (formerPath architecture) (reader.Array root "" "parameters" id)
        let paths = Params.paths parameters |> List.map (formerPath architecture)
        let expected = reader.Str root "" "checksum"
        let lines =
            [ "seagull-model/1"
              architecture
              $"{d},{k}"
              String.Join(",", hidden)
              String.Join(",", activations |> Array.map (fun a -> a.Name))
              even.Name
              Layer.poolingName (Layer.parsePooling poolName)
              Dtype.name (Dtype.parse precisionName)
              String.Join("\u001f", inputNames)
              targetName
              source
              String.Join(",", inputMean |> Array.map r)
              String.Join(",", inputScale |> Array.map r)
              $"{r targetMean},{r targetScale}" ]
            @ [ for path, t in List.zip paths (Params.leaves parameters) ->
                    $"{path}:{String.Join(',', t.Shape)}:{String.Join(',', Tensor.toArray t |> Array.map r)}" ]
            @ [ for name, xs, values in fingerprints ->
                    $"custom:{name}:{String.Join(',', xs |> Array.map r)}:{String.Join(',', values |> Array.map r)}" ]
        if expected <> checksum lines then fail "failed its checksum: it was edited or is corrupt"
        { Spec = spec
          Params = parameters
          Standardization = { InputMean = inputMean; InputScale = inputScale; TargetMean = [| targetMean |]; TargetScale = [| targetScale |] }
          InputNames = inputNames
          TargetNames = [| targetName |]
          Source = source
          Task = Regression }
