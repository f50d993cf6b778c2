/// FsCheck generators and properties of whole networks, for suites that test their own architectures
/// or activations against Seagull's claims: random symmetries, random networks of each named architecture
/// with architecture-appropriate activations, random layer trees, random inputs, and the exact-invariance
/// property f(x) = f(x̃) bit for bit.
///
/// The generators here do not shrink; `SeagullArb.networkCase` and the `Arbitraries` class pair them with `shrink`.
///
/// Example:
/// ```
/// [<Property(Replay = Generators.Replay, MaxTest = 100)>]
/// let ``pooled is exactly invariant`` () =
///     Prop.forAll (SeagullArb.networkCase "pooled" Float32) NetworkGenerators.swapInvariance
/// ```
module Seagull.Testing.NetworkGenerators

open System
open FsCheck
open FsCheck.FSharp
open Seagull.Core

/// The catalogue's even activations (the split architecture's σₑ is drawn from these).
let evens : Activation list = Activation.catalogue |> List.filter (fun a -> a.Declared = Even)

/// The catalogue's odd activations.
let odds : Activation list = Activation.catalogue |> List.filter (fun a -> a.Declared = Odd)

// ---- symmetries ------------------------------------------------------------------------------------------

/// Block symmetries [u | v | w]: u, v ∈ R^1..4, w ∈ R^0..3.
let blockSymmetry : Gen<Symmetry> =
    Gen.map2 Symmetry.blocks (Gen.choose (1, 4)) (Gen.choose (0, 3))

/// Image mirrors of both axes: W and H from 1 to 4 (at least 2 along the mirrored axis), C from 1 to 3.
let mirrorSymmetry : Gen<Symmetry> =
    gen {
        let! axis = Gen.elements [ LeftRight; TopBottom ]
        let! along = Gen.choose (2, 4)
        let! across = Gen.choose (1, 4)
        let! channels = Gen.choose (1, 3)
        return
            match axis with
            | LeftRight -> Symmetry.mirror LeftRight along across channels
            | TopBottom -> Symmetry.mirror TopBottom across along channels
    }

/// A random involution of 2–8 columns with at least one pair (`Symmetry.ofPermutation`).
let permutationSymmetry : Gen<Symmetry> =
    gen {
        let! n = Gen.choose (2, 8)
        let! pairs = Gen.choose (1, n / 2)
        let! order = Gen.shuffle [| 0 .. n - 1 |]
        let map = Array.init n id
        for p in 0 .. pairs - 1 do
            let a, b = order.[2 * p], order.[2 * p + 1]
            map.[a] <- b
            map.[b] <- a
        return Symmetry.ofPermutation map
    }

/// Any symmetry: mostly blocks, also image mirrors and random involutions.
let anySymmetry : Gen<Symmetry> =
    Gen.frequency [ 4, blockSymmetry; 1, mirrorSymmetry; 1, permutationSymmetry ]

/// `rows` input rows of the symmetry's width with values in [−3, 3] (steps of 0.001).
let inputsFor (symmetry: Symmetry) (rows: int) : Gen<float[]> =
    Gen.arrayOfLength (rows * symmetry.Width) (Gen.choose (-3000, 3000) |> Gen.map (fun i -> float i / 1000.0))

// ---- the named architectures -----------------------------------------------------------------------------

