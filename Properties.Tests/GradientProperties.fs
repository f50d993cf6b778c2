/// Reverse-mode gradients against central finite differences in float64, for every differentiable
/// tensor operation and every activation, on random shapes and values; parameter trees round-trip
/// through flatten/unflatten and keep their shape under differentiation; differentiation is safe
/// from several threads at once.
module Seagull.Tests.GradientProperties

open System.Threading
open System.Threading.Tasks
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing
open Seagull.Testing.Checks

// ---- one check for every operation ---------------------------------------------------------------------

/// Inputs for an operation and the operation itself (its output is reduced by a random weighted sum).
type GradientCase =
    { Inputs: Tensor list
      Apply: Tensor list -> Tensor
      /// Extra arguments drawn with the inputs (slice bounds, row indices), for the failure message.
      Note: string }
    override this.ToString() = $"{this.Note} {this.Inputs}"

/// Relative tolerance of analytic against central-difference gradients (step 1e-6·max(1, |x|)).
let private tolerance = 1e-6

/// ∂/∂inputs of Σ w ⊙ op(inputs), with weights w ∈ [−1, 1) from `seed`, agrees with finite differences for every
/// input (`GradientChecks.inputsAgree`, the check any suite can use on its own operations).
let private gradientsAgree (case: GradientCase) (seed: int) : Property =
    GradientChecks.inputsAgree tolerance case.Apply case.Inputs seed

let private values = Generators.bounded -2.0 2.0
/// Away from the kink at 0 of abs and ReLU and from the pole of 1/x.
let private nonZero = Generators.awayFromZero 0.25 2.0
let private positive = Generators.bounded 0.5 3.0

let private inputs (tensors: Gen<Tensor list>) (apply: Tensor list -> Tensor) : Gen<GradientCase> =
    tensors |> Gen.map (fun ts -> { Inputs = ts; Apply = apply; Note = "" })

/// A float64 matrix of 1–5 rows and columns.
let private matrixIn (v: Gen<float>) = Generators.matrixShape 5 |> Gen.bind (fun s -> Generators.tensorOf Float64 s v)

let private unary (f: Tensor -> Tensor) (v: Gen<float>) : Gen<GradientCase> =
    inputs (matrixIn v |> Gen.map List.singleton) (fun ts -> f ts.[0])

/// A matrix and a second operand whose shape derives from the first's (same, row, column, scalar).
let private binary (f: Tensor -> Tensor -> Tensor) (secondShape: int[] -> int[]) (second: Gen<float>) : Gen<GradientCase> =
    let pair =
        gen {
            let! shape = Generators.matrixShape 5
            let! a = Generators.tensorOf Float64 shape values
            let! b = Generators.tensorOf Float64 (secondShape shape) second
            return [ a; b ]
        }
    inputs pair (fun ts -> f ts.[0] ts.[1])

let private broadcasts : (string * (int[] -> int[])) list =
    [ "same shape", id
      "row broadcast", (fun s -> [| s.[1] |])
      "column broadcast", (fun s -> [| s.[0]; 1 |])
      "scalar broadcast", (fun _ -> [||]) ]

let private matmulCase =
    let pair =
        gen {
            let! m = Gen.choose (1, 5)
            let! k = Gen.choose (1, 5)
            let! n = Gen.choose (1, 5)
            let! a = Generators.matrixOf Float64 m k values
            let! b = Generators.matrixOf Float64 k n values
            return [ a; b ]
        }
    inputs pair (fun ts -> Tensor.matmul ts.[0] ts.[1])

let private sliceCase =
    gen {
        let! t = matrixIn values
        let cols = t.Shape.[1]
        let! start = Gen.choose (0, cols - 1)
        let! width = Gen.choose (1, cols - start)
        return { Inputs = [ t ]; Apply = (fun ts -> Tensor.sliceColumns start width ts.[0]); Note = $"columns {start}+{width}" }
    }

/// 1–3 float64 matrices sharing one dimension (1–5), the other 1–4, joined by `concat`.
let private concatCase (shapeOf: int -> int -> int[]) (concat: Tensor list -> Tensor) =
    gen {
        let! shared = Gen.choose (1, 5)
        let! parts = Gen.choose (1, 3)
        let part = Gen.choose (1, 4) |> Gen.bind (fun other -> Generators.tensorOf Float64 (shapeOf shared other) values)
        let! ts = Gen.listOfLength parts part
        return { Inputs = ts; Apply = concat; Note = "" }
    }

