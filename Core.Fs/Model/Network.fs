namespace Seagull.Core

open System

/// Networks as pure functions: `init spec key` draws parameters, `apply spec params x` maps a batch
/// x (rows × (2D+K), columns [u | v | w]) to one prediction per row.
[<RequireQualifiedAccess>]
module Network =
    /// The u, v and w blocks of a batch.
    let blocksOf (blocks: Blocks) (x: Tensor) =
        let d, k = blocks.D, blocks.K
        Tensor.sliceColumns 0 d x, Tensor.sliceColumns d d x, Tensor.sliceColumns (2 * d) k x

    /// The swapped batch x̃ = (v, u, w).
    let swap (blocks: Blocks) (x: Tensor) =
        let u, v, w = blocksOf blocks x
        if blocks.K = 0 then Tensor.concatColumns [ v; u ] else Tensor.concatColumns [ v; u; w ]

    let private layerName i = $"layer{i}"

    /// An MLP's parameters for the given widths (inputs, hidden…, 1).
    let private mlpInit (key: Key) (dtype: Dtype) (widths: int list) : (string * Params) list =
        widths
        |> List.pairwise
        |> List.mapi (fun i (fanIn, fanOut) -> layerName (i + 1), Layer.denseInit (Random.fold key i) dtype fanIn fanOut true)

    /// Applies MLP layers; the last layer is linear.
    let private mlpApply (activations: Activation list) (layers: Params list) (x: Tensor) =
        let n = List.length layers
        let acts = activations @ [ Activation.identity ]
        List.fold2 (fun h (p: Params) (a: Activation) -> Layer.dense a p h) x layers (List.truncate n acts)

    let private inputWidth (b: Blocks) = 2 * b.D + b.K

    /// Draws the parameters of a network. Same spec and key → bitwise the same parameters.
    let init (spec: NetworkSpec) (key: Key) : Params =
        let spec = NetworkSpec.validate spec
        let dt = spec.Precision
        let b = spec.Blocks
        let h1 = spec.Hidden.Head
        let rest = spec.Hidden.Tail
        match spec.Architecture with
        | Mlp | Symmetrized -> Params.group (mlpInit key dt (inputWidth b :: spec.Hidden @ [ 1 ]))
        | Split ->
            let symmetric = h1 - h1 / 2
            let even = h1 / 2
            Params.group (
                [ "sum", Layer.denseInit (Random.fold key 100) dt (b.D + b.K) symmetric true
                  "difference", Layer.denseInit (Random.fold key 101) dt b.D even false ]
                @ mlpInit (Random.fold key 102) dt (h1 :: rest @ [ 1 ]))
        | Pooled ->
            let pooledWidth = match spec.Pool with PoolSum -> h1 | PoolSumAbsDiff -> 2 * h1
            Params.group (
                [ "first", Layer.denseInit (Random.fold key 100) dt (inputWidth b) h1 true ]
                @ mlpInit (Random.fold key 102) dt (pooledWidth :: rest @ [ 1 ]))

    /// The number of parameters `init spec` draws, from the shape alone (nothing is allocated).
    /// Example: `Network.parameterCount (NetworkSpec.create Mlp { D = 3; K = 3 } [ 64; 64 ] [ Activation.tanh ]) = 4865`.
    let parameterCount (spec: NetworkSpec) : int =
        int (NetworkSpec.countParameters (NetworkSpec.validate spec))

    let private children (p: Params) =
        match p with
        | Group c -> c
        | Leaf _ -> Fail.with' "network parameters must be a group"

    let private checkInput (spec: NetworkSpec) (x: Tensor) =
        let width = inputWidth spec.Blocks
        if x.Raw.Shape.Length <> 2 || x.Raw.Shape.[1] <> width then
            Fail.with' $"network input: expected shape [rows, {width}] (u:{spec.Blocks.D}, v:{spec.Blocks.D}, w:{spec.Blocks.K}), got {RawTensor.shapeText x.Raw.Shape}"

    /// The MLP part: all layers named layerN in order.
    let private mlpLayers (p: Params) =
        children p |> List.filter (fun (n, _) -> n.StartsWith("layer", StringComparison.Ordinal)) |> List.map snd

    /// The network's output for each row of x (a vector of length rows), in the spec's precision.
    let apply (spec: NetworkSpec) (p: Params) (x: Tensor) : Tensor =
        checkInput spec x
        let x = Tensor.convert spec.Precision x
        let rows = x.Raw.Shape.[0]
        let nodes = children p
        let find name = nodes |> List.find (fun (n, _) -> n = name) |> snd
        let out =
            match spec.Architecture with
            | Mlp -> mlpApply spec.Activations (mlpLayers p) x
            | Symmetrized ->
                let g t = mlpApply spec.Activations (mlpLayers p) t
                (g x + g (swap spec.Blocks x)) * 0.5
            | Split ->
                let u, v, w = blocksOf spec.Blocks x
                let symmetricInput = if spec.Blocks.K = 0 then u + v else Tensor.concatColumns [ u + v; w ]
                let first = Layer.dense spec.Activations.Head (find "sum") symmetricInput
                let second = Layer.dense spec.Even (find "difference") (u - v)
                mlpApply spec.Activations.Tail (mlpLayers p) (Tensor.concatColumns [ first; second ])
            | Pooled ->
                let first = find "first"
                let a: Tensor = Layer.dense spec.Activations.Head first x
                let aSwapped: Tensor = Layer.dense spec.Activations.Head first (swap spec.Blocks x)
                let pooled =
                    match spec.Pool with
                    | PoolSum -> a + aSwapped
                    | PoolSumAbsDiff -> Tensor.concatColumns [ a + aSwapped; Tensor.abs (a - aSwapped) ]
                mlpApply spec.Activations.Tail (mlpLayers p) pooled
        Tensor.reshape [| rows |] out

    /// A network as a plain function `Params -> Tensor -> Tensor`.
    let asFunction (spec: NetworkSpec) : Params -> Tensor -> Tensor = apply spec

    /// max over rows of |f(x) − f(x̃)|: 0 exactly for the invariant architectures.
    let invarianceError (spec: NetworkSpec) (p: Params) (x: Tensor) : float =
        let y = apply spec p x |> Tensor.toArray
        let ySwapped = apply spec p (swap spec.Blocks x) |> Tensor.toArray
        Array.fold2 (fun acc (a: float) (b: float) -> max acc (Math.Abs(a - b))) 0.0 y ySwapped
