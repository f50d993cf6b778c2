namespace Seagull.Core

open System

/// A fitted model translated into an ONNX graph description (`GraphDescription`): the pure half of `seagull export`.
/// The graph holds the whole model: x (float32, in the model's units; an image model's raw pixels ÷ 255) → float64 → the input standardisation →
/// the network's precision → the layer tree → float64 → the targets' de-standardisation (regression: `y`), or the
/// logits and their softmax (classification: `logits`, `probabilities`) → float32. Standardisation and softmax run in
/// float64 as Seagull runs them; a float64 model keeps float64 weights and computes in float64 inside.
[<RequireQualifiedAccess>]
module ModelGraph =
    /// The ONNX operator set of the graphs: 21 (ONNX 1.16, run by ONNX Runtime from 1.18 on).
    let opset = 21

    /// What an image model's graph divides its raw pixel values by: the scale of Seagull's image readers.
    let imagePixelScale : float32 = ImageInput.pixelScale

    /// The name of the graph's one input.
    let inputName = "x"

    let private children (expected: int) (p: Params) : Params list =
        match p with
        | Group c when c.Length = expected -> c |> List.map snd
        | _ -> Fail.with' "cannot export: the model's parameters do not fit its network"

    let private under (path: string) (name: string) = if path = "" then name else path + "/" + name

    let private constantOf (b: GraphBuilder) (dtype: Dtype) (name: string) (t: Tensor) : string =
        b.Constant(name, Array.copy t.Raw.Shape, RealValues (dtype, Tensor.toArray t))

    let private columns (b: GraphBuilder) (name: string) (indices: int[]) : string =
        b.Constant(name, [| indices.Length |], IntegerValues (indices |> Array.map int64))

    /// The columns `indices` of x: a Gather along axis 1 (the swap and the split's u, v and w).
    let private gather (b: GraphBuilder) (name: string) (indices: int[]) (x: string) : string =
        b.Op("Gather", [ x; columns b name indices ], [ "axis", 1L ])

    /// σ(x·W + b) of one dense layer, its parameters named by their path in the parameter tree.
    let private dense (b: GraphBuilder) (dtype: Dtype) (path: string) (activation: Activation) (p: Params) (x: string) : string =
        ActivationGraphs.require activation
        let leaves = match p with Group c -> c | Leaf _ -> []
        let find name = leaves |> List.tryPick (fun (n, q) -> match q with Leaf t when n = name -> Some t | _ -> None)
        let weight = match find "weight" with Some w -> w | None -> Fail.with' $"cannot export: the dense layer '{path}' has no weight"
        let product = b.Op("MatMul", [ x; constantOf b dtype (under path "weight") weight ])
        let z = match find "bias" with Some bias -> b.Op("Add", [ product; constantOf b dtype (under path "bias") bias ]) | None -> product
        // α is computed with in float64 (`ActivationGraphs.emit`); float32 α values are exact in float64.
        let alpha = find "alpha" |> Option.map (constantOf b Float64 (under path "alpha"))
        ActivationGraphs.emit b dtype activation alpha z

    /// The nodes of a layer tree on x, its parameters matched to its parts by position as `Network.apply` matches them.
    let rec private layer (b: GraphBuilder) (dtype: Dtype) (path: string) (node: LayerNode) (p: Params) (x: string) : string =
        let parts = children node.Children.Length
        let child i (q: Params) (input: string) =
            let name, _, c = node.Children.[i]
            layer b dtype (under path name) c q input
        match node.Layer with
        | Dense (_, activation, _) -> dense b dtype path activation p x
        | Chain [] -> x
        | Chain _ -> parts p |> List.indexed |> List.fold (fun h (i, q) -> child i q h) x
        | Parallel _ -> b.Op("Concat", parts p |> List.mapi (fun i q -> child i q x), [ "axis", 1L ])
        | Split (s, _, _, _) ->
            match parts p with
            | [ ps; pd; pn ] ->
                let u = gather b "columns/u" s.UColumns x
                let v = gather b "columns/v" s.VColumns x
                let pairs = b.Op("Add", [ u; v ])
                let sumInput = if s.WColumns.Length = 0 then pairs else b.Op("Concat", [ pairs; gather b "columns/w" s.WColumns x ], [ "axis", 1L ])
                let first = child 0 ps sumInput
                let second = child 1 pd (b.Op("Sub", [ u; v ]))
                child 2 pn (b.Op("Concat", [ first; second ], [ "axis", 1L ]))
            | _ -> Fail.with' "unreachable"
        | SwapPool (s, _, pooling, _) ->
            match parts p with
            | [ pi; pn ] ->
                let a = child 0 pi x
                let swapped = child 0 pi (gather b "columns/swap" s.Map x)
                let sum = b.Op("Add", [ a; swapped ])
                let pooled =
                    match pooling with
                    | PoolSum -> sum
                    | PoolSumAbsDiff -> b.Op("Concat", [ sum; b.Op("Abs", [ b.Op("Sub", [ a; swapped ]) ]) ], [ "axis", 1L ])
                child 1 pn pooled
            | _ -> Fail.with' "unreachable"
        | Symmetrize (s, _) ->
            match parts p with
            | [ pi ] ->
                let g = child 0 pi x
                let swapped = child 0 pi (gather b "columns/swap" s.Map x)
                b.Op("Mul", [ b.Op("Add", [ g; swapped ]); b.Scalar(dtype, 0.5) ])
            | _ -> Fail.with' "unreachable"

    /// Names joined by commas, a name holding a comma or a quote quoted as in CSV (RFC 4180).
    let private joined (names: string[]) =
        names
        |> Array.map (fun n -> if n.Contains ',' || n.Contains '"' then Csv.quoted n else n)
        |> String.concat ","

    /// What the graph divides its input by before the model: the readers' pixel scale for an image model (a mirror
    /// symmetry: every Seagull reader of images gives it pixels divided by 255), none for a table model. Derived
    /// from the symmetry, which every model file already records, so that files need no new field.
    let pixelScale (model: Model) : float32 option =
        match model.Spec.Symmetry.Shape with
        | Mirror _ -> Some imagePixelScale
        | _ -> None

    /// The graph of a fitted model, or a one-line error (an activation with no ONNX form names itself).
    /// Example: `let graph = ModelGraph.ofModel (ModelFile.load "spring.json")`.
    let ofModel (model: Model) : GraphDescription =
        let spec = Network.validate model.Spec
        for _, a in Network.activations spec do ActivationGraphs.require a
        let dtype = spec.Precision
        let width = spec.Symmetry.Width
        let outputs = Network.outputs spec
        let s = model.Standardization
        let b = GraphBuilder()
        let vector name (values: float[]) = b.Constant(name, [| values.Length |], RealValues (Float64, values))
        // An image classifier takes raw pixel values in the file's units (0–255), as `seagull predict` reads them, and
        // scales them as the readers do: a float32 division by 255 (`ImageInput.scale`), so both see the same bits.
        let raw = match pixelScale model with Some scale -> b.Op("Div", [ inputName; b.Scalar(Float32, float scale) ]) | None -> inputName
        // Standardised in float64 and rounded once to the network's precision, as `Regressor.predict` does.
        let x64 = b.Cast(raw, Float64)
        let standardised = b.Op("Div", [ b.Op("Sub", [ x64; vector "standardization/input_mean" s.InputMean ]); vector "standardization/input_scale" s.InputScale ])
        let input = if dtype = Float64 then standardised else b.Cast(standardised, dtype)
        let network = layer b dtype "" (Layer.resolve width spec.Layers) model.Params input
        let network64 = if dtype = Float64 then network else b.Cast(network, Float64)
        let outputNames =
            match model.Task with
            | Regression ->
                let y = b.Op("Add", [ b.Op("Mul", [ network64; vector "standardization/target_scale" s.TargetScale ]); vector "standardization/target_mean" s.TargetMean ])
                b.Named("Cast", [ y ], "y", [ "to", OnnxType.float32 ]) |> ignore
                [ "y", outputs ]
            | Classification ->
                // The logits are not standardised (scale 1, mean 0): Seagull returns the network's own.
                b.Named("Cast", [ network64 ], "logits", [ "to", OnnxType.float32 ]) |> ignore
                let p = b.Op("Softmax", [ network64 ], [ "axis", -1L ])
                b.Named("Cast", [ p ], "probabilities", [ "to", OnnxType.float32 ]) |> ignore
                [ "logits", outputs; "probabilities", outputs ]
        { Opset = opset
          Input = inputName
          InputWidth = width
          Outputs = outputNames
          Nodes = b.Nodes
          Constants = b.Constants
          Metadata =
            [ "seagull.inputs", joined model.InputNames
              "seagull.outputs", joined model.TargetNames
              "seagull.task", (match model.Task with Regression -> "regression" | Classification -> "classification")
              "seagull.network", Network.describe spec
              "seagull.exactly_invariant", (if Network.isExactlyInvariant spec then "true" else "false") ]
            @ (match pixelScale model with
               | Some scale -> [ "seagull.pixel_scale", scale.ToString("R", Globalization.CultureInfo.InvariantCulture) ]
               | None -> [])
          Description = Network.describe spec }