let private takeRowsCase =
    gen {
        let! t = matrixIn values
        let! count = Gen.choose (1, 7)
        let! rows = Gen.arrayOfLength count (Gen.choose (0, t.Shape.[0] - 1))
        return { Inputs = [ t ]; Apply = (fun ts -> Tensor.takeRows rows ts.[0]); Note = $"rows %A{rows}" }
    }

/// Every differentiable operation of `Tensor`, by name.
let private operations : (string * Gen<GradientCase>) list =
    [ for name, shape in broadcasts do
          yield $"add, {name}", binary Tensor.add shape values
          yield $"sub, {name}", binary Tensor.sub shape values
          yield $"mul, {name}", binary Tensor.mul shape values
          yield $"div, {name}", binary Tensor.div shape nonZero
      for name, f, inputs in
          [ "scale", (fun t -> t * 2.5), values
            "addScalar", (fun t -> t + 1.5), values
            "neg", Tensor.neg, values
            "number minus tensor", (fun t -> 3.0 - t), values
            "number over tensor", (fun t -> 3.0 / t), nonZero
            "tensor over number", (fun t -> t / 4.0), values
            "exp", Tensor.exp, values
            "log", Tensor.log, positive
            "sqrt", Tensor.sqrt, positive
            "sin", Tensor.sin, values
            "cos", Tensor.cos, values
            "abs", Tensor.abs, nonZero
            "tanh", Tensor.tanh, values
            "sigmoid", Tensor.sigmoid, values
            "relu", Tensor.relu, nonZero
            "square", Tensor.square, values
            "sum", Tensor.sum, values
            "mean", Tensor.mean, values
            "sumAxis 0", (Tensor.sumAxis 0), values
            "sumAxis 1", (Tensor.sumAxis 1), values
            "meanAxis 0", (Tensor.meanAxis 0), values
            "meanAxis 1", (Tensor.meanAxis 1), values
            "reshape", (fun t -> Tensor.reshape [| t.Count |] t), values
            "transpose", Tensor.transpose, values ] do
          yield name, unary f inputs
      yield "matmul", matmulCase
      yield "sliceColumns", sliceCase
      yield "concatColumns", concatCase (fun rows cols -> [| rows; cols |]) Tensor.concatColumns
      yield "concatRows", concatCase (fun cols rows -> [| rows; cols |]) Tensor.concatRows
      yield "takeRows", takeRowsCase
      yield "composition", unary (fun t -> Tensor.tanh (Tensor.matmul t (Tensor.transpose t)) * 0.5 + Tensor.sigmoid (Tensor.sumAxis 1 t)) values ]

/// The name of every differentiable operation.
let operationNames : obj[] list = [ for name, _ in operations -> [| box name |] ]

[<Theory; MemberData(nameof operationNames)>]
let ``grad agrees with numericalGrad for every tensor operation`` (name: string) =
    let case = operations |> List.find (fst >> (=) name) |> snd
    let withSeed = Gen.zip case (Gen.choose (0, 100_000))
    Generators.check 60 (Prop.forAll (Arb.fromGen withSeed) (fun (c, seed) -> gradientsAgree c seed))

/// The name of every activation.
let activationNames : obj[] list = [ for a in Activation.catalogue -> [| box a.Name |] ]

[<Theory; MemberData(nameof activationNames)>]
let ``grad agrees with numericalGrad for every activation`` (name: string) =
    let a = Activation.find name
    let case = unary (Activation.apply a) (Generators.awayFromZero 0.1 3.0)
    Generators.check 60 (Prop.forAll (Arb.fromGen (Gen.zip case (Gen.choose (0, 100_000)))) (fun (c, seed) -> gradientsAgree c seed))

[<Theory; InlineData("mlp"); InlineData("split"); InlineData("pooled"); InlineData("symmetrized")>]
let ``a network's parameter gradient agrees with finite differences through flatten and unflatten`` (architecture: string) =
    let spec =
        Architectures.build architecture (Symmetry.blocks 2 1)
            { Architectures.options [ 6; 4 ] [ Activation.seagull; Activation.tanh ] with Outputs = 2; Precision = Float64 }
    let p = Network.init spec (Random.key 11)
    let x = Tensor.ofArray Float64 [| 9; 5 |] (Random.uniforms (Random.key 12) 45 -2.0 2.0)
    let y = Tensor.ofArray Float64 [| 9; 2 |] (Random.uniforms (Random.key 13) 18 -1.0 1.0)
    let loss (q: Params) = Loss.mse (Network.apply spec q x) y
    let _, g = Params.valueAndGrad loss p
    let numeric = Diff.numericalGrad (fun v -> loss (Params.unflatten p (Tensor.toArray v))) (Tensor.vector Float64 (Params.flatten p))
    let engine = Params.flatten g
    Assert.True(Array.forall2 (close tolerance) engine (Tensor.toArray numeric),
                $"{architecture}: {firstDifference (close tolerance) engine (Tensor.toArray numeric)}")

