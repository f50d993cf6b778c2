/// Accuracy of Seagull's own vectorised exp, log, tanh, sigmoid and seagull kernels (`VectorMath`),
/// measured in units in the last place against System.Math over every binade, and their special values.
module Seagull.Tests.VectorMathProperties

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing
open Seagull.Core.Kernels
open Seagull.Testing.Checks

/// log(1 + z²) to about a tenth of a float64 ulp: z² and 1 + z² with their rounding errors recovered.
let private seagullReference (z: float) =
    if abs z > 1e150 then 2.0 * Math.Log(abs z)
    else
        let u = z * z
        let uError = Math.FusedMultiplyAdd(z, z, -u)
        let w = 1.0 + u
        let wError = u - (w - 1.0)
        Math.Log w + (wError + uError) / w

let private sigmoidReference (x: float) = if x >= 0.0 then 1.0 / (1.0 + Math.Exp(-x)) else Math.Exp x / (1.0 + Math.Exp x)

/// The kernels under test: name, float64 kernel, float32 kernel, reference, and the ulp bounds
/// (float64, float32) the property allows.
let private kernels : (string * (float[] -> float[] -> unit) * (float32[] -> float32[] -> unit) * (float -> float) * float * float) list =
    [ "exp", VectorMath.expInto64, VectorMath.expInto32, Math.Exp, 2.0, 2.0
      "log", VectorMath.logInto64, VectorMath.logInto32, Math.Log, 2.0, 2.0
      "tanh", VectorMath.tanhInto64, VectorMath.tanhInto32, Math.Tanh, 3.0, 6.0
      "sigmoid", VectorMath.sigmoidInto64, VectorMath.sigmoidInto32, sigmoidReference, 4.0, 3.0
      "seagull", VectorMath.seagullInto64, VectorMath.seagullInto32, seagullReference, 3.0, 3.0 ]

/// Values over every binade and the moderate range, and (for log) positive ones.
let private inputs (dtype: Dtype) (positive: bool) : Gen<float[]> =
    Gen.arrayOf (Generators.anyFinite dtype)
    |> Gen.map (Array.map (fun v -> if positive then abs v else v))

/// Results below the smallest normal number are compared in absolute terms: a subnormal result may be
/// off by one subnormal step (2^k is applied in two factors).
let private near64 (bound: float) (got: float) (want: float) =
    Checks.ulps64 got want <= bound || (abs want < Generators.minNormal Float64 && abs (got - want) <= 2.0 * Double.Epsilon)

/// `near64` for float32 values carried as doubles (as `firstDifference` wants them).
let private near32 (bound: float) (got: float) (want: float) =
    let got, want = float32 got, float32 want
    Checks.ulps32 got want <= bound || (abs want < float32 (Generators.minNormal Float32) && abs (got - want) <= 2.0f * Single.Epsilon)

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``float64 kernels are within a few ulps of System.Math over every binade`` () =
    Prop.forAll (Arb.fromGen (Gen.zip (inputs Float64 false) (inputs Float64 true))) (fun (xs, positives) ->
        kernels
        |> List.map (fun (name, f64, _, reference, bound, _) ->
            let xs = if name = "log" then positives else xs
            let got = Array.zeroCreate xs.Length
            f64 xs got
            let want = Array.map reference xs
            expect (Array.forall2 (near64 bound) got want) $"{name} float64 {firstDifference (near64 bound) got want}")
        |> List.reduce (.&.))

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``float32 kernels are within a few ulps of the float64 reference rounded to float32`` () =
    Prop.forAll (Arb.fromGen (Gen.zip (inputs Float32 false) (inputs Float32 true))) (fun (xs, positives) ->
        kernels
        |> List.map (fun (name, _, f32, reference, _, bound) ->
            let xs = (if name = "log" then positives else xs) |> Array.map float32
            let got = Array.zeroCreate xs.Length
            f32 xs got
            let got = Array.map float got
            let want = xs |> Array.map (fun x -> float (float32 (reference (float x))))
            expect (Array.forall2 (near32 bound) got want) $"{name} float32 {firstDifference (near32 bound) got want}")
        |> List.reduce (.&.))

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``the seagull's slope times a gradient is within a few ulps of 2z over 1 + z squared`` () =
    let slope (z: float) = if abs z >= 1.0 then 2.0 / (z + 1.0 / z) else 2.0 * z / (1.0 + z * z)
    Prop.forAll (Arb.fromGen (Gen.zip (inputs Float64 false) (Generators.bounded -3.0 3.0))) (fun (zs, gy) ->
        let g = Array.create zs.Length gy
        let got = Array.zeroCreate zs.Length
        VectorMath.seagullSlopeInto64 zs g got
        let want = zs |> Array.map (fun z -> slope z * gy)
        let zf = Array.map float32 zs
        let gotF = Array.zeroCreate zf.Length
        VectorMath.seagullSlopeInto32 zf (Array.map float32 g) gotF
        let gotF = Array.map float gotF
        let wantF = zf |> Array.map (fun z -> float (float32 (slope (float z) * float (float32 gy))))
        expect (Array.forall2 (near64 4.0) got want) $"float64 {firstDifference (near64 4.0) got want}"
        .&. expect (Array.forall2 (near32 4.0) gotF wantF) $"float32 {firstDifference (near32 4.0) gotF wantF}")

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``the 512-bit tanh and seagull kernels give the Vector<T> kernels' bits on every binade and at special values`` () =
    // Runs the 512-bit kernels also where Vector512 is not accelerated (software fallback), so the claim is
    // checked on any machine; lengths 0–16+ exercise the padded tail.
    let specials = [| 0.0; -0.0; nan; infinity; -infinity; 0.625; -0.625; 0.62499999999999989; 20.0; 19.999; 9.02; 7.9053111
                      4e-4; 1e-300; 5e-324; 1e150; 1.0000001e150; -1e151; 1e18; 1.1e18; 1e-20; 1e300 |]
    let sameBits (a: float) (b: float) = bits a = bits b   // float32 results compared widened (Checks.bits)
    let agree (name: string) (wide: float[] -> float[] -> unit) (portable: float[] -> float[] -> unit)
              (wide32: float32[] -> float32[] -> unit) (portable32: float32[] -> float32[] -> unit) (xs: float[]) =
        let w, p = Array.zeroCreate xs.Length, Array.zeroCreate xs.Length
        wide xs w
        portable xs p
        let xf = Array.map float32 xs
        let wf, pf = Array.zeroCreate xf.Length, Array.zeroCreate xf.Length
        wide32 xf wf
        portable32 xf pf
        let wf, pf = Array.map float wf, Array.map float pf
        expect (bitwiseEqual w p) $"{name} float64 {firstDifference sameBits w p}"
        .&. expect (bitwiseEqual wf pf) $"{name} float32 {firstDifference sameBits wf pf}"
    Prop.forAll (Arb.fromGen (inputs Float64 false)) (fun xs ->
        let xs = Array.append xs specials
        agree "tanh" VectorMath512.tanhInto64 VectorMath.tanhPortable64 VectorMath512.tanhInto32 VectorMath.tanhPortable32 xs
        .&. agree "seagull" VectorMath512.seagullInto64 VectorMath.seagullPortable64 VectorMath512.seagullInto32 VectorMath.seagullPortable32 xs)

