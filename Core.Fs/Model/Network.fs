namespace Seagull.Core

open System

/// A network described as plain, serialisable data: the symmetry of its input (which fixes the input width),
/// the tree of layers, and the precision it computes in.
///
/// Example: `{ Symmetry = Symmetry.blocks 3 3; Layers = Chain [ Dense (64, Activation.seagull, true); Dense (1, Activation.identity, true) ]; Precision = Float32 }`.
[<NoEquality; NoComparison>]
type NetworkSpec =
    { Symmetry: Symmetry
      Layers: Layer
      Precision: Dtype }

/// One layer's learned α, summarised over its neurons as `seagull train` reports it: the distribution of |α|
/// (σ depends on α² only, so α's sign carries nothing).
type LearnedActivationSummary =
    { /// The dense layer's path in the parameter tree ("layer1", "inner/layer1", "difference").
      LayerPath: string
      /// The learnable activation's name ("seagull-learned").
      ActivationName: string
      /// The number of neurons (of α values).
      Neurons: int
      AlphaMin: float
      AlphaMedian: float
      AlphaMax: float }

/// Networks as pure functions of their parameters: `init spec key` draws the parameters, `apply spec params x`
/// maps a batch (rows × inputs) to rows × outputs. Everything else about a network is derived from its tree.
[<RequireQualifiedAccess>]
module Network =
    let private resolved (spec: NetworkSpec) = Layer.resolve spec.Symmetry.Width spec.Layers

    /// The dense layers as (path, fan-in, fan-out, number of per-output vectors: the bias and a learnable activation's α),
    /// in parameter order.
    let private denseShapes (spec: NetworkSpec) =
        Layer.denseLayers "" (resolved spec)
        |> List.map (fun (path, fanIn, width, a, bias) ->
            path, int64 fanIn, int64 width, (if bias then 1L else 0L) + (if Activation.isLearnable a then 1L else 0L))

    let private countOf (shapes: (string * int64 * int64 * int64) list) =
        shapes |> List.sumBy (fun (_, fanIn, fanOut, vectors) -> fanIn * fanOut + vectors * fanOut)

    /// Checks every width of the tree against the input and that its arrays fit in memory; returns the spec or
    /// raises a one-line error.
    let validate (spec: NetworkSpec) : NetworkSpec =
        let shapes = denseShapes spec
        // A model file names activations: two different ones of one name could not be told apart when it is loaded.
        let named = Layer.denseLayers "" (resolved spec) |> List.map (fun (_, _, _, a, _) -> a) |> List.groupBy (fun a -> a.Name)
        for name, uses in named do
            match uses |> List.distinctBy (fun a -> Activation.evaluate Float64 a Activation.probes) with
            | _ :: _ :: _ -> Fail.with' $"the network uses two different activations named '{name}'; give them different names"
            | _ -> ()
        // One weight matrix is one array; a batch of 128 rows of the widest layer must be one too.
        let limit = int64 Array.MaxLength
        for _, fanIn, fanOut, _ in shapes do
            if fanIn * fanOut > limit || 128L * max fanIn fanOut > limit then
                Fail.with' $"the network is too large: a {fanIn}×{fanOut} layer does not fit in memory as one array (at most {limit} numbers)"
        let total = countOf shapes
        if total > int64 Int32.MaxValue then
            Fail.with' $"the network is too large: {total} parameters (at most {Int32.MaxValue})"
        spec

    /// The number of outputs per row. Example: `Network.outputs (Architectures.mlp s { o with Outputs = 2 }) = 2`.
    let outputs (spec: NetworkSpec) : int = (resolved spec).Output

    /// The number of parameters `init` draws, from the shape alone (nothing is allocated).
    /// Example: `Network.parameterCount (Architectures.mlp (Symmetry.blocks 3 3) options) = 4865` for 64, 64 and one output.
    let parameterCount (spec: NetworkSpec) : int = int (countOf (denseShapes (validate spec)))

    /// Whether the tree guarantees f(x) = f(x̃) bit for bit (`Layer.isInvariantUnder` the input's symmetry).
    let isExactlyInvariant (spec: NetworkSpec) : bool = Layer.isInvariantUnder spec.Symmetry spec.Layers

    /// One line: inputs, the tree, the precision. Example: "9→64(seagull)→64(tanh)→1 float32".
    let describe (spec: NetworkSpec) : string =
        $"{spec.Symmetry.Width}→{Layer.describeNode (resolved spec)} {Dtype.name spec.Precision}"

    /// The path and shape of every tensor `init` draws, in parameter order, from the tree alone (nothing is allocated).
    let internal parameterShapes (spec: NetworkSpec) : (string * int[]) list =
        Layer.denseLayers "" (resolved spec)
        |> List.collect (fun (path, fanIn, width, a, bias) ->
            let under (name: string) = if path = "" then name else path + "/" + name
            [ under "weight", [| fanIn; width |]
              if bias then under "bias", [| width |]
              if Activation.isLearnable a then under "alpha", [| width |] ])

    /// Every dense layer's activation with the layer's path ("layer1", "sum", "difference", "inner/layer2").
    let activations (spec: NetworkSpec) : (string * Activation) list =
        Layer.denseLayers "" (resolved spec) |> List.map (fun (path, _, _, a, _) -> path, a)

    /// The α of every dense layer with a learnable activation, summarised over its neurons (min, median, max of |α|),
    /// in parameter order; empty for a network without one.
    /// Example: `Network.learnedActivations spec p` is `[ { LayerPath = "layer1"; ActivationName = "seagull-learned"; … } ]`.
    let learnedActivations (spec: NetworkSpec) (p: Params) : LearnedActivationSummary list =
        let byPath = List.zip (Params.paths p) (Params.leaves p) |> Map.ofList
        Layer.denseLayers "" (resolved spec) |> List.choose (fun (path, _, width, a, _) ->
            if not (Activation.isLearnable a) then None
            else
                let key = if path = "" then "alpha" else path + "/alpha"
                match byPath.TryFind key with
                | Some t when t.Count = width ->
                    let sorted = Tensor.toArray t |> Array.map abs |> Array.sort
                    let n = sorted.Length
                    let median = if n % 2 = 1 then sorted.[n / 2] else (sorted.[n / 2 - 1] + sorted.[n / 2]) / 2.0
                    Some { LayerPath = path; ActivationName = a.Name; Neurons = n
                           AlphaMin = sorted.[0]; AlphaMedian = median; AlphaMax = sorted.[n - 1] }
                | _ -> Fail.with' $"network parameters: no α of {width} values at '{key}'; the parameters were drawn for another network")

    let rec private initNode (dtype: Dtype) (key: Key) (node: LayerNode) : Params =
        match node.Layer with
        | Dense (width, activation, bias) -> DenseLayer.init key dtype node.Input width bias activation
        | _ ->
            Params.group [ for name, salt, child in node.Children ->
                               name, initNode dtype (match salt with Some s -> Random.fold key s | None -> key) child ]

    /// Draws the parameters: a tree shaped like the layers (each node's key folded from its parent's by the
    /// child's position). Same spec and key → bitwise the same parameters.
    let init (spec: NetworkSpec) (key: Key) : Params =
        let spec = validate spec
        initNode spec.Precision key (resolved spec)

    let private children (expected: int) (p: Params) : Params list =
        match p with
        | Group c when c.Length = expected -> c |> List.map snd
        | Group c -> Fail.with' $"network parameters: a layer with {expected} parts got {c.Length}; the parameters were drawn for another network"
        | Leaf _ -> Fail.with' "network parameters: a tensor where a layer's parameters were expected"

    /// A layer's output, its parameters matched to its parts by position.
    let rec private applyLayer (layer: Layer) (p: Params) (x: Tensor) : Tensor =
        match layer with
        | Dense (width, activation, bias) -> DenseLayer.apply width activation bias p x
        | Chain layers -> List.fold2 (fun h l q -> applyLayer l q h) x layers (children layers.Length p)
        | Parallel branches -> Tensor.concatColumns (List.map2 (fun b q -> applyLayer b q x) branches (children branches.Length p))
        | Split (s, sum, difference, next) ->
            match children 3 p with
            | [ ps; pd; pn ] ->
                let u, v, w = Symmetry.parts s x
                let sumInput = if s.WColumns.Length = 0 then u + v else Tensor.concatColumns [ u + v; w ]
                let first = applyLayer sum ps sumInput
                let second = applyLayer difference pd (u - v)
                applyLayer next pn (Tensor.concatColumns [ first; second ])
            | _ -> Fail.with' "unreachable"
        | SwapPool (s, inner, pooling, next) ->
            match children 2 p with
            | [ pi; pn ] ->
                let a = applyLayer inner pi x
                let aSwapped = applyLayer inner pi (Symmetry.swap s x)
                let pooled =
                    match pooling with
                    | PoolSum -> a + aSwapped
                    | PoolSumAbsDiff -> Tensor.concatColumns [ a + aSwapped; Tensor.abs (a - aSwapped) ]
                applyLayer next pn pooled
            | _ -> Fail.with' "unreachable"
        | Symmetrize (s, inner) ->
            match children 1 p with
            | [ pi ] -> (applyLayer inner pi x + applyLayer inner pi (Symmetry.swap s x)) * 0.5
            | _ -> Fail.with' "unreachable"

    /// The network's output for each row of x: rows × outputs, in the spec's precision.
    let apply (spec: NetworkSpec) (p: Params) (x: Tensor) : Tensor =
        let width = spec.Symmetry.Width
        if x.Raw.Shape.Length <> 2 || x.Raw.Shape.[1] <> width then
            Fail.with' $"network input: expected shape [rows, {width}] ({spec.Symmetry}), got {RawTensor.shapeText x.Raw.Shape}"
        applyLayer spec.Layers p (Tensor.convert spec.Precision x)

    /// The network (g(x) + g(x̃)) / 2 around a network g and its parameters, with no retraining: the same g, now
    /// exactly invariant under the spec's symmetry (the parameters are g's, under the symmetrize layer's "inner").
    /// Example: `let spec2, p2 = Network.symmetrize spec p` gives `isExactlyInvariant spec2 = true`.
    let symmetrize (spec: NetworkSpec) (p: Params) : NetworkSpec * Params =
        let spec = validate spec
        validate { spec with Layers = Symmetrize (spec.Symmetry, spec.Layers) }, Params.group [ "inner", p ]

    /// Checks that `jobs` networks of this spec can train at once in this process's memory: per parameter
    /// the parameters, gradients, the optimizer's two moments and the spare copies the fit loop reuses (seven
    /// values of the precision) and the float64 draw of the initial values; plus a prediction chunk's
    /// intermediates. Raises `SeagullException` otherwise.
    /// Example: `Network.requireMemory spec 2`.
    let requireMemory (spec: NetworkSpec) (jobs: int) : unit =
        let shapes = denseShapes (validate spec)
        let valueBytes = match spec.Precision with Float32 -> 4L | Float64 -> 8L
        let widths = shapes |> List.sumBy (fun (_, _, fanOut, _) -> fanOut)
        let bytes = int64 jobs * (countOf shapes * (7L * valueBytes + 8L) + 256L * widths * valueBytes * 8L)
        let what = if jobs = 1 then $"a {describe spec} network" else $"{jobs} {describe spec} networks"
        Memory.require what bytes
