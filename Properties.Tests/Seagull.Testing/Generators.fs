/// FsCheck generators for Seagull's values, for anyone writing property suites over the core: finite
/// numbers of every scale in either precision, shapes including the sizes where the vectorised and
/// blocked kernels change paths, tensors, and parameter trees.
///
/// Every number generator yields finite values only. FsCheck's default `float` generator yields NaN
/// and ±∞ about one time in eight; use `bounded`, `normalFloat` or `anyFinite` instead.
///
/// A `Gen` does not shrink: a failing case is reported as drawn. `SeagullArb` (and the `Arbitraries` class for
/// typed arguments) pairs these generators with shrinkers; use those in `Prop.forAll` to get a small counterexample.
///
/// Example:
/// ```
/// [<Property(Replay = Generators.Replay, MaxTest = 100)>]
/// let ``exp is positive`` () =
///     Prop.forAll (Arb.fromGen (Generators.matrix Float64 (Generators.bounded -5.0 5.0))) (fun t ->
///         Tensor.toArray (Tensor.exp t) |> Array.forall (fun v -> v > 0.0))
/// ```
module Seagull.Testing.Generators

open System
open FsCheck
open FsCheck.FSharp
open Seagull.Core

// ---- seeds ---------------------------------------------------------------------------------------------

/// The fixed FsCheck seed of the foundation properties, for `[<Property(Replay = Generators.Replay)>]`:
/// every run draws the same cases, so a failure reproduces and a pass is not luck.
[<Literal>]
let Replay = "(20240611,314159)"

/// An FsCheck configuration that runs `maxTest` cases from the fixed seed, prints nothing on success and throws on
/// failure, for properties checked inside an xunit `Fact` or `Theory` with `Check.One`.
let config (maxTest: int) : Config =
    Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithQuietOnSuccess(true).WithReplay(Some (Runs.parseReplay Replay))

/// Checks a property on `maxTest` cases from the fixed seed `Replay`, quietly; throws `CounterexampleException`, whose
/// message shows the counterexample in round-trip form and the seed, on failure. `Runs.check` takes any seed.
let check (maxTest: int) (property: Property) = Runs.check (Runs.replaying Replay maxTest) property

// ---- numbers -------------------------------------------------------------------------------------------

/// The largest finite value of a precision, as a double.
let maxFinite (dtype: Dtype) = match dtype with Float32 -> float Single.MaxValue | Float64 -> Double.MaxValue

/// The smallest positive normal value of a precision.
let minNormal (dtype: Dtype) =
    match dtype with
    | Float32 -> float (BitConverter.Int32BitsToSingle 0x00800000)
    | Float64 -> BitConverter.Int64BitsToDouble 0x0010000000000000L

/// The smallest positive (subnormal) value of a precision.
let minSubnormal (dtype: Dtype) = match dtype with Float32 -> float Single.Epsilon | Float64 -> Double.Epsilon

/// The values where floating-point code breaks first, with both signs: 0, the smallest subnormal, the
/// largest subnormal, the smallest normal, 1, √max (where z² overflows) and the largest finite value.
let extremes (dtype: Dtype) : float[] =
    let largestSubnormal = minNormal dtype - minSubnormal dtype
    let magnitudes =
        [| 0.0; minSubnormal dtype; largestSubnormal; minNormal dtype; 1.0
           sqrt (maxFinite dtype); maxFinite dtype |]
    Array.append magnitudes (Array.map (fun m -> -m) magnitudes)
    |> Array.map (fun v -> match dtype with Float32 -> float (float32 v) | Float64 -> v)

/// Doubles on a grid of 10⁶ steps in [lo, hi]; finite. A `Gen` does not shrink: `SeagullArb.bounded lo hi` is the
/// same generator with a shrinker (towards the point of [lo, hi] nearest 0).
let bounded (lo: float) (hi: float) : Gen<float> =
    Gen.choose (0, 1_000_000) |> Gen.map (fun i -> lo + (hi - lo) * float i / 1e6)

/// Doubles with lo ≤ |x| ≤ hi and either sign: for functions with a kink at 0 (abs, ReLU, leaky ReLU),
/// whose finite differences are wrong within a step of it.
let awayFromZero (lo: float) (hi: float) : Gen<float> =
    Gen.map2 (fun (m: float) (negative: bool) -> if negative then -m else m) (bounded lo hi) (Gen.elements [ false; true ])

/// Finite doubles of every scale in [−limit, limit], either sign: ±0, ±limit, subnormals (when the limit reaches
/// them), magnitudes log-uniform from the smallest subnormal to the limit, and moderate values within ±min(limit, 10).
/// (It used to clip FsCheck's `NormalFloat`, which under FsCheck 3.6 yields neither ±0, subnormals nor magnitudes
/// beyond the size, so that it returned exactly ±limit in most draws of a limit below the size.)
let normalFloat (limit: float) : Gen<float> =
    let limit = if Double.IsFinite limit then abs limit else Double.MaxValue
    let signed (g: Gen<float>) = Gen.map2 (fun (m: float) negative -> if negative then -m else m) g (Gen.elements [ false; true ])
    let top = if limit = 0.0 then -1074 else Math.ILogB limit
    let logUniform =
        gen {
            let! exponent = Gen.choose (-1074, top)
            let! mantissa = Gen.choose (0, 1 <<< 30)
            return min limit (Math.ScaleB(1.0 + float mantissa / float (1 <<< 30), exponent))
        }
    let subnormal =
        gen {
            let! high = Gen.choose (0, (1 <<< 26) - 1)
            let! low = Gen.choose (0, (1 <<< 26) - 1)
            return min limit (BitConverter.Int64BitsToDouble ((int64 high <<< 26) ||| int64 low))
        }
    let moderate = min limit 10.0
    Gen.frequency
        [ 1, Gen.elements [ 0.0; -0.0; limit; -limit ]
          1, signed subnormal
          4, signed logUniform
          4, Gen.choose (-1_000_000, 1_000_000) |> Gen.map (fun i -> moderate * float i / 1e6) ]

