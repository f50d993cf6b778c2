/// Comparisons for property tests of numeric code: bitwise equality, tolerances, and activations
/// evaluated with their derivatives.
module Seagull.Testing.Checks

open System
open FsCheck
open FsCheck.FSharp
open Seagull.Core

/// Runs `f` with a fresh temporary folder, deleted afterwards.
let withTempFolder (f: string -> unit) =
    let dir = IO.Path.Combine(IO.Path.GetTempPath(), $"seagull-tests-{Guid.NewGuid():N}")
    IO.Directory.CreateDirectory dir |> ignore
    try f dir finally (if IO.Directory.Exists dir then IO.Directory.Delete(dir, true))

/// Runs `f`, expects a SeagullException whose message is one line containing every fragment; returns the message.
let expectOneLineError (fragments: string list) (f: unit -> 'a) =
    let e = Xunit.Assert.Throws<SeagullException>(fun () -> f () |> ignore)
    Xunit.Assert.DoesNotContain("\n", e.Message)
    for s in fragments do
        Xunit.Assert.True(e.Message.Contains(s: string), $"expected '{s}' in: {e.Message}")
    e.Message

/// The IEEE bits of a double (a float32 widened to double keeps its bits' meaning: equal float32 bits
/// give equal double bits).
let bits (x: float) = BitConverter.DoubleToInt64Bits x

/// Same bits element by element (so 0 ≠ −0 and equal NaNs are equal).
let bitwiseEqual (a: float[]) (b: float[]) =
    a.Length = b.Length && Array.forall2 (fun x y -> bits x = bits y) a b

// The distance in units in the last place of two values given their positions on the number line (`position`:
// the sign-magnitude bits made monotone); NaN as documented below.
let inline private ulpsBetween (isNaN: 'a -> bool) (position: 'a -> int64) (a: 'a) (b: 'a) : float =
    if isNaN a || isNaN b then (if isNaN a && isNaN b then 0.0 else infinity)
    elif a = b then 0.0
    else
        let pa, pb = position a, position b
        // Same sign: an exact integer difference (as doubles, values near 2^62 would round to 1024s).
        if (pa >= 0L) = (pb >= 0L) then float (abs (pa - pb)) else abs (float pa - float pb)

/// The distance of two float64 values in units in the last place: the number of float64 values strictly
/// between a and b, plus one (0 when equal, so +0 and −0 are 0 apart; both NaN count as equal, one NaN is ∞).
/// Example: `ulps64 1.0 (Math.BitIncrement 1.0) = 1.0`.
let ulps64 (a: float) (b: float) : float =
    let position (x: float) =
        let bits = BitConverter.DoubleToInt64Bits x
        if bits < 0L then Int64.MinValue - bits else bits
    ulpsBetween Double.IsNaN position a b

/// The same for float32 values. Example: `ulps32 1.0f (MathF.BitIncrement 1.0f) = 1.0`.
let ulps32 (a: float32) (b: float32) : float =
    let position (x: float32) =
        let bits = BitConverter.SingleToInt32Bits x
        int64 (if bits < 0 then Int32.MinValue - bits else bits)
    ulpsBetween Single.IsNaN position a b

/// The machine epsilon of a precision (the gap between 1 and the next value).
let epsilon (dtype: Dtype) = match dtype with Float32 -> float (MathF.BitIncrement 1.0f - 1.0f) | Float64 -> Math.BitIncrement 1.0 - 1.0

/// |x − y| ≤ tolerance · max(1, |x|, |y|): relative for large values, absolute near 0.
let close (tolerance: float) (x: float) (y: float) =
    abs (x - y) <= tolerance * max 1.0 (max (abs x) (abs y))

/// A property that holds when `ok`, labelled with what was compared so a failure explains itself.
let expect (ok: bool) (label: string) : Property = Prop.label label ok

/// The first index where two arrays disagree under `same`, shown as "at i: a vs b" (round-trip form), or "" if none.
/// The checks of `ActivationChecks` name the input instead; this is for arrays that are not functions of one.
let firstDifference (same: float -> float -> bool) (a: float[]) (b: float[]) =
    match Array.tryFindIndex id (Array.map2 (fun x y -> not (same x y)) a b) with
    | Some i -> $"at {i}: {a.[i]:R} vs {b.[i]:R}"
    | None -> ""

/// The first input whose output fails `ok`, shown as "at x = …: y", or "" if none.
let firstFailure (ok: float -> bool) (inputs: float[]) (outputs: float[]) =
    match Array.tryFindIndex (ok >> not) outputs with
    | Some i -> $"at x = {inputs.[i]:R}: {outputs.[i]:R}"
    | None -> ""

/// σ at each value, in the precision (a fresh tensor each call).
let activationValues (dtype: Dtype) (a: Activation) (values: float[]) = Activation.evaluate dtype a values

/// σ′ at each value, in the precision.
let derivativeValues (dtype: Dtype) (a: Activation) (values: float[]) =
    Tensor.toArray (Activation.derivative a (Tensor.vector dtype values))
