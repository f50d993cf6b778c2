namespace Seagull.Core

open System

/// How a network meets the swap symmetry x = (u, v, w) ↦ x̃ = (v, u, w).
type Architecture =
    /// A plain MLP; each hidden layer has its own activation (Seagull first = the paper's design). Not invariant.
    | Mlp
    /// First layer [σ(A(u+v) + Cw + β) ; σₑ(B(u−v))] with σₑ even and bias-free, then an MLP. Exactly invariant.
    | Split
    /// First layer a = σ(Wx+β), ã = σ(Wx̃+β); the next layer sees a + ã (and |a − ã|). Exactly invariant for any σ.
    | Pooled
    /// (g(x) + g(x̃)) / 2 around an MLP g. Exactly invariant.
    | Symmetrized

/// What the pooled architecture's second layer sees.
type Pooling =
    /// a + ã.
    | PoolSum
    /// a + ã and |a − ã| side by side.
    | PoolSumAbsDiff

/// A network described as plain, serialisable data.
type NetworkSpec =
    { Architecture: Architecture
      Blocks: Blocks
      /// Widths of the hidden layers, first layer first.
      Hidden: int list
      /// One activation per hidden layer.
      Activations: Activation list
      /// The even activation of the split architecture's u − v branch.
      Even: Activation
      Pool: Pooling
      Precision: Dtype }