/// Special values: the kernels' results must equal System.Math's exactly (NaN for NaN).
[<Theory>]
[<InlineData("float64")>]
[<InlineData("float32")>]
let ``special values give exactly System.Math's results`` (precision: string) =
    let dtype = Dtype.parse precision
    let specials = Array.append (Generators.extremes dtype) [| nan; infinity; -infinity; 1e-3; -1e-3; 20.0; -20.0; 800.0; -800.0 |]
    for name, f64, f32, reference, _, _ in kernels do
        let xs = if name = "log" then specials |> Array.filter (fun v -> v >= 0.0 || Double.IsNaN v || v = -infinity || v = -1.0) else specials
        let exact =
            xs |> Array.filter (fun v ->
                let r = reference v
                Double.IsNaN r || Double.IsInfinity r || r = 0.0 || abs r = 1.0 || Double.IsInfinity v || Double.IsNaN v)
        match dtype with
        | Float64 ->
            let got = Array.zeroCreate exact.Length
            f64 exact got
            for x, y in Array.zip exact got do
                let want = reference x
                Assert.True(Checks.ulps64 y want = 0.0 && (y <> 0.0 || BitConverter.DoubleToInt64Bits y = BitConverter.DoubleToInt64Bits want),
                            $"{name}({x}) = {y}, System.Math gives {want}")
        | Float32 ->
            let xf = Array.map float32 exact
            let got = Array.zeroCreate xf.Length
            f32 xf got
            for x, y in Array.zip xf got do
                let want = float32 (reference (float x))
                Assert.True(Checks.ulps32 y want = 0.0 && (y <> 0.0f || BitConverter.SingleToInt32Bits y = BitConverter.SingleToInt32Bits want),
                            $"{name}({x}) = {y}, System.Math gives {want}")

[<Property(Replay = Generators.Replay, MaxTest = 100)>]
let ``sign is minus one, zero or one like Math.Sign, in both precisions`` () =
    Prop.forAll (Arb.fromGen (inputs Float64 false)) (fun xs ->
        let got = Array.zeroCreate xs.Length
        VectorArithmetic.signInto64 xs got
        let gotF = Array.zeroCreate xs.Length
        VectorArithmetic.signInto32 (Array.map float32 xs) gotF
        expect (Array.forall2 (fun (x: float) (s: float) -> s = float (Math.Sign x)) xs got) "float64"
        .&. expect (Array.forall2 (fun (x: float) (s: float32) -> s = float32 (Math.Sign(float32 x))) xs gotF) "float32")