// ---- parameter trees -----------------------------------------------------------------------------------

let private shapesOf (p: Params) = Params.leaves p |> List.map (fun t -> t.Shape, t.Dtype)

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``unflatten of flatten is the same tree, bitwise, in both precisions`` () =
    Prop.forAll (Arb.fromGen (Generators.dtype |> Gen.bind Generators.paramsOf)) (fun p ->
        Params.equal (Params.unflatten p (Params.flatten p)) p)

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``flatten of unflatten gives back the values`` () =
    let case =
        gen {
            let! p = Generators.paramsOf Float64
            let! v = Gen.arrayOfLength (Params.count p) (Generators.normalFloat 1e300)
            return p, v
        }
    Prop.forAll (Arb.fromGen case) (fun (p, v) -> bitwiseEqual (Params.flatten (Params.unflatten p v)) v)

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``valueAndGrad on a parameter tree returns a tree of the same shape and the right gradient`` () =
    Prop.forAll (Arb.fromGen (Generators.dtype |> Gen.bind Generators.paramsOf)) (fun p ->
        // f(p) = Σᵢ (i + 1)·Σ leafᵢ², so ∂f/∂leafᵢ = 2(i + 1)·leafᵢ exactly.
        let f (q: Params) = Params.leaves q |> List.mapi (fun i t -> Tensor.sum (t * t) * float (i + 1)) |> List.reduce (+)
        let value, g = Params.valueAndGrad f p
        let expected = Params.leaves p |> List.mapi (fun i t -> Tensor.toArray t |> Array.map (fun v -> 2.0 * (float (i + 1) * v)))
        let relative = epsilon (Params.leaves p).Head.Dtype * 8.0
        expect (Params.paths g = Params.paths p) "paths"
        .&. expect (shapesOf g = shapesOf p) "shapes and precisions"
        .&. expect (List.forall2 (fun (t: Tensor) e -> Array.forall2 (close relative) (Tensor.toArray t) e) (Params.leaves g) expected) "gradient values"
        .&. expect (close relative value (Tensor.toScalar (f p))) "value")

// ---- threads -------------------------------------------------------------------------------------------

[<Fact>]
let ``grad and valueAndGrad give the same bits from many threads at once`` () =
    let spec = Architectures.pooled (Symmetry.blocks 2 1) { Architectures.options [ 16; 8 ] [ Activation.cos; Activation.gelu ] with Precision = Float64 }
    let p = Network.init spec (Random.key 5)
    let x = Tensor.ofArray Float64 [| 40; 5 |] (Random.uniforms (Random.key 6) 200 -3.0 3.0)
    let y = Tensor.ofArray Float64 [| 40; 1 |] (Random.uniforms (Random.key 7) 40 -1.0 1.0)
    let networkLoss (q: Params) = Loss.mse (Network.apply spec q x) y
    let tensorLoss (t: Tensor) = Tensor.sum (Tensor.exp (Tensor.matmul t (Tensor.transpose t)) * 0.01)
    let jobs : (unit -> float[]) [] =
        [| (fun () -> let v, g = Params.valueAndGrad networkLoss p in Array.append [| v |] (Params.flatten g))
           (fun () -> Tensor.toArray (Diff.grad tensorLoss x))
           (fun () -> let v, g = Diff.valueAndGrad tensorLoss x in Array.append (Tensor.toArray v) (Tensor.toArray g)) |]
    let expected = jobs |> Array.map (fun job -> job ())
    let threads = 8
    let start = new Barrier(threads)
    let results =
        Array.init threads (fun i ->
            Task.Factory.StartNew((fun () ->
                start.SignalAndWait()
                [ for round in 0 .. 11 -> (i + round) % jobs.Length, jobs.[(i + round) % jobs.Length] () ]),
                TaskCreationOptions.LongRunning))
        |> Array.map (fun task -> task.Result)
    for perThread in results do
        for job, got in perThread do
            Assert.True(bitwiseEqual expected.[job] got, $"job {job} differs from its single-threaded result")
