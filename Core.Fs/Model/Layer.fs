namespace Seagull.Core

/// What a swap-pooling layer passes on, from a = inner(x) and ã = inner(x̃).
type Pooling =
    /// a + ã.
    | PoolSum
    /// a + ã and |a − ã| side by side.
    | PoolSumAbsDiff

/// A network as a tree of layers: plain, serialisable data. `Network.init` and `Network.apply` build it;
/// its widths, parameter count, description and whether it is exactly invariant are derived from it.
/// The symmetry-aware layers hold the symmetry they exchange; `Split` and `SwapPool` also hold the network
/// that reads their output (`next`), so that an invariant layer and what it feeds are one subtree.
///
/// Example: `Chain [ Dense (64, Activation.seagull, true); Dense (1, Activation.identity, true) ]`.
[<NoEquality; NoComparison>]
type Layer =
    /// σ(x·W + b): `width` outputs, with or without the bias b.
    | Dense of width: int * activation: Activation * bias: bool
    /// Layers applied one after another (no layers: the identity).
    | Chain of Layer list
    /// Branches applied to the same input, their outputs side by side.
    | Parallel of Layer list
    /// The split first layer: [sum([u + v | w]) | difference(u − v)], then `next`. Exactly invariant when
    /// `difference` is an even function (an even activation without bias).
    | Split of symmetry: Symmetry * sum: Layer * difference: Layer * next: Layer
    /// a = inner(x), ã = inner(x̃), then `next` on the pooling of the two. Exactly invariant for any inner.
    | SwapPool of symmetry: Symmetry * inner: Layer * pooling: Pooling * next: Layer
    /// (g(x) + g(x̃)) / 2 for g = inner. Exactly invariant.
    | Symmetrize of symmetry: Symmetry * inner: Layer

/// A layer tree resolved at one input width: each node with its input and output widths and its children,
/// named as in the parameter tree and with the number their keys are folded with (None: the parent's key).
/// The one place that says how a tree is laid out; init, the parameter count and the description read it.
type internal LayerNode =
    { Layer: Layer
      Input: int
      Output: int
      Children: (string * int option * LayerNode) list }