/// Networks of one named architecture ("mlp", "split", "pooled", "symmetrized") and precision with hidden
/// activations drawn from `activations` and the split architecture's σₑ from `evenActivations` (give your own
/// to test them): a symmetry of `anySymmetry` (u, v ∈ R^1..4 and w ∈ R^0..3 for blocks), one or two hidden
/// layers of width 2–9, either pooling, one or two outputs; 1–7 input rows in [−3, 3].
///
/// Example: `networkCaseWith (Gen.constant mine) (Gen.constant mine) "split" Float64`.
let networkCaseWith (activations: Gen<Activation>) (evenActivations: Gen<Activation>) (architecture: string) (precision: Dtype) : Gen<NetworkCase> =
    let build = Architectures.build architecture
    gen {
        let! symmetry = anySymmetry
        let! layers = Gen.choose (1, 2)
        let! hidden = Gen.listOfLength layers (Gen.choose (2, 9))
        let! acts = Gen.listOfLength layers activations
        let! even = evenActivations
        let! pooling = Gen.elements [ PoolSum; PoolSumAbsDiff ]
        let! outputs = Gen.frequency [ 3, Gen.constant 1; 1, Gen.constant 2 ]
        let! seed = Gen.choose (0, 10000)
        let! rows = Gen.choose (1, 7)
        let! inputs = inputsFor symmetry rows
        let options = { Architectures.options hidden acts with Even = even; Pooling = pooling; Outputs = outputs; Precision = precision }
        return { Spec = build symmetry options; Seed = seed; Rows = rows; Inputs = inputs }
    }

/// Networks of one named architecture and precision with any catalogue activation and an even catalogue σₑ
/// (see `networkCaseWith`). Example: `networkCase "pooled" Float32`.
let networkCase (architecture: string) (precision: Dtype) : Gen<NetworkCase> =
    networkCaseWith (Gen.elements Activation.catalogue) (Gen.elements evens) architecture precision

/// Networks of every named architecture and both precisions.
let anyNetworkCase : Gen<NetworkCase> =
    gen {
        let! architecture = Gen.elements Architectures.names
        let! precision = Gen.elements [ Float32; Float64 ]
        return! networkCase architecture precision
    }

// ---- random layer trees ----------------------------------------------------------------------------------

/// A dense layer of width 1–5 (or `preferred` width, one time in five), any catalogue activation, with a bias
/// two times in three.
let private denseGen (preferred: int) : Gen<Layer> =
    gen {
        let! width = Gen.frequency [ 4, Gen.choose (1, 5); 1, Gen.constant preferred ]
        let! activation = Gen.elements Activation.catalogue
        let! bias = Gen.frequency [ 2, Gen.constant true; 1, Gen.constant false ]
        return Dense (width, activation, bias)
    }

/// Layer trees of dense layers mostly without bias and with even or odd activations, nested in chains and
/// parallel branches: trees of every parity (`Layer.parity`), for a split layer's difference branch.
let rec parityTree (depth: int) : Gen<Layer> =
    let dense =
        gen {
            let! width = Gen.choose (1, 4)
            let! activation = Gen.frequency [ 2, Gen.elements evens; 2, Gen.elements odds; 1, Gen.elements Activation.catalogue ]
            let! bias = Gen.frequency [ 5, Gen.constant false; 1, Gen.constant true ]
            return Dense (width, activation, bias)
        }
    if depth <= 0 then dense
    else
        Gen.frequency
            [ 3, dense
              2, Gen.choose (0, 3) |> Gen.bind (fun n -> Gen.listOfLength n (parityTree (depth - 1))) |> Gen.map Chain
              2, Gen.choose (1, 3) |> Gen.bind (fun n -> Gen.listOfLength n (parityTree (depth - 1))) |> Gen.map Parallel ]

