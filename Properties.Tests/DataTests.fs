module Seagull.Tests.DataTests

open System
open System.IO
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core

// ---- helpers ------------------------------------------------------------------------------------------

let private bits (xs: float[]) = xs |> Array.map BitConverter.DoubleToInt64Bits

// ---- generators ---------------------------------------------------------------------------------------

/// A data set with bounded, occasionally constant columns of varied scale.
type SmallData = SmallData of Dataset

type Generators =
    static member SmallData() : Arbitrary<SmallData> =
        gen {
            let! d = Gen.choose (1, 4)
            let! k = Gen.choose (0, 3)
            let! rows = Gen.choose (1, 25)
            let width = 2 * d + k
            let! scales = Gen.arrayOfLength width (Gen.elements [ 0.0; 1e-3; 1.0; 37.5; 1e4 ])
            let! raw = Gen.arrayOfLength (rows * width) (Gen.choose (-1_000_000, 1_000_000))
            let! offset = Gen.elements [ 0.0; -3.0; 250.0 ]
            let! y = Gen.arrayOfLength rows (Gen.choose (-1000, 1000))
            let x = raw |> Array.mapi (fun i r -> offset + scales.[i % width] * float r / 1e6)
            return SmallData (Dataset.ofArrays { D = d; K = k } x (y |> Array.map float))
        }
        |> Arb.fromGen

    /// Rows (2..200), a test fraction in (0, 1) and a seed.
    static member SplitCase() : Arbitrary<int * float * int> =
        gen {
            let! rows = Gen.choose (2, 200)
            let! percent = Gen.choose (1, 99)
            let! seed = Gen.choose (0, 100_000)
            return rows, float percent / 100.0, seed
        }
        |> Arb.fromGen

// ---- Blocks and Dataset -------------------------------------------------------------------------------

[<Fact>]
let ``blocks validate widths`` () =
    Assert.Equal(9, Blocks.inputWidth { D = 3; K = 3 })
    Checks.expectOneLineError [ "D ≥ 1" ] (fun () -> Blocks.validate { D = 0; K = 1 }) |> ignore
    Checks.expectOneLineError [ "K ≥ 0" ] (fun () -> Blocks.validate { D = 1; K = -1 }) |> ignore

[<Fact>]
let ``swapInputs exchanges u and v per row`` () =
    let x = [| 1.; 2.; 3.; 4.; 5.;   6.; 7.; 8.; 9.; 10. |]
    Assert.Equal<float[]>([| 3.; 4.; 1.; 2.; 5.;   8.; 9.; 6.; 7.; 10. |], Dataset.swapInputs { D = 2; K = 1 } x)

[<Fact>]
let ``create rejects bad data with one-line messages`` () =
    let b = { D = 1; K = 0 }
    Checks.expectOneLineError [ "row 2"; "'v1'"; "finite" ] (fun () -> Dataset.ofArrays b [| 1.; 2.; 3.; nan |] [| 0.; 0. |]) |> ignore
    Checks.expectOneLineError [ "row 1"; "'y'" ] (fun () -> Dataset.ofArrays b [| 1.; 2. |] [| infinity |]) |> ignore
    Checks.expectOneLineError [ "do not fill" ] (fun () -> Dataset.ofArrays b [| 1.; 2.; 3. |] [| 0.; 0. |]) |> ignore
    Checks.expectOneLineError [ "'a'" ] (fun () -> Dataset.create b [| "a"; "a" |] "y" [| 1.; 2. |] [| 0. |]) |> ignore

[<Fact>]
let ``augment appends the swapped copy`` () =
    let ds = Dataset.ofArrays { D = 1; K = 1 } [| 1.; 2.; 3.;  4.; 5.; 6. |] [| 10.; 20. |]
    let a = Dataset.augment ds
    Assert.Equal(4, a.Rows)
    Assert.Equal<float[]>([| 1.; 2.; 3.; 4.; 5.; 6.; 2.; 1.; 3.; 5.; 4.; 6. |], a.X)
    Assert.Equal<float[]>([| 10.; 20.; 10.; 20. |], a.Y)
    Assert.Equal<float[]>([| 4.; 5.; 6. |], Dataset.row ds 1)
    Assert.Equal<float[]>([| 2.; 5. |], Dataset.column ds 1)
    Assert.Equal<float[]>([| 4.; 5.; 6.; 1.; 2.; 3. |], (Dataset.take [| 1; 0 |] ds).X)