/// A finite value of the precision drawn bit pattern by bit pattern, so every binade from the
/// subnormals to the largest finite value is equally likely; exactly representable in the precision.
let private finiteBits (dtype: Dtype) : Gen<float> =
    match dtype with
    | Float64 ->
        gen {
            let! sign = Gen.choose (0, 1)
            let! exponent = Gen.choose (0, 2046)
            let! high = Gen.choose (0, (1 <<< 26) - 1)
            let! low = Gen.choose (0, (1 <<< 26) - 1)
            let bits = (int64 sign <<< 63) ||| (int64 exponent <<< 52) ||| (int64 high <<< 26) ||| int64 low
            return BitConverter.Int64BitsToDouble bits
        }
    | Float32 ->
        gen {
            let! sign = Gen.choose (0, 1)
            let! exponent = Gen.choose (0, 254)
            let! mantissa = Gen.choose (0, (1 <<< 23) - 1)
            let bits = (sign <<< 31) ||| (exponent <<< 23) ||| mantissa
            return float (BitConverter.Int32BitsToSingle bits)
        }

/// Any finite value of the precision: bit patterns over every binade, moderate values in [−10, 10]
/// (where activations bend) and the `extremes`. Every value is exactly representable in the precision.
let anyFinite (dtype: Dtype) : Gen<float> =
    let moderate = bounded -10.0 10.0 |> Gen.map (fun v -> match dtype with Float32 -> float (float32 v) | Float64 -> v)
    Gen.frequency [ 5, finiteBits dtype; 4, moderate; 1, Gen.elements (extremes dtype) ]

// ---- shapes --------------------------------------------------------------------------------------------

/// Sizes where SIMD and blocked matrix kernels change paths: 1, vector widths and their neighbours,
/// register-tile and cache-block edges.
let edgeSizes = [ 1; 2; 3; 4; 5; 6; 7; 8; 9; 15; 16; 17; 23; 24; 25; 31; 32; 33; 63; 64; 65; 127; 128; 130 ]

/// One of `edgeSizes`.
let edgeSize : Gen<int> = Gen.elements edgeSizes

/// A precision, either one.
let dtype : Gen<Dtype> = Gen.elements [ Float32; Float64 ]

/// A shape of rank 0 to `maxRank` with dimensions in [1, maxDimension].
let shape (maxRank: int) (maxDimension: int) : Gen<int[]> =
    gen {
        let! rank = Gen.choose (0, maxRank)
        return! Gen.arrayOfLength rank (Gen.choose (1, maxDimension))
    }

/// A matrix shape [rows; cols] with each dimension in [1, maxDimension].
let matrixShape (maxDimension: int) : Gen<int[]> =
    Gen.map2 (fun r c -> [| r; c |]) (Gen.choose (1, maxDimension)) (Gen.choose (1, maxDimension))

// ---- tensors and parameter trees -----------------------------------------------------------------------

/// A tensor of the given precision and shape, elements drawn from `values`.
let tensorOf (dtype: Dtype) (shape: int[]) (values: Gen<float>) : Gen<Tensor> =
    Gen.arrayOfLength (Array.fold (*) 1 shape) values |> Gen.map (Tensor.ofArray dtype shape)

/// A matrix of the given size.
let matrixOf (dtype: Dtype) (rows: int) (cols: int) (values: Gen<float>) : Gen<Tensor> =
    tensorOf dtype [| rows; cols |] values

/// A matrix of random size (1–8 rows and columns).
let matrix (dtype: Dtype) (values: Gen<float>) : Gen<Tensor> =
    matrixShape 8 |> Gen.bind (fun s -> tensorOf dtype s values)

/// A tensor of rank 0 to 3 and random dimensions (1–6).
let tensor (dtype: Dtype) (values: Gen<float>) : Gen<Tensor> =
    shape 3 6 |> Gen.bind (fun s -> tensorOf dtype s values)

/// A parameter tree of the precision: nested groups (depth ≤ 3, 1–4 children with distinct names)
/// whose leaves are tensors of rank 0 to 2 with values in [−2, 2].
let paramsOf (dtype: Dtype) : Gen<Params> =
    let leaf = shape 2 5 |> Gen.bind (fun s -> tensorOf dtype s (bounded -2.0 2.0)) |> Gen.map Leaf
    let rec tree (depth: int) : Gen<Params> =
        if depth = 0 then leaf
        else
            let group =
                gen {
                    let! n = Gen.choose (1, 4)
                    let! children = Gen.listOfLength n (tree (depth - 1))
                    return Group (children |> List.mapi (fun i c -> $"{char (int 'a' + i)}{depth}", c))
                }
            Gen.frequency [ 1, leaf; 3, group ]
    Gen.choose (1, 3) |> Gen.bind tree
