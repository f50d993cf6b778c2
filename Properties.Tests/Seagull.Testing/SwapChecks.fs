/// Exact swap invariance of any function of a batch, under a given symmetry: f(x) and f(x̃) have the same bits on
/// every row and output, where x̃ is x with every row swapped by the symmetry's involution (`Symmetry.swap`). For your
/// own architecture, your own layer, or a fitted model's predictions.
///
/// Example:
/// ```
/// let s = Symmetry.blocks 2 1
/// let mine (x: Tensor) = Tensor.sumAxis 1 (Tensor.square (Symmetry.swap s x - x))   // even in u − v
/// [<Property>]
/// let ``mine is exactly invariant`` () = Prop.forAll (SeagullArb.inputs s Float64) (SwapChecks.invariance s mine)
/// ```
module Seagull.Testing.SwapChecks

open System
open FsCheck
open FsCheck.FSharp
open Seagull.Core

/// The outputs (row-major) of f on the batch and on the swapped batch.
let outputsBothWays (symmetry: Symmetry) (f: Tensor -> Tensor) (x: Tensor) : float[] * float[] =
    Tensor.toArray (f x), Tensor.toArray (f (Symmetry.swap symmetry x))

/// The first difference between f(x) and f(x̃) as a message — the row as `u | v | w`, the output, both values in
/// round-trip form — or None when they have the same bits everywhere.
let firstDifference (symmetry: Symmetry) (f: Tensor -> Tensor) (x: Tensor) : string option =
    let fx, fSwapped = f x, f (Symmetry.swap symmetry x)
    let y, ySwapped = Tensor.toArray fx, Tensor.toArray fSwapped
    let rows = x.Shape.[0]
    if y.Length <> ySwapped.Length then
        Some $"f(x) has {y.Length} values but f(x̃) has {ySwapped.Length}"
    else
        let same (a: float) (b: float) = BitConverter.DoubleToInt64Bits a = BitConverter.DoubleToInt64Bits b
        match Array.tryFindIndex id (Array.map2 (fun a b -> not (same a b)) y ySwapped) with
        | None -> None
        | Some i ->
            let outputs = max 1 (y.Length / max 1 rows)
            let r, o = i / outputs, i % outputs
            let width = symmetry.Width
            let values = Tensor.toArray x
            let row = values.[r * width .. (r + 1) * width - 1]
            let output = if outputs = 1 then "" else $", output {o}"
            Some ($"row {r}{output}: u | v | w = {Show.row symmetry x.Dtype row}: "
                  + $"f(u,v,w) = {Show.number fx.Dtype y.[i]} but f(v,u,w) = {Show.number fx.Dtype ySwapped.[i]}")

/// f(x) and f(x̃) have the same bits (a bool, for `Prop.forAll … (fun x -> …)` or plain asserts).
let isInvariant (symmetry: Symmetry) (f: Tensor -> Tensor) (x: Tensor) : bool =
    (firstDifference symmetry f x).IsNone

/// The exact-invariance property of f under the symmetry on the batch x (rows × the symmetry's width). Its failure
/// names the first row where f(u, v, w) and f(v, u, w) differ, split into u | v | w, with both outputs.
let invariance (symmetry: Symmetry) (f: Tensor -> Tensor) (x: Tensor) : Property =
    match firstDifference symmetry f x with
    | None -> Prop.ofTestable true
    | Some difference -> Prop.label $"not swap-invariant under {symmetry}: {difference}" false
