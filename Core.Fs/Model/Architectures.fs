namespace Seagull.Core

/// The settings the named architectures are built from: hidden widths (first layer first), one activation per
/// hidden layer, the split layer's even activation, the pooling, the number of outputs and the precision.
type ArchitectureOptions =
    { Hidden: int list
      Activations: Activation list
      /// The activation of the split layer's bias-free u − v branch.
      Even: Activation
      /// What the pooled architecture's second layer sees.
      Pooling: Pooling
      /// Width of the last (linear) layer: one per target.
      Outputs: int
      Precision: Dtype }

/// The named architectures as short constructors of layer trees, by name for the CLI, `compare` and the C# API.
/// Every constructor takes the symmetry of the input and `ArchitectureOptions`.
[<RequireQualifiedAccess>]
module Architectures =
    /// The names `build` takes, in the order help texts list them.
    let names = [ "mlp"; "split"; "pooled"; "symmetrized" ]

    /// The architecture a network gets when none is named: the most accurate of the exactly invariant designs in
    /// the full default comparison (`symmetrized` around a Seagull-first MLP: 0.17× the tanh baseline's error).
    let defaultName = "symmetrized"

    /// The hidden activations an architecture gets when none are given: Seagull in the first layer, tanh after.
    /// For `split` the first layer's even half (u − v) carries Seagull (`Even`) and its u + v half tanh, as in the
    /// paper's tied-weight design. Example: `Architectures.defaultActivations "mlp" 3 = [ seagull; tanh; tanh ]`.
    let defaultActivations (architecture: string) (layers: int) : Activation list =
        let rest = List.replicate (max 0 (layers - 1)) Activation.tanh
        match (if isNull architecture then "" else architecture.Trim().ToLowerInvariant()) with
        | "split" -> Activation.tanh :: rest
        | _ -> Activation.seagull :: rest

    /// Hidden 64, 64; Seagull then tanh; even activation Seagull; pooling sum+absdiff; one output; float32.
    let defaults =
        { Hidden = [ 64; 64 ]
          Activations = [ Activation.seagull; Activation.tanh ]
          Even = Activation.seagull
          Pooling = PoolSumAbsDiff
          Outputs = 1
          Precision = Float32 }

    /// Options with one activation per hidden layer; a single activation is used for every layer.
    /// Example: `Architectures.options [ 64; 64 ] [ Activation.tanh ]` has tanh in both layers.
    let options (hidden: int list) (activations: Activation list) : ArchitectureOptions =
        let acts = match activations with [ one ] -> List.replicate (max 1 hidden.Length) one | many -> many
        { defaults with Hidden = hidden; Activations = acts }

    let private check (o: ArchitectureOptions) =
        if o.Hidden.IsEmpty then Fail.with' "hidden: at least one hidden layer is needed"
        match o.Hidden |> List.tryFind (fun h -> h < 1) with
        | Some h -> Fail.with' $"hidden: layer widths must be ≥ 1, got {h}"
        | None -> ()
        if o.Activations.Length <> o.Hidden.Length then
            Fail.with' $"activations: {o.Hidden.Length} hidden layers need {o.Hidden.Length} activations, got {o.Activations.Length}"
        if o.Outputs < 1 then Fail.with' $"outputs: a network needs at least 1 output, got {o.Outputs}"

    /// Dense layers of these widths and activations, then a linear layer of `outputs`.
    let private denseChain (hidden: int list) (activations: Activation list) (outputs: int) =
        Chain ((List.map2 (fun h a -> Dense (h, a, true)) hidden activations) @ [ Dense (outputs, Activation.identity, true) ])

    let private spec (s: Symmetry) (o: ArchitectureOptions) (layers: Layer) =
        Network.validate { Symmetry = s; Layers = layers; Precision = o.Precision }

    /// A plain MLP: each hidden layer has its own activation (Seagull first is the paper's design). Not invariant.
    /// Example: `Network.describe (Architectures.mlp (Symmetry.blocks 3 3) Architectures.defaults) = "9→64(seagull)→64(tanh)→1 float32"`.
    let mlp (s: Symmetry) (o: ArchitectureOptions) : NetworkSpec =
        check o
        spec s o (denseChain o.Hidden o.Activations o.Outputs)

    /// (g(x) + g(x̃)) / 2 around the MLP g. Exactly invariant.
    let symmetrized (s: Symmetry) (o: ArchitectureOptions) : NetworkSpec =
        check o
        spec s o (Symmetrize (s, denseChain o.Hidden o.Activations o.Outputs))

    /// First layer [σ(A(u+v) + Cw + β) ; σₑ(B(u−v))] (half the first width each, σₑ = `Even` without bias), then an MLP.
    /// Exactly invariant when σₑ is even.
    let split (s: Symmetry) (o: ArchitectureOptions) : NetworkSpec =
        check o
        let h1 = o.Hidden.Head
        if h1 < 2 then Fail.with' "split: the first hidden layer needs width ≥ 2 (half for u+v, half for u−v)"
        let first = Dense (h1 - h1 / 2, o.Activations.Head, true)
        spec s o (Split (s, first, Dense (h1 / 2, o.Even, false), denseChain o.Hidden.Tail o.Activations.Tail o.Outputs))

    /// First layer a = σ(Wx+β) and ã = σ(Wx̃+β); the next layer sees their pooling. Exactly invariant for any σ.
    let pooled (s: Symmetry) (o: ArchitectureOptions) : NetworkSpec =
        check o
        spec s o (SwapPool (s, Dense (o.Hidden.Head, o.Activations.Head, true), o.Pooling, denseChain o.Hidden.Tail o.Activations.Tail o.Outputs))

    /// The constructor of a name in `names` (case-insensitive; "symmetrised" too), or a one-line error.
    let build (name: string) : Symmetry -> ArchitectureOptions -> NetworkSpec =
        match (if isNull name then "" else name.Trim().ToLowerInvariant()) with
        | "mlp" -> mlp
        | "split" -> split
        | "pooled" -> pooled
        | "symmetrized" | "symmetrised" -> symmetrized
        | other -> Fail.with' $"""unknown architecture '{other}'; use {String.concat ", " names}"""

    /// The denses of a chain built by `denseChain`: hidden widths, activations and outputs.
    let private ofDenseChain (layer: Layer) =
        match layer with
        | Chain layers when not layers.IsEmpty ->
            let hidden = layers |> List.take (layers.Length - 1)
            match List.last layers with
            | Dense (outputs, last, true) when last.Name = "identity" && last.Kernel.IsSome ->
                let all = hidden |> List.map (function Dense (h, a, true) -> Some (h, a) | _ -> None)
                if all |> List.forall Option.isSome then Some (List.choose id all, outputs) else None
            | _ -> None
        | _ -> None

    /// The name and options a spec was built from, when it has the shape of one of the named architectures.
    /// Example: `Architectures.recognise (Architectures.pooled s o)` is `Some ("pooled", o)`.
    let recognise (spec: NetworkSpec) : (string * ArchitectureOptions) option =
        let make name (layers: (int * Activation) list) outputs even pooling =
            Some (name, { Hidden = List.map fst layers; Activations = List.map snd layers; Even = even; Pooling = pooling
                          Outputs = outputs; Precision = spec.Precision })
        let same (s: Symmetry) = s.Equals spec.Symmetry
        match spec.Layers with
        | Symmetrize (s, inner) when same s ->
            match ofDenseChain inner with
            | Some (layers, outputs) when not layers.IsEmpty -> make "symmetrized" layers outputs defaults.Even defaults.Pooling
            | _ -> None
        | Split (s, Dense (a, first, true), Dense (b, even, false), next) when same s && a = (a + b) - (a + b) / 2 && b = (a + b) / 2 ->
            ofDenseChain next |> Option.bind (fun (layers, outputs) -> make "split" ((a + b, first) :: layers) outputs even defaults.Pooling)
        | SwapPool (s, Dense (h, first, true), pooling, next) when same s ->
            ofDenseChain next |> Option.bind (fun (layers, outputs) -> make "pooled" ((h, first) :: layers) outputs defaults.Even pooling)
        | layers ->
            match ofDenseChain layers with
            | Some (hidden, outputs) when not hidden.IsEmpty -> make "mlp" hidden outputs defaults.Even defaults.Pooling
            | _ -> None
