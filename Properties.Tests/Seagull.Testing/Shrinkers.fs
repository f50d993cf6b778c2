/// Shrinkers for Seagull's values: the smaller candidates FsCheck tries, in order, once a case fails. Each candidate
/// is strictly smaller than the value it comes from, so shrinking always ends.
///
/// Example: `Arb.fromGenShrink (Generators.anyFinite Float64, Shrinkers.finite Float64)` is `SeagullArb.finite Float64`.
module Seagull.Testing.Shrinkers

open System
open Seagull.Core

let private roundTo (dtype: Dtype) (x: float) = match dtype with Float32 -> float (float32 x) | Float64 -> x

/// `x` cut to `digits` significant decimal digits towards 0 (None where that is not a finite number).
let private truncateDigits (digits: int) (x: float) : float option =
    if x = 0.0 || not (Double.IsFinite x) then None
    else
        let scale = Math.Pow(10.0, floor (log10 (abs x)) - float digits + 1.0)
        if scale = 0.0 || not (Double.IsFinite scale) then None
        else
            let cut = Math.Truncate(x / scale) * scale
            if Double.IsFinite cut then Some cut else None

/// Candidates for `x` between `target` and `x`, nearest the target first: the target itself (0 keeps the sign of x),
/// x with fewer significant digits, then points ever closer to x (x − (x − target)/2ᵏ). All are values of the
/// precision, inside [lo, hi], and strictly closer to the target than x.
let towards (dtype: Dtype) (lo: float) (hi: float) (target: float) (x: float) : seq<float> =
    let distance = abs (x - target)
    if not (Double.IsFinite x) || x = target then Seq.empty
    else
        seq {
            yield (if target = 0.0 then (if x < 0.0 then -0.0 else 0.0) else target)
            for digits in 1 .. 17 do
                match truncateDigits digits (x - target) with
                | Some d -> yield target + d
                | None -> ()
            for k in 1 .. 60 do
                yield x - (x - target) / Math.Pow(2.0, float k)
        }
        |> Seq.map (roundTo dtype)
        |> Seq.filter (fun c -> Double.IsFinite c && c >= lo && c <= hi && abs (c - target) < distance)
        |> Seq.distinctBy BitConverter.DoubleToInt64Bits

/// Candidates for a finite value of the precision: towards 0 through values of the same sign, ending at ±0 with the
/// sign of x (so −0, which parity checks tell from +0, stays −0; a negative value never turns positive).
/// Example: `Shrinkers.finite Float64 -4.75` starts `-0, -4, -4.7, …, -2.375, -3.5625, …`.
let finite (dtype: Dtype) (x: float) : seq<float> =
    towards dtype -Double.MaxValue Double.MaxValue 0.0 x

/// Candidates for a value of [lo, hi]: towards the point of the interval nearest 0, staying inside it.
let bounded (lo: float) (hi: float) (x: float) : seq<float> =
    let target = if lo > 0.0 then lo elif hi < 0.0 then hi else 0.0
    towards Float64 lo hi target x

/// Candidates for a row-major batch of `rows` rows: the first row alone, the first half, each row left out, then each
/// value shrunk by `value` (one at a time). Returns (rows, values) pairs.
let rowsAndValues (value: float -> seq<float>) (rows: int) (values: float[]) : seq<int * float[]> =
    let width = if rows = 0 then 0 else values.Length / rows
    let first (r: int) = r, values.[0 .. r * width - 1]
    seq {
        if rows > 1 then
            yield first 1
            if rows / 2 > 1 then yield first (rows / 2)
            for r in 0 .. rows - 1 do
                yield rows - 1, Array.append values.[0 .. r * width - 1] values.[(r + 1) * width ..]
        for i in 0 .. values.Length - 1 do
            for c in value values.[i] do
                yield rows, Array.updateAt i c values
    }

/// Candidates for a tensor: fewer rows (along the first axis, as `rowsAndValues`), then smaller values (towards 0,
/// keeping each value's sign, in the tensor's precision). A rank-0 tensor only shrinks its value.
let tensor (t: Tensor) : seq<Tensor> =
    let shape = t.Shape
    let values = Tensor.toArray t
    if shape.Length = 0 then
        finite t.Dtype values.[0] |> Seq.map (fun c -> Tensor.ofArray t.Dtype shape [| c |])
    else
        rowsAndValues (finite t.Dtype) shape.[0] values
        |> Seq.map (fun (rows, v) -> Tensor.ofArray t.Dtype (Array.updateAt 0 rows shape) v)

/// Candidates for a parameter tree: each leaf's values shrunk towards 0, one value at a time (the tree's shape stays).
let parameters (p: Params) : seq<Params> =
    let leaves = Params.leaves p |> Array.ofList
    seq {
        for i in 0 .. leaves.Length - 1 do
            let leaf = leaves.[i]
            let values = Tensor.toArray leaf
            for j in 0 .. values.Length - 1 do
                for c in finite leaf.Dtype values.[j] do
                    let shrunk = Tensor.ofArray leaf.Dtype leaf.Shape (Array.updateAt j c values)
                    yield Params.withLeaves p (List.ofArray (Array.updateAt i shrunk leaves))
    }

/// Candidates for a symmetry: `blocks 1 0` (one pair, nothing fixed), then fewer pairs and fewer fixed columns for
/// blocks. Other symmetries shrink only to `blocks 1 0`.
let symmetry (s: Symmetry) : seq<Symmetry> =
    seq {
        match Symmetry.blockWidths s with
        | Some (1, 0) -> ()
        | Some (d, k) ->
            yield Symmetry.blocks 1 0
            if d > 1 then yield Symmetry.blocks (d - 1) k
            if k > 0 then yield Symmetry.blocks d 0
            if k > 1 then yield Symmetry.blocks d (k - 1)
        | None -> yield Symmetry.blocks 1 0
    }
    |> Seq.distinctBy (fun x -> x.Width, string x)