[<Property(Replay = Generators.Replay, MaxTest = 100)>]
let ``ReLU and leaky ReLU kernels give the bits of their scalar definitions, in both precisions`` () =
    Prop.forAll (Arb.fromGen (Gen.zip (inputs Float64 false) (Generators.bounded -3.0 3.0))) (fun (zs, gy) ->
        let g = Array.init zs.Length (fun i -> gy * float (i % 7 - 3))
        let run64 (f: float[] -> float[] -> float[] -> unit) = let r = Array.zeroCreate zs.Length in f zs g r; r
        let leaky64 = let r = Array.zeroCreate zs.Length in VectorArithmetic.leakyReluInto64 zs r; r
        let zf, gf = Array.map float32 zs, Array.map float32 g
        let run32 (f: float32[] -> float32[] -> float32[] -> unit) = let r = Array.zeroCreate zf.Length in f zf gf r; Array.map float r
        let leaky32 = let r = Array.zeroCreate zf.Length in VectorArithmetic.leakyReluInto32 zf r; Array.map float r
        let reluSlope (z: float) (d: float) = if z > 0.0 then d else 0.0
        let leaky (z: float) = if z > 0.0 then z else 0.01 * z
        let leakySlope (z: float) (d: float) = if z > 0.0 then d else 0.01 * d
        let f32 (v: float32) = float v
        expect (bitwiseEqual (run64 VectorArithmetic.reluSlopeInto64) (Array.map2 reluSlope zs g)) "relu slope float64"
        .&. expect (bitwiseEqual leaky64 (Array.map leaky zs)) "leaky float64"
        .&. expect (bitwiseEqual (run64 VectorArithmetic.leakyReluSlopeInto64) (Array.map2 leakySlope zs g)) "leaky slope float64"
        .&. expect (bitwiseEqual (run32 VectorArithmetic.reluSlopeInto32) (Array.map2 (fun (z: float32) (d: float32) -> f32 (if z > 0.0f then d else 0.0f)) zf gf)) "relu slope float32"
        .&. expect (bitwiseEqual leaky32 (Array.map (fun (z: float32) -> f32 (if z > 0.0f then z else 0.01f * z)) zf)) "leaky float32"
        .&. expect (bitwiseEqual (run32 VectorArithmetic.leakyReluSlopeInto32) (Array.map2 (fun (z: float32) (d: float32) -> f32 (if z > 0.0f then d else 0.01f * d)) zf gf)) "leaky slope float32")

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``sin and cos are within 2 ulps of System.Math away from their zeros, and within 1e-15 near them`` () =
    // Cephes' reduction by π/4 in three parts: on |x| ≤ 1000 the error is a couple of ulps of the result where
    // the result is not tiny; near a zero the reduced argument's absolute error (≈ 1e-22·|x|/π) is what shows.
    let values = Gen.oneof [ Generators.bounded -1000.0 1000.0; Generators.bounded -4.0 4.0; Generators.normalFloat 1.0 ]
    Prop.forAll (Arb.fromGen (Gen.arrayOf values)) (fun xs ->
        let check (name: string) (f64: float[] -> float[] -> unit) (f32: float32[] -> float32[] -> unit) (reference: float -> float) =
            let got = Array.zeroCreate xs.Length
            f64 xs got
            let want = Array.map reference xs
            let ok (g: float) (w: float) = (abs w > 1e-3 && Checks.ulps64 g w <= 2.0) || abs (g - w) <= 1e-15
            let xf = Array.map float32 xs
            let gotF = Array.zeroCreate xf.Length
            f32 xf gotF
            let gotF, wantF = Array.map float gotF, xf |> Array.map (fun x -> float (float32 (reference (float x))))
            let okF (g: float) (w: float) = Checks.ulps32 (float32 g) (float32 w) <= 1.0
            expect (Array.forall2 ok got want) $"{name} float64 {firstDifference ok got want}"
            .&. expect (Array.forall2 okF gotF wantF) $"{name} float32 {firstDifference okF gotF wantF}"
        check "sin" VectorTrig.sinInto64 VectorTrig.sinInto32 Math.Sin .&. check "cos" VectorTrig.cosInto64 VectorTrig.cosInto32 Math.Cos)

[<Fact>]
let ``sin and cos of special and huge values are System.Math's`` () =
    let xs = [| 0.0; -0.0; nan; infinity; -infinity; 1.073741824e9; 1.073741825e9; -3e9; 1e300; -1e300; 5e-324; Math.PI; -Math.PI / 2.0 |]
    for name, f64, reference in [ "sin", VectorTrig.sinInto64, Math.Sin; "cos", VectorTrig.cosInto64, Math.Cos ] do
        let got = Array.zeroCreate xs.Length
        f64 xs got
        for x, g in Array.zip xs got do
            let w = reference x
            let exact = Double.IsNaN x || Double.IsInfinity x || abs x > 1.073741824e9 || x = 0.0
            if exact then Assert.True(BitConverter.DoubleToInt64Bits g = BitConverter.DoubleToInt64Bits w || (Double.IsNaN g && Double.IsNaN w), $"{name}({x}) = {g}, System.Math: {w}")
            else Assert.True(abs (g - w) <= 1e-15, $"{name}({x}) = {g}, System.Math: {w}")