/// A symmetry of `width` columns other than `not'` (None when width < 2 or there is none).
let private otherSymmetry (not': Symmetry option) (width: int) : Symmetry option =
    if width < 2 then None
    else
        let swapFirstLast = Array.init width (fun j -> if j = 0 then width - 1 elif j = width - 1 then 0 else j)
        let swapFirstTwo = Array.init width (fun j -> if j = 0 then 1 elif j = 1 then 0 else j)
        [ Symmetry.ofPermutation swapFirstLast; Symmetry.ofPermutation swapFirstTwo ]
        |> List.tryFind (fun s -> match not' with Some n -> not (s.Equals n) | None -> true)

/// A random layer tree for inputs of `input` columns (`network` is the network's input symmetry): dense layers
/// with or without bias and any catalogue activation, chains and parallel branches, and split, swap-pooling and
/// symmetrize layers wherever the width allows one: with the network's symmetry where the width is the
/// network's (at the input, inside parallel branches and symmetric layers, and after a dense layer that happens
/// to have that width), and with another symmetry of the width anywhere (never invariant under the network's).
/// A split layer's difference branch is usually a `parityTree`, so that it is even about half the time.
let rec layerTree (network: Symmetry) (input: int) (depth: int) : Gen<Layer> =
    let dense = denseGen network.Width
    if depth <= 0 then dense
    else
        let sub (width: int) = layerTree network width (depth - 1)
        let rec chainFrom (width: int) (n: int) : Gen<Layer list> =
            if n = 0 then Gen.constant []
            else sub width |> Gen.bind (fun l -> chainFrom (Layer.outputWidth width l) (n - 1) |> Gen.map (fun rest -> l :: rest))
        let chain = Gen.choose (0, 3) |> Gen.bind (chainFrom input) |> Gen.map Chain
        let parallel' = Gen.choose (1, 3) |> Gen.bind (fun n -> Gen.listOfLength n (sub input)) |> Gen.map Parallel
        let symmetric (s: Symmetry) =
            let pairs, fixedColumns = (Symmetry.u s).Length, (Symmetry.w s).Length
            let split =
                gen {
                    let! sum = sub (pairs + fixedColumns)
                    let! difference = Gen.frequency [ 3, parityTree (depth - 1); 1, sub pairs ]
                    let! next = sub (Layer.outputWidth (pairs + fixedColumns) sum + Layer.outputWidth pairs difference)
                    return Split (s, sum, difference, next)
                }
            let pool =
                gen {
                    let! inner = sub input
                    let! pooling = Gen.elements [ PoolSum; PoolSumAbsDiff ]
                    let innerWidth = Layer.outputWidth input inner
                    let! next = sub (match pooling with PoolSum -> innerWidth | PoolSumAbsDiff -> 2 * innerWidth)
                    return SwapPool (s, inner, pooling, next)
                }
            let symmetrize = sub input |> Gen.map (fun inner -> Symmetrize (s, inner))
            Gen.oneof [ split; pool; symmetrize ]
        let own = if input = network.Width then Some network else None
        let symmetries =
            [ match own with Some s -> yield 6, Gen.constant s | None -> ()
              match otherSymmetry own input with Some o -> yield 1, Gen.constant o | None -> () ]
        let symmetricNode = if symmetries.IsEmpty then [] else [ 5, Gen.frequency symmetries |> Gen.bind symmetric ]
        Gen.frequency ([ 3, dense; 2, chain; 2, parallel' ] @ symmetricNode)

/// Networks whose layers are a random `layerTree` of depth 1–3 for a symmetry of `anySymmetry`, in the precision,
/// with 1–6 input rows in [−3, 3].
let treeCase (precision: Dtype) : Gen<NetworkCase> =
    gen {
        let! symmetry = anySymmetry
        let! depth = Gen.choose (1, 3)
        let! layers = layerTree symmetry symmetry.Width depth
        let! seed = Gen.choose (0, 10000)
        let! rows = Gen.choose (1, 6)
        let! inputs = inputsFor symmetry rows
        return { Spec = Network.validate { Symmetry = symmetry; Layers = layers; Precision = precision }; Seed = seed; Rows = rows; Inputs = inputs }
    }

// ---- shrinking -----------------------------------------------------------------------------------------------

/// The inputs of a batch reduced to the columns of a smaller symmetry: the first d′ pairs (u and v alike) and the
/// first k′ fixed columns of each row, so that a row keeps its u ↔ v pairing.
let private selectColumns (from: Symmetry) (d: int) (k: int) (rows: int) (inputs: float[]) : float[] =
    let u, v, w = Symmetry.u from, Symmetry.v from, Symmetry.w from
    let columns = Array.concat [ u.[0 .. d - 1]; v.[0 .. d - 1]; w.[0 .. k - 1] ]
    let width = from.Width
    [| for r in 0 .. rows - 1 do for j in columns -> inputs.[r * width + j] |]

/// Candidates for a failing network case, simplest first: one input row (then fewer rows), d = 1 and k = 0 (then
/// fewer pairs and fixed columns), one hidden layer, narrower layers, one output, sum pooling, seed 0, then input
/// values towards 0 (keeping their sign). A case of a named architecture is rebuilt with `Architectures.build`; a
/// layer tree of another shape only shrinks its rows, seed and inputs.
let shrink (c: NetworkCase) : seq<NetworkCase> =
    let precision = c.Spec.Precision
    let tryBuild (name: string) (symmetry: Symmetry) (options: ArchitectureOptions) (inputs: float[]) =
        try Some { c with Spec = Architectures.build name symmetry options; Inputs = inputs } with _ -> None
    let structural =
        match Architectures.recognise c.Spec with
        | None -> Seq.empty
        | Some (name, options) ->
            seq {
                for s in Shrinkers.symmetry c.Spec.Symmetry do
                    let d, k = (Symmetry.u s).Length, (Symmetry.w s).Length
                    if d <= (Symmetry.u c.Spec.Symmetry).Length && k <= (Symmetry.w c.Spec.Symmetry).Length then
                        yield tryBuild name s options (selectColumns c.Spec.Symmetry d k c.Rows c.Inputs)
                if options.Hidden.Length > 1 then
                    yield tryBuild name c.Spec.Symmetry { options with Hidden = [ options.Hidden.Head ]; Activations = [ options.Activations.Head ] } c.Inputs
                for i in 0 .. options.Hidden.Length - 1 do
                    let width = options.Hidden.[i]
                    for narrower in List.distinct [ 1; 2; width / 2; width - 1 ] do
                        if narrower >= 1 && narrower < width then
                            yield tryBuild name c.Spec.Symmetry { options with Hidden = List.updateAt i narrower options.Hidden } c.Inputs
                if options.Outputs > 1 then yield tryBuild name c.Spec.Symmetry { options with Outputs = 1 } c.Inputs
                if name = "pooled" && options.Pooling <> PoolSum then
                    yield tryBuild name c.Spec.Symmetry { options with Pooling = PoolSum } c.Inputs
            }
            |> Seq.choose id
    seq {
        if c.Rows > 1 then
            yield! Shrinkers.rowsAndValues (fun _ -> Seq.empty) c.Rows c.Inputs |> Seq.map (fun (rows, inputs) -> { c with Rows = rows; Inputs = inputs })
        yield! structural
        if c.Seed <> 0 then yield { c with Seed = 0 }
        yield! Shrinkers.rowsAndValues (Shrinkers.finite precision) 1 c.Inputs
               |> Seq.map (fun (_, inputs) -> { c with Inputs = inputs })
    }

// ---- the invariance property -----------------------------------------------------------------------------

/// The network's outputs (row-major, rows × outputs) on the inputs and on the swapped inputs x̃, from parameters
/// drawn with the case's seed.
let outputsBothWays (c: NetworkCase) : float[] * float[] =
    let p = Network.init c.Spec (Random.key c.Seed)
    SwapChecks.outputsBothWays c.Spec.Symmetry (Network.apply c.Spec p) c.InputTensor

/// The exact-invariance property: f(x) and f(x̃) have the same bits on every row and output.
let isSwapInvariantBitwise (c: NetworkCase) : bool =
    let p = Network.init c.Spec (Random.key c.Seed)
    SwapChecks.isInvariant c.Spec.Symmetry (Network.apply c.Spec p) c.InputTensor

/// The exact-invariance property as an FsCheck `Property` whose failure shows the network and the first row where
/// f(x) and f(x̃) differ, as `u | v | w` (for blocks, f(u, v, w) against f(v, u, w)), with both values.
///
/// Example: `Prop.forAll (SeagullArb.networkCase "pooled" Float32) swapInvariance`.
let swapInvariance (c: NetworkCase) : Property =
    let p = Network.init c.Spec (Random.key c.Seed)
    match SwapChecks.firstDifference c.Spec.Symmetry (Network.apply c.Spec p) c.InputTensor with
    | None -> Prop.ofTestable true
    | Some difference -> Prop.label $"{c.Display}: not swap-invariant: {difference}" false
