/// Reverse-mode gradients against central finite differences: of any tensor function with respect to its inputs,
/// and of any network function `Params -> Tensor -> Tensor` with respect to its parameters (your own architecture,
/// layer or loss). The output is reduced by a weighted sum Σ w ⊙ f with weights w ∈ [−1, 1) drawn from a seed, so
/// each output's gradient counts separately. Use float64: float32 finite differences are too coarse to agree.
///
/// Example:
/// ```
/// let spec = Architectures.pooled (Symmetry.blocks 2 1) { Architectures.options [ 4 ] [ Activation.tanh ] with Precision = Float64 }
/// [<Property>]
/// let ``pooled's parameter gradient agrees with finite differences`` (seed: int) =
///     let p = Network.init spec (Random.key seed)
///     let x = Tensor.ofArray Float64 [| 3; 5 |] (Random.uniforms (Random.key (seed + 1)) 15 -2.0 2.0)
///     GradientChecks.parametersAgree 1e-6 (Network.apply spec) p x seed
/// ```
module Seagull.Testing.GradientChecks

open FsCheck
open FsCheck.FSharp
open Seagull.Core
open Seagull.Testing.Checks

let private weightsFor (output: Tensor) (seed: int) =
    Tensor.ofArray output.Dtype output.Shape (Random.uniforms (Random.key seed) output.Count -1.0 1.0)

/// ∂/∂inputs of Σ w ⊙ f(inputs) agrees with central finite differences for every input, to
/// |a − b| ≤ tolerance · max(1, |a|, |b|). Its failure names the input, the element and both values.
/// Example: `GradientChecks.inputsAgree 1e-6 (fun ts -> Tensor.matmul ts.[0] ts.[1]) [ a; b ] 7`.
let inputsAgree (tolerance: float) (f: Tensor list -> Tensor) (inputs: Tensor list) (seed: int) : Property =
    let xs = Array.ofList inputs
    let w = weightsFor (f inputs) seed
    let loss (ts: Tensor[]) = Tensor.sum (f (List.ofArray ts) * w)
    let _, analytic = Diff.valueAndGradMany loss xs
    let failures =
        xs |> Array.mapi (fun i x ->
            let engine = Tensor.toArray analytic.[i]
            let numeric = Tensor.toArray (Diff.numericalGrad (fun t -> loss (Array.updateAt i t xs)) x)
            Array.tryFindIndex id (Array.map2 (fun a b -> not (close tolerance a b)) engine numeric)
            |> Option.map (fun j ->
                $"input {i} element {j} (value {Show.number x.Dtype (Tensor.toArray x).[j]}): gradient {Show.float64 engine.[j]} "
                + $"but finite differences give {Show.float64 numeric.[j]}"))
        |> Array.choose id
    match Array.tryHead failures with
    | None -> Prop.ofTestable true
    | Some failure -> Prop.label $"gradient vs finite differences: {failure}" false

/// The same for a function of one tensor. Example: `GradientChecks.inputAgrees 1e-6 Tensor.tanh x 0`.
let inputAgrees (tolerance: float) (f: Tensor -> Tensor) (x: Tensor) (seed: int) : Property =
    inputsAgree tolerance (fun ts -> f ts.Head) [ x ] seed

/// ∂/∂p of Σ w ⊙ f(p, x), by `Params.valueAndGrad`, agrees with central finite differences through
/// `Params.flatten`/`unflatten`, for every parameter. Its failure names the parameter by its path in the tree
/// and its index in that leaf, with both values.
let parametersAgree (tolerance: float) (f: Params -> Tensor -> Tensor) (p: Params) (x: Tensor) (seed: int) : Property =
    let w = weightsFor (f p x) seed
    let loss (q: Params) = Tensor.sum (f q x * w)
    let _, g = Params.valueAndGrad loss p
    let engine = Params.flatten g
    let flat = Params.flatten p
    let dtype = (Params.leaves p).Head.Dtype
    let numeric = Tensor.toArray (Diff.numericalGrad (fun v -> loss (Params.unflatten p (Tensor.toArray v))) (Tensor.vector dtype flat))
    match Array.tryFindIndex id (Array.map2 (fun a b -> not (close tolerance a b)) engine numeric) with
    | None -> Prop.ofTestable true
    | Some i ->
        // The leaf holding flat index i, and i's index inside it.
        let leaves = List.zip (Params.paths p) (Params.leaves p)
        let rec locate (offset: int) (rest: (string * Tensor) list) =
            match rest with
            | (path, t) :: tail -> if i < offset + t.Count then path, i - offset else locate (offset + t.Count) tail
            | [] -> "?", i
        let path, j = locate 0 leaves
        Prop.label ($"parameter {path}[{j}] (value {Show.number dtype flat.[i]}): gradient {Show.float64 engine.[i]} "
                    + $"but finite differences give {Show.float64 numeric.[i]}") false