/// A data set whose first input column is the row number, to trace rows through a split.
let private indexed rows =
    Dataset.ofArrays { D = 1; K = 0 } (Array.init (2 * rows) (fun i -> if i % 2 = 0 then float (i / 2) else 0.5))
        (Array.init rows float)

[<Property(Replay = Seagull.Tests.Generators.Replay, MaxTest = 200, Arbitrary = [| typeof<Generators> |])>]
let ``split is a partition of the requested size`` ((rows: int, fraction: float, seed: int)) =
    let train, test = Dataset.split (Random.key seed) fraction (indexed rows)
    let ids (d: Dataset) = Dataset.column d 0 |> Array.map int
    let all = Array.append (ids train) (ids test) |> Array.sort
    let expected = int (Math.Round(float rows * fraction, MidpointRounding.AwayFromZero)) |> max 1 |> min (rows - 1)
    all = Array.init rows id && test.Rows = expected && train.Rows = rows - expected
    && Array.forall2 (fun (r: float) y -> r = y) (Dataset.column train 0) train.Y

[<Fact>]
let ``split is deterministic per key and depends on it`` () =
    let ds = indexed 100
    let a1, b1 = Dataset.split (Random.key 7) 0.3 ds
    let a2, b2 = Dataset.split (Random.key 7) 0.3 ds
    let _, b3 = Dataset.split (Random.key 8) 0.3 ds
    Assert.Equal<float[]>(a1.X, a2.X)
    Assert.Equal<float[]>(b1.Y, b2.Y)
    Assert.NotEqual<float[]>(b1.Y, b3.Y)
    Assert.Equal(30, b1.Rows)

[<Fact>]
let ``split refuses impossible requests`` () =
    Checks.expectOneLineError [ "between 0 and 1" ] (fun () -> Dataset.split (Random.key 0) 1.0 (indexed 10)) |> ignore
    Checks.expectOneLineError [ "between 0 and 1" ] (fun () -> Dataset.split (Random.key 0) 0.0 (indexed 10)) |> ignore
    Checks.expectOneLineError [ "at least 2 rows" ] (fun () -> Dataset.split (Random.key 0) 0.5 (indexed 1)) |> ignore
    let train, test = Dataset.split (Random.key 0) 0.01 (indexed 3)
    Assert.Equal((2, 1), (train.Rows, test.Rows))

// ---- Standardization ----------------------------------------------------------------------------------

[<Property(Replay = Seagull.Tests.Generators.Replay, MaxTest = 300, Arbitrary = [| typeof<Generators> |])>]
let ``standardising commutes bitwise with the swap`` (SmallData ds) =
    let s = Standardization.fit ds
    let b = ds.Blocks
    let left = Standardization.applyInputs s b (Dataset.swapInputs b ds.X)
    let right = Dataset.swapInputs b (Standardization.applyInputs s b ds.X)
    bits left = bits right

[<Property(Replay = Seagull.Tests.Generators.Replay, MaxTest = 300, Arbitrary = [| typeof<Generators> |])>]
let ``fitting on swapped data gives the same standardisation bitwise`` (SmallData ds) =
    let s1 = Standardization.fit ds
    let s2 = Standardization.fit (Dataset.swap ds)
    bits s1.InputMean = bits s2.InputMean && bits s1.InputScale = bits s2.InputScale
    && Standardization.validate ds.Blocks s1 = s1

[<Property(Replay = Seagull.Tests.Generators.Replay, MaxTest = 200, Arbitrary = [| typeof<Generators> |])>]
let ``standardised pooled u-v columns have mean 0 and scale 1 or are constant`` (SmallData ds) =
    let s = Standardization.fit ds
    let z = Standardization.apply s ds
    let d = ds.Blocks.D
    let width = Dataset.inputWidth ds
    let pooled j = if j < 2 * d then Array.append (Dataset.column z (j % d)) (Dataset.column z (j % d + d)) else Dataset.column z j
    [ 0 .. width - 1 ] |> List.forall (fun j ->
        let c = pooled j
        let m = Array.average c
        let sd = sqrt (c |> Array.averageBy (fun x -> (x - m) ** 2.0))
        abs m < 1e-9 * (1.0 + abs s.InputMean.[j] / s.InputScale.[j]) && (abs (sd - 1.0) < 1e-9 || s.InputScale.[j] = 1.0))