/// Names, parities and the structure of layer trees.
[<RequireQualifiedAccess>]
module Layer =
    /// "sum" or "sum+absdiff".
    let poolingName (p: Pooling) = match p with PoolSum -> "sum" | PoolSumAbsDiff -> "sum+absdiff"

    /// Parses a pooling name.
    let parsePooling (text: string) =
        match (if isNull text then "" else text.Trim().ToLowerInvariant()) with
        | "sum" -> PoolSum
        | "sum+absdiff" | "sumabsdiff" | "sum-absdiff" -> PoolSumAbsDiff
        | other -> Fail.with' $"unknown pooling '{other}'; use sum or sum+absdiff"

    /// How the layer behaves when its input is negated: Even when f(−z) = f(z) exactly, Odd when f(−z) = −f(z),
    /// derived from the tree (an activation's parity is measured, not trusted). A bias breaks both.
    /// Example: `Layer.parity (Dense (8, Activation.seagull, false)) = Even`.
    let rec parity (layer: Layer) : Parity =
        match layer with
        | Dense (_, activation, false) -> Activation.parityOf activation
        | Dense (_, _, true) -> Neither
        | Chain [] -> Odd
        | Chain (first :: rest) ->
            match parity first with
            | Even -> Even
            | Odd -> parity (Chain rest)
            | Neither -> Neither
        | Parallel branches ->
            let ps = branches |> List.map parity
            if ps.IsEmpty then Neither
            elif ps |> List.forall ((=) Even) then Even
            elif ps |> List.forall ((=) Odd) then Odd
            else Neither
        | Split _ | SwapPool _ | Symmetrize _ -> Neither

    /// Whether f(x) = f(x̃) bit for bit for every input, as the tree guarantees it: a symmetrize or swap-pooling
    /// layer of this symmetry, or a split layer whose difference branch is even, at the input; a chain that
    /// starts with one; parallel branches that all are.
    /// Example: `Layer.isInvariantUnder s (Symmetrize (s, mlp))` is true.
    let rec isInvariantUnder (symmetry: Symmetry) (layer: Layer) : bool =
        match layer with
        | Dense _ | Chain [] -> false
        | Chain (first :: _) -> isInvariantUnder symmetry first
        | Parallel branches -> not branches.IsEmpty && branches |> List.forall (isInvariantUnder symmetry)
        | Split (s, _, difference, _) -> s.Equals symmetry && parity difference = Even
        | SwapPool (s, _, _, _) | Symmetrize (s, _) -> s.Equals symmetry

    let private checkSymmetry (what: string) (s: Symmetry) (input: int) =
        if s.Width <> input then
            Fail.with' $"{what}: its symmetry has {s.Width} columns ({s}) but its input has {input}"

    /// The tree at input width `input`, every width checked; raises a one-line error on the first that does not fit.
    let rec internal resolve (input: int) (layer: Layer) : LayerNode =
        let node output children = { Layer = layer; Input = input; Output = output; Children = children }
        match layer with
        | Dense (width, _, _) ->
            if width < 1 then Fail.with' $"dense layer: width must be ≥ 1, got {width}"
            node width []
        | Chain layers ->
            let mutable width = input
            let children =
                layers |> List.mapi (fun i l ->
                    let child = resolve width l
                    width <- child.Output
                    $"layer{i + 1}", Some i, child)
            node width children
        | Parallel branches ->
            if branches.IsEmpty then Fail.with' "parallel layer: at least one branch is needed"
            let children = branches |> List.mapi (fun i b -> $"branch{i + 1}", Some i, resolve input b)
            node (children |> List.sumBy (fun (_, _, c) -> c.Output)) children
        | Split (s, sum, difference, next) ->
            checkSymmetry "split layer" s input
            let pairs = s.UColumns.Length
            let sumNode = resolve (pairs + s.WColumns.Length) sum
            let differenceNode = resolve pairs difference
            let nextNode = resolve (sumNode.Output + differenceNode.Output) next
            node nextNode.Output [ "sum", Some 100, sumNode; "difference", Some 101, differenceNode; "next", Some 102, nextNode ]
        | SwapPool (s, inner, pooling, next) ->
            checkSymmetry "swap-pooling layer" s input
            let innerNode = resolve input inner
            let pooled = match pooling with PoolSum -> innerNode.Output | PoolSumAbsDiff -> 2 * innerNode.Output
            let nextNode = resolve pooled next
            node nextNode.Output [ "inner", Some 100, innerNode; "next", Some 102, nextNode ]
        | Symmetrize (s, inner) ->
            checkSymmetry "symmetrize layer" s input
            let innerNode = resolve input inner
            node innerNode.Output [ "inner", None, innerNode ]

    /// Every dense layer of a resolved tree with its path in the parameter tree ("layer1", "inner/layer2"),
    /// fan-in, width, activation and bias, in parameter order.
    let rec internal denseLayers (prefix: string) (node: LayerNode) : (string * int * int * Activation * bool) list =
        match node.Layer with
        | Dense (width, activation, bias) -> [ prefix, node.Input, width, activation, bias ]
        | _ ->
            node.Children |> List.collect (fun (name, _, child) ->
                denseLayers (if prefix = "" then name else prefix + "/" + name) child)

    /// The output width for an input of `input` columns (checking every width on the way).
    /// Example: `Layer.outputWidth 9 (Chain [ Dense (64, Activation.tanh, true); Dense (2, Activation.identity, true) ]) = 2`.
    let outputWidth (input: int) (layer: Layer) : int = (resolve input layer).Output

    let private activationText (width: int) (a: Activation) (bias: bool) =
        match a.Name, bias with
        | "identity", true -> string width
        | name, true -> $"{width}({name})"
        | name, false -> $"{width}({name}, no bias)"

    /// The tree in one line from its first layer on (the input width is the caller's): "64(seagull)→64(tanh)→1".
    let rec internal describeNode (node: LayerNode) : string =
        let child i = let _, _, c = List.item i node.Children in c
        let chainText (n: LayerNode) = match n.Layer with Chain [] -> "" | _ -> "→" + describeNode n
        match node.Layer with
        | Dense (width, a, bias) -> activationText width a bias
        | Chain [] -> "identity"
        | Chain _ -> node.Children |> List.map (fun (_, _, c) -> describeNode c) |> String.concat "→"
        | Parallel _ -> "[" + (node.Children |> List.map (fun (_, _, c) -> describeNode c) |> String.concat " | ") + "]"
        | Split _ -> $"split(u+v,w: {describeNode (child 0)} | u−v: {describeNode (child 1)}){chainText (child 2)}"
        | SwapPool (_, _, pooling, _) -> $"pool({describeNode (child 0)}; {poolingName pooling}){chainText (child 1)}"
        | Symmetrize _ -> $"symmetrize({describeNode (child 0)})"
