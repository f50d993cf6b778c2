/// How the checks print what they saw: numbers in round-trip form in their precision (`4.778460000000001`, not
/// `4.77846`; `-0`, not `0`), so a value copied from a failure message parses back to the same bits, and input rows
/// split into the blocks a symmetry exchanges, `u | v | w`.
module Seagull.Testing.Show

open System
open System.Globalization
open Seagull.Core

/// A double in round-trip form ("R"): `Double.Parse` of the text gives the same bits (−0 prints as `-0`).
/// Example: `Show.float64 4.778460000000001 = "4.778460000000001"`.
let float64 (x: float) : string = x.ToString("R", CultureInfo.InvariantCulture)

/// A single in round-trip form: the shortest text that parses back to the same float32.
/// Example: `Show.float32 0.1f = "0.1"` (as a double it would print 0.10000000149011612).
let float32 (x: float32) : string = x.ToString("R", CultureInfo.InvariantCulture)

/// A value of the precision in round-trip form in that precision (a float32 value held in a double prints as the
/// float32 it is). Example: `Show.number Float32 (float 0.1f) = "0.1"`.
let number (dtype: Dtype) (x: float) : string =
    match dtype with
    | Float32 -> float32 (Operators.float32 x)
    | Float64 -> float64 x

/// Values of the precision, comma-separated. Example: `Show.numbers Float64 [| 1.0; -0.0 |] = "1, -0"`.
let numbers (dtype: Dtype) (xs: float[]) : string = xs |> Array.map (number dtype) |> String.concat ", "

/// One input row split into the blocks the symmetry exchanges, `u | v | w` (w empty when the symmetry fixes no
/// column). Example: `Show.row (Symmetry.blocks 1 1) Float64 [| 0.5; -1.0; 2.0 |] = "0.5 | -1 | 2"`.
let row (symmetry: Symmetry) (dtype: Dtype) (values: float[]) : string =
    let pick (columns: int[]) = numbers dtype (columns |> Array.map (fun j -> values.[j]))
    let w = Symmetry.w symmetry
    let u, v = pick (Symmetry.u symmetry), pick (Symmetry.v symmetry)
    if w.Length = 0 then $"{u} | {v} |" else $"{u} | {v} | {pick w}"

/// A tensor on one line: its shape and values in round-trip form. Example: `"[2; 1] float64 [1, -0]"`.
let tensor (t: Tensor) : string =
    let shape = t.Shape |> Array.map string |> String.concat "; "
    $"[{shape}] {Dtype.name t.Dtype} [{numbers t.Dtype (Tensor.toArray t)}]"

/// Any property argument on one line: numbers, arrays of numbers and tensors in round-trip form, everything else as
/// FsCheck prints it (`%A`, which uses a type's `StructuredFormatDisplay`).
let value (o: obj) : string =
    match o with
    | :? float as x -> float64 x
    | :? Single as x -> float32 x
    | :? (float[]) as xs -> $"[|{numbers Float64 xs}|]"
    | :? (Single[]) as xs -> $"""[|{xs |> Array.map float32 |> String.concat ", "}|]"""
    | :? Tensor as t -> tensor t
    | null -> "null"
    | _ -> (sprintf "%A" o).Replace(Environment.NewLine, " ")