[<Property(Replay = Seagull.Tests.Generators.Replay, MaxTest = 200, Arbitrary = [| typeof<Generators> |])>]
let ``data at the ends of the float range standardise like the same data at unit scale`` (SmallData ds) =
    // Sums of squares of values ~1e300 overflow, of values ~1e-200 underflow; neither may fall back to
    // scale 1 (which hid the spread of data in small units).
    [ 1e300; 1e-200; 1e-13 ] |> List.forall (fun factor ->
        let scaledData = { ds with X = ds.X |> Array.map (fun v -> v * factor); Y = ds.Y |> Array.map (fun v -> v * factor) }
        let s = Standardization.fit ds
        let sb = Standardization.fit scaledData
        let close (a: float) (b: float) = abs (a - b) <= 1e-9 * (abs a + abs b) + factor * 1e-300
        let scaled (unit: float) (other: float) = (unit = 1.0 && other = 1.0) || close (unit * factor) other
        Array.forall2 (fun (a: float) b -> close (a * factor) b) s.InputMean sb.InputMean
        && Array.forall2 scaled s.InputScale sb.InputScale
        && close (s.TargetMean * factor) sb.TargetMean
        && scaled s.TargetScale sb.TargetScale
        && bits (Standardization.fit (Dataset.swap scaledData)).InputScale = bits sb.InputScale)

[<Fact>]
let ``a constant column of many rows gets scale 1 though its computed mean is off by rounding`` () =
    for value in [ 0.1; 0.017; 0.3; 1e-5; 123.456 ] do
        let rows = 100_000
        let x = Array.init (rows * 3) (fun i -> if i % 3 = 2 then value else float (i % 7))
        let ds = Dataset.ofArrays { D = 1; K = 1 } x (Array.create rows value)
        let s = Standardization.fit ds
        Assert.Equal(1.0, s.InputScale.[2])
        Assert.Equal(1.0, s.TargetScale)