/// Constructing, naming and validating network specs.
[<RequireQualifiedAccess>]
module NetworkSpec =
    /// "mlp", "split", "pooled" or "symmetrized".
    let architectureName (a: Architecture) =
        match a with
        | Mlp -> "mlp"
        | Split -> "split"
        | Pooled -> "pooled"
        | Symmetrized -> "symmetrized"

    /// Parses an architecture name.
    let parseArchitecture (text: string) =
        match (if isNull text then "" else text.Trim().ToLowerInvariant()) with
        | "mlp" -> Mlp
        | "split" -> Split
        | "pooled" -> Pooled
        | "symmetrized" | "symmetrised" -> Symmetrized
        | other -> Fail.with' $"unknown architecture '{other}'; use mlp, split, pooled or symmetrized"

    /// "sum" or "sum+absdiff".
    let poolingName (p: Pooling) = match p with PoolSum -> "sum" | PoolSumAbsDiff -> "sum+absdiff"

    /// Parses a pooling name.
    let parsePooling (text: string) =
        match (if isNull text then "" else text.Trim().ToLowerInvariant()) with
        | "sum" -> PoolSum
        | "sum+absdiff" | "sumabsdiff" | "sum-absdiff" -> PoolSumAbsDiff
        | other -> Fail.with' $"unknown pooling '{other}'; use sum or sum+absdiff"

    /// The dense layers `Network.init` draws, as (fan-in, fan-out, with bias), first layer first; computed
    /// from the shape alone (int64, so an absurd width cannot overflow the count).
    ///
    /// Example: `NetworkSpec.layers (NetworkSpec.create Mlp { D = 1; K = 0 } [ 4 ] [ Activation.tanh ]) = [ 2L, 4L, true; 4L, 1L, true ]`.
    let layers (spec: NetworkSpec) : (int64 * int64 * bool) list =
        let b = spec.Blocks
        let input = 2L * int64 b.D + int64 b.K
        let h1 = int64 spec.Hidden.Head
        let mlp (widths: int64 list) = widths |> List.pairwise |> List.map (fun (i, o) -> i, o, true)
        let rest = spec.Hidden.Tail |> List.map int64
        match spec.Architecture with
        | Mlp | Symmetrized -> mlp (input :: h1 :: rest @ [ 1L ])
        | Split -> [ int64 b.D + int64 b.K, h1 - h1 / 2L, true; int64 b.D, h1 / 2L, false ] @ mlp (h1 :: rest @ [ 1L ])
        | Pooled ->
            let pooled = match spec.Pool with PoolSum -> h1 | PoolSumAbsDiff -> 2L * h1
            [ input, h1, true ] @ mlp (pooled :: rest @ [ 1L ])

    /// Weights and biases of `layers spec`, summed.
    let internal countParameters (spec: NetworkSpec) : int64 =
        layers spec |> List.sumBy (fun (fanIn, fanOut, bias) -> fanIn * fanOut + (if bias then fanOut else 0L))

    /// Checks widths, block sizes and activation counts; returns the spec or raises a one-line error.
    let validate (spec: NetworkSpec) : NetworkSpec =
        if spec.Blocks.D < 1 then Fail.with' $"blocks: u and v need width ≥ 1, got {spec.Blocks.D}"
        if spec.Blocks.K < 0 then Fail.with' $"blocks: w needs width ≥ 0, got {spec.Blocks.K}"
        if spec.Hidden.IsEmpty then Fail.with' "hidden: at least one hidden layer is needed"
        match spec.Hidden |> List.tryFind (fun h -> h < 1) with
        | Some h -> Fail.with' $"hidden: layer widths must be ≥ 1, got {h}"
        | None -> ()
        if spec.Architecture = Split && spec.Hidden.Head < 2 then
            Fail.with' "split: the first hidden layer needs width ≥ 2 (half for u+v, half for u−v)"
        if spec.Activations.Length <> spec.Hidden.Length then
            Fail.with' $"activations: {spec.Hidden.Length} hidden layers need {spec.Hidden.Length} activations, got {spec.Activations.Length}"
        // One weight matrix is one array; a batch of 128 rows of the widest layer must be one too.
        let limit = int64 Array.MaxLength
        for fanIn, fanOut, _ in layers spec do
            if fanIn * fanOut > limit || 128L * max fanIn fanOut > limit then
                Fail.with' $"the network is too large: a {fanIn}×{fanOut} layer does not fit in memory as one array (at most {limit} numbers)"
        let total = countParameters spec
        if total > int64 Int32.MaxValue then
            Fail.with' $"the network is too large: {total} parameters (at most {Int32.MaxValue})"
        spec

    /// A spec with one activation per hidden layer; a single activation is used for every layer.
    ///
    /// Example: `NetworkSpec.create Mlp { D = 3; K = 3 } [64; 64] [ Activation.seagull; Activation.tanh ]`.
    let create (architecture: Architecture) (blocks: Blocks) (hidden: int list) (activations: Activation list) : NetworkSpec =
        let acts =
            match activations with
            | [ one ] -> List.replicate (max 1 hidden.Length) one
            | many -> many
        validate
            { Architecture = architecture
              Blocks = blocks
              Hidden = hidden
              Activations = acts
              Even = Activation.seagull
              Pool = PoolSumAbsDiff
              Precision = Float32 }

    /// Whether the architecture guarantees f(x) = f(x̃) exactly (split needs an even σₑ).
    let isExactlyInvariant (spec: NetworkSpec) =
        match spec.Architecture with
        | Mlp -> false
        | Split -> Activation.parityOf spec.Even = Even
        | Pooled | Symmetrized -> true

    /// One line describing the spec, e.g. "mlp 9→64(seagull)→64(tanh)→1 float32".
    let describe (spec: NetworkSpec) =
        let inputs = 2 * spec.Blocks.D + spec.Blocks.K
        let layers = List.map2 (fun (h: int) (a: Activation) -> $"{h}({a.Name})") spec.Hidden spec.Activations |> String.concat "→"
        let extra =
            match spec.Architecture with
            | Split -> $" even={spec.Even.Name}"
            | Pooled -> $" pool={poolingName spec.Pool}"
            | _ -> ""
        $"{architectureName spec.Architecture} {inputs}→{layers}→1{extra} {Dtype.name spec.Precision}"

    /// Checks that `jobs` networks of this spec can train at once in this process's memory: per parameter
    /// the parameters, gradients, the optimizer's two moments and the spare copies the fit loop reuses (seven
    /// values of the precision) and the float64 draw of the initial values; plus a prediction chunk's
    /// intermediates. Raises `SeagullException` otherwise.
    /// Example: `NetworkSpec.requireMemory spec 2`.
    let requireMemory (spec: NetworkSpec) (jobs: int) : unit =
        let spec = validate spec
        let valueBytes = match spec.Precision with Float32 -> 4L | Float64 -> 8L
        let widths = layers spec |> List.sumBy (fun (_, fanOut, _) -> fanOut)
        let bytes = int64 jobs * (countParameters spec * (7L * valueBytes + 8L) + 256L * widths * valueBytes * 8L)
        let what = if jobs = 1 then $"a {describe spec} network" else $"{jobs} {describe spec} networks"
        Memory.require what bytes