[<Fact>]
let ``a small spread far from zero is data, not rounding: it gets its own scale`` () =
    // 1e6 + 1e-7·t and 1e9 + 1e-3·t: spreads of 1e-13 and 1e-12 relative to the mean, thousands of ulps.
    let t = Random.uniforms (Random.key 4) 2000 -1.0 1.0
    let x = Array.init 3000 (fun i -> let r = i / 3 in if i % 3 = 2 then 1e9 + 1e-3 * t.[r] else t.[(r + i % 3) % 2000])
    let ds = Dataset.ofArrays { D = 1; K = 1 } x (Array.init 1000 (fun r -> 1e6 + 1e-7 * t.[r]))
    let s = Standardization.fit ds
    let spread (values: float[]) =
        let m = Array.average values
        sqrt (values |> Array.averageBy (fun v -> (v - m) * (v - m)))
    Assert.Equal(spread ds.Y, s.TargetScale, 9)
    Assert.True(abs (s.TargetScale / spread ds.Y - 1.0) < 1e-3)
    let w = Array.init 1000 (fun r -> x.[3 * r + 2])
    Assert.True(abs (s.InputScale.[2] / spread w - 1.0) < 1e-3, $"{s.InputScale.[2]} vs {spread w}")
    // within a few ulps of the mean is rounding: scale 1
    let ulpsApart = Dataset.ofArrays { D = 1; K = 0 } (Array.init 20 float) (Array.init 10 (fun r -> if r % 2 = 0 then 1e6 else Math.BitIncrement 1e6))
    Assert.Equal(1.0, (Standardization.fit ulpsApart).TargetScale)
    // decided on the values, not on the computed spread: 10 000 rows of 293.15 with one a unit in the last
    // place above (the running sum's rounding alone spreads the mean by far more), and 0.1 + 0.2 beside 0.3
    let rows = 10_000
    let kelvin = Array.init (rows * 3) (fun i -> if i % 3 = 2 then (if i = 2 then Math.BitIncrement 293.15 else 293.15) else float (i % 11))
    let mixed = Array.init rows (fun r -> if r % 2 = 0 then 0.1 + 0.2 else 0.3)
    let s = Standardization.fit (Dataset.ofArrays { D = 1; K = 1 } kelvin mixed)
    Assert.Equal(1.0, s.InputScale.[2])
    Assert.Equal(1.0, s.TargetScale)
    Assert.True(Standardization.isConstantUpToRounding mixed)
    // beyond rounding, the scale is the real spread, not the mean's rounding error: 100 000 readings of 293.15
    // with one 1000 ulps off (standard deviation ≈ 1.8e-13; the mean of a running sum is off by far more)
    let n = 100_000
    let readings = Array.init n (fun i -> if i = 0 then 293.15 + 1000.0 * (Math.BitIncrement 293.15 - 293.15) else 293.15)
    let exact =
        let d = 1000.0 * (Math.BitIncrement 293.15 - 293.15)   // the one deviation, in exact terms
        d * sqrt (float (n - 1)) / float n
    let fitted = Standardization.fit (Dataset.ofArrays { D = 1; K = 0 } (Array.init (2 * n) (fun i -> float (i % 9))) readings)
    Assert.True(abs (fitted.TargetScale / exact - 1.0) < 0.01, $"scale {fitted.TargetScale} vs {exact}")
    Assert.False(Standardization.isConstantUpToRounding [| 1e6; 1e6 + 1e-7 |])
    // at the top of the float range the next double is ∞: a real spread there is still a spread
    Assert.False(Standardization.isConstantUpToRounding [| Double.MaxValue; Double.MaxValue / 2.0 |])
    Assert.False(Standardization.isConstantUpToRounding [| -Double.MaxValue; Double.MaxValue |])
    Assert.True(Standardization.isConstantUpToRounding [| Double.MaxValue; Math.BitDecrement Double.MaxValue |])

[<Fact>]
let ``constant columns get scale 1 and targets invert`` () =
    let ds = Dataset.ofArrays { D = 1; K = 1 } [| 2.; 4.; 5.;  2.; 6.; 5.;  2.; 8.; 5. |] [| 1.; 2.; 3. |]
    let s = Standardization.fit ds
    Assert.Equal<float[]>([| 4.; 4.; 5. |], s.InputMean)
    Assert.Equal(1.0, s.InputScale.[2])
    Assert.Equal(s.InputScale.[0], s.InputScale.[1])
    Assert.Equal(sqrt (2.0 / 3.0), s.TargetScale, 12)
    let y = Standardization.invertTarget s (Standardization.applyTarget s ds.Y)
    Array.iter2 (fun (a: float) b -> Assert.Equal(a, b, 12)) ds.Y y
    Assert.Equal<float[]>(ds.X, Standardization.applyInputs (Standardization.identity ds.Blocks) ds.Blocks ds.X)

// ---- Targets ------------------------------------------------------------------------------------------

[<Property(Replay = Seagull.Tests.Generators.Replay, MaxTest = 100)>]
let ``every exchangeable target is invariant under the swap`` (seed: int) =
    Targets.exchangeable |> List.forall (fun t ->
        let ds = Targets.generate t (Random.key seed) 20
        let width = Dataset.inputWidth ds
        let swapped = Dataset.swapInputs t.Blocks ds.X
        Array.init ds.Rows (fun i -> t.Evaluate (Array.sub swapped (i * width) width))
        |> Array.forall2 (fun (a: float) b -> abs (a - b) <= 1e-12) ds.Y)

[<Property(Replay = Seagull.Tests.Generators.Replay, MaxTest = 100)>]
let ``the control target is not invariant`` (seed: int) =
    let t = Targets.find "control_asymmetric"
    let ds = Targets.generate t (Random.key seed) 50
    let swapped = Targets.generate t (Random.key seed) 50 |> Dataset.swap
    let differ = Array.init 50 (fun i -> abs (ds.Y.[i] - t.Evaluate (Dataset.row swapped i)) > 1e-6) |> Array.filter id
    not t.Exchangeable && differ.Length >= 45

[<Fact>]
let ``targets are finite at degenerate and wide inputs`` () =
    for t in Targets.all do
        let width = Blocks.inputWidth t.Blocks
        let rows =
            [ Array.zeroCreate width; Array.create width 1.0; Array.create width -1.0
              Array.init width (fun j -> if j < t.Blocks.D then 0.3 else 0.3) ]
            @ [ for i in 0 .. 199 -> Random.uniforms (Random.key i) width -3.0 3.0 ]
        for r in rows do
            let y = t.Evaluate r
            Assert.True(Double.IsFinite y, $"{t.Name} gave {y} at %A{r}")

[<Fact>]
let ``reference formulas give known values`` () =
    let e name (x: float list) = (Targets.find name).Evaluate (Array.ofList x)
    // u = e1, v = e2, w = 0
    let x = [ 1.; 0.; 0.;  0.; 1.; 0.;  0.; 0.; 0. ]
    Assert.Equal(2.0 / sqrt 1.1, e "coulomb" x, 12)
    Assert.Equal(0.5, e "triangle_area" [ 0.; 0.; 0.;  1.; 0.; 0.;  0.; 1.; 0. ], 12)
    Assert.Equal(Math.PI / 2.0, e "angle" x, 6)
    Assert.Equal(Math.PI / 2.0, e "angle" [ 0.; 0.; 0.;  0.; 0.; 0.;  0.; 0.; 0. ], 12)
    Assert.Equal(2.0, e "pair_dot" [ 1.; 0.; 0.;  2.; 0.; 0.;  1.; 3.; 0. ], 12)
    Assert.Equal(exp -2.0, e "gaussian_pair" x, 12)
    Assert.Equal((sqrt 2.0 - 1.0) ** 2.0 + 1.0, e "spring" [ 1.; 0.; 0.;  0.; 1.; 0.;  1.; 0.; 0. ], 12)
    Checks.expectOneLineError [ "coulomb"; "9 inputs" ] (fun () -> e "coulomb" [ 1.; 2. ]) |> ignore

[<Fact>]
let ``suite has the required variety`` () =
    let names = Targets.all |> List.map (fun t -> t.Name)
    Assert.Equal(names.Length, List.distinct names |> List.length)
    for n in [ "coulomb"; "triangle_area"; "angle"; "pair_dot"; "gaussian_pair"; "spring" ] do
        Assert.True((Targets.find n).Blocks = { D = 3; K = 3 })
    Assert.Contains(Targets.all, fun t -> t.Blocks.D <> 3)
    Assert.Contains(Targets.all, fun t -> t.Blocks.K = 0)
    Assert.Contains(Targets.all, fun t -> t.Blocks.D >= 8)
    Assert.Contains(Targets.all, fun t -> not t.Exchangeable)
    Assert.Equal("spring", (Targets.find " Spring ").Name)
    Assert.True((Targets.tryFind "nope").IsNone)
    Checks.expectOneLineError [ "unknown target 'nope'"; "known: coulomb, triangle_area" ] (fun () -> Targets.find "nope") |> ignore

[<Fact>]
let ``generated data are deterministic per key and named`` () =
    for t in Targets.all do
        let a = Targets.generate t (Random.key 3) 40
        let b = Targets.generate t (Random.key 3) 40
        let c = Targets.generate t (Random.key 4) 40
        Assert.Equal<int64[]>(bits a.X, bits b.X)
        Assert.Equal<int64[]>(bits a.Y, bits b.Y)
        Assert.NotEqual<float[]>(a.X, c.X)
        Assert.True(a.X |> Array.forall (fun v -> v >= -1.0 && v < 1.0))
        Assert.Equal<string[]>(Dataset.defaultInputNames t.Blocks, a.InputNames)
        Assert.Equal("y", a.TargetName)
    Assert.Equal<string[]>([| "u1"; "v1"; "w1" |], (Targets.generate (Targets.find "bead_pair") (Random.key 0) 2).InputNames)
