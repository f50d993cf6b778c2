module Seagull.Tests.DataTests

open System
open System.IO
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing

// ---- helpers ------------------------------------------------------------------------------------------

let private bits (xs: float[]) = xs |> Array.map BitConverter.DoubleToInt64Bits

// ---- generators ---------------------------------------------------------------------------------------

/// A data set with bounded, occasionally constant columns of varied scale.
type SmallData = SmallData of Dataset

type Generators =
    static member SmallData() : Arbitrary<SmallData> =
        gen {
            // blocks of every width, image mirrors and random involutions; one or two targets
            let! symmetry = NetworkGenerators.anySymmetry
            let! targets = Gen.choose (1, 2)
            let! rows = Gen.choose (1, 25)
            let width = symmetry.Width
            let! scales = Gen.arrayOfLength width (Gen.elements [ 0.0; 1e-3; 1.0; 37.5; 1e4 ])
            let! raw = Gen.arrayOfLength (rows * width) (Gen.choose (-1_000_000, 1_000_000))
            let! offset = Gen.elements [ 0.0; -3.0; 250.0 ]
            let! y = Gen.arrayOfLength (rows * targets) (Gen.choose (-1000, 1000))
            let x = raw |> Array.mapi (fun i r -> offset + scales.[i % width] * float r / 1e6)
            let targetNames = if targets = 1 then [| "y" |] else Array.init targets (fun t -> $"y{t + 1}")
            return SmallData (Dataset.create symmetry (Symmetry.defaultNames symmetry) targetNames x (y |> Array.map float))
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

// ---- Symmetry and Dataset -----------------------------------------------------------------------------

[<Fact>]
let ``blocks validate widths`` () =
    Assert.Equal(9, (Symmetry.blocks 3 3).Width)
    Assert.Equal(9, Symmetry.width (Symmetry.blocks 3 3))
    Assert.Equal(Some (3, 3), Symmetry.blockWidths (Symmetry.blocks 3 3))
    Assert.Equal(None, Symmetry.blockWidths (Symmetry.mirror LeftRight 3 1 1))
    Checks.expectOneLineError [ "D ≥ 1" ] (fun () -> Symmetry.blocks 0 1) |> ignore
    Checks.expectOneLineError [ "K ≥ 0" ] (fun () -> Symmetry.blocks 1 -1) |> ignore

[<Fact>]
let ``swapRows exchanges u and v per row`` () =
    let x = [| 1.; 2.; 3.; 4.; 5.;   6.; 7.; 8.; 9.; 10. |]
    Assert.Equal<float[]>([| 3.; 4.; 1.; 2.; 5.;   8.; 9.; 6.; 7.; 10. |], Symmetry.swapRows (Symmetry.blocks 2 1) x)
    Checks.expectOneLineError [ "not whole rows of 5 columns" ] (fun () -> Symmetry.swapRows (Symmetry.blocks 2 1) [| 1.; 2. |]) |> ignore

[<Fact>]
let ``create rejects bad data with one-line messages`` () =
    let b = Symmetry.blocks 1 0
    Checks.expectOneLineError [ "row 2"; "'v1'"; "finite" ] (fun () -> Dataset.ofArrays b [| 1.; 2.; 3.; nan |] [| 0.; 0. |]) |> ignore
    Checks.expectOneLineError [ "row 1"; "'y'" ] (fun () -> Dataset.ofArrays b [| 1.; 2. |] [| infinity |]) |> ignore
    Checks.expectOneLineError [ "do not fill" ] (fun () -> Dataset.ofArrays b [| 1.; 2.; 3. |] [| 0.; 0. |]) |> ignore
    Checks.expectOneLineError [ "'a'" ] (fun () -> Dataset.create b [| "a"; "a" |] [| "y" |] [| 1.; 2. |] [| 0. |]) |> ignore
    // several targets: distinct names, not an input's, and whole rows of them
    Checks.expectOneLineError [ "row 2"; "'t2'"; "finite" ] (fun () -> Dataset.create b [| "a"; "b" |] [| "t1"; "t2" |] [| 1.; 2.; 3.; 4. |] [| 0.; 0.; 0.; nan |]) |> ignore
    Checks.expectOneLineError [ "target name 't'" ] (fun () -> Dataset.create b [| "a"; "b" |] [| "t"; "t" |] [| 1.; 2. |] [| 0.; 0. |]) |> ignore
    Checks.expectOneLineError [ "'a' is the name of an input and of a target" ] (fun () -> Dataset.create b [| "a"; "b" |] [| "a" |] [| 1.; 2. |] [| 0. |]) |> ignore
    Checks.expectOneLineError [ "3 target values do not fill rows of 2 target columns" ] (fun () -> Dataset.create b [| "a"; "b" |] [| "t1"; "t2" |] [| 1.; 2. |] [| 0.; 0.; 0. |]) |> ignore
    Checks.expectOneLineError [ "no target column" ] (fun () -> Dataset.create b [| "a"; "b" |] [||] [| 1.; 2. |] [||]) |> ignore
    Checks.expectOneLineError [ "3 input names for 2 input columns" ] (fun () -> Dataset.create b [| "a"; "b"; "c" |] [| "y" |] [| 1.; 2. |] [| 0. |]) |> ignore

[<Fact>]
let ``several targets are row-major, and take, augment and target keep them together`` () =
    let ds = Dataset.create (Symmetry.blocks 1 0) [| "a"; "b" |] [| "s"; "t" |] [| 1.; 2.;  3.; 4.;  5.; 6. |] [| 10.; -10.;  20.; -20.;  30.; -30. |]
    Assert.Equal(3, ds.Rows)
    Assert.Equal(2, Dataset.targets ds)
    Assert.Equal<float[]>([| 10.; 20.; 30. |], Dataset.target ds 0)
    Assert.Equal<float[]>([| -10.; -20.; -30. |], Dataset.target ds 1)
    let taken = Dataset.take [| 2; 0 |] ds
    Assert.Equal<float[]>([| 30.; -30.; 10.; -10. |], taken.Y)
    Assert.Equal<float[]>([| 5.; 6.; 1.; 2. |], taken.X)
    let a = Dataset.augment ds
    Assert.Equal<float[]>(Array.append ds.Y ds.Y, a.Y)
    Assert.Equal<float[]>([| 2.; 1.;  4.; 3.;  6.; 5. |], a.X.[6 ..])
    Checks.expectOneLineError [ "target column 2 is out of range (0..1)" ] (fun () -> Dataset.target ds 2) |> ignore
    let train, test = Dataset.splitRows (Random.key 3) 0.34 3
    Assert.Equal<int[]>([| 0 .. 2 |], Array.sort (Array.append train test))
    let trainPart, testPart = Dataset.split (Random.key 3) 0.34 ds
    Assert.Equal<float[]>((Dataset.take train ds).Y, trainPart.Y)
    Assert.Equal<float[]>((Dataset.take test ds).Y, testPart.Y)

[<Fact>]
let ``augment appends the swapped copy`` () =
    let ds = Dataset.ofArrays (Symmetry.blocks 1 1) [| 1.; 2.; 3.;  4.; 5.; 6. |] [| 10.; 20. |]
    let a = Dataset.augment ds
    Assert.Equal(4, a.Rows)
    Assert.Equal<float[]>([| 1.; 2.; 3.; 4.; 5.; 6.; 2.; 1.; 3.; 5.; 4.; 6. |], a.X)
    Assert.Equal<float[]>([| 10.; 20.; 10.; 20. |], a.Y)
    Assert.Equal<float[]>([| 4.; 5.; 6. |], Dataset.row ds 1)
    Assert.Equal<float[]>([| 2.; 5. |], Dataset.column ds 1)
    Assert.Equal<float[]>([| 4.; 5.; 6.; 1.; 2.; 3. |], (Dataset.take [| 1; 0 |] ds).X)

/// A data set whose first input column is the row number, to trace rows through a split.
let private indexed rows =
    Dataset.ofArrays (Symmetry.blocks 1 0) (Array.init (2 * rows) (fun i -> if i % 2 = 0 then float (i / 2) else 0.5))
        (Array.init rows float)

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 200, Arbitrary = [| typeof<Generators> |])>]
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

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 300, Arbitrary = [| typeof<Generators> |])>]
let ``standardising commutes bitwise with the swap`` (SmallData ds) =
    let s = Standardization.fit ds
    let b = ds.Symmetry
    let left = Standardization.applyInputs s (Symmetry.swapRows b ds.X)
    let right = Symmetry.swapRows b (Standardization.applyInputs s ds.X)
    bits left = bits right

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 300, Arbitrary = [| typeof<Generators> |])>]
let ``fitting on swapped data gives the same standardisation bitwise`` (SmallData ds) =
    let s1 = Standardization.fit ds
    let s2 = Standardization.fit (Dataset.swap ds)
    bits s1.InputMean = bits s2.InputMean && bits s1.InputScale = bits s2.InputScale
    && bits s1.TargetMean = bits s2.TargetMean && bits s1.TargetScale = bits s2.TargetScale
    && Standardization.validate ds.Symmetry (Dataset.targets ds) s1 = s1

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 200, Arbitrary = [| typeof<Generators> |])>]
let ``standardised pooled u-v columns have mean 0 and scale 1 or are constant`` (SmallData ds) =
    let s = Standardization.fit ds
    let z = Standardization.apply s ds
    let width = Dataset.inputWidth ds
    let pooled j =
        let partner = Symmetry.swapColumn ds.Symmetry j
        if partner <> j then Array.append (Dataset.column z j) (Dataset.column z partner) else Dataset.column z j
    [ 0 .. width - 1 ] |> List.forall (fun j ->
        let c = pooled j
        let m = Array.average c
        let sd = sqrt (c |> Array.averageBy (fun x -> (x - m) ** 2.0))
        abs m < 1e-9 * (1.0 + abs s.InputMean.[j] / s.InputScale.[j]) && (abs (sd - 1.0) < 1e-9 || s.InputScale.[j] = 1.0))

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 200, Arbitrary = [| typeof<Generators> |])>]
let ``data at the ends of the float range standardise like the same data at unit scale`` (SmallData ds) =
    // Sums of squares of values ~1e300 overflow, of values ~1e-200 underflow; neither may fall back to
    // scale 1 (which hid the spread of data in small units).
    [ 1e300; 1e-200; 1e-13 ] |> List.forall (fun factor ->
        let scaledData = { ds with X = ds.X |> Array.map (fun v -> v * factor); Y = ds.Y |> Array.map (fun v -> v * factor) }
        let s = Standardization.fit ds
        let sb = Standardization.fit scaledData
        let close (a: float) (b: float) = abs (a - b) <= 1e-9 * (abs a + abs b) + factor * 1e-300
        let scaled (unit: float) (other: float) = (unit = 1.0 && other = 1.0) || close (unit * factor) other
        // A mean is close relative to its own size and to the column's spread: a mean that is exactly 0 at unit
        // scale (a target column summing to 0) comes out as a rounding error of the scaled sums, a tiny fraction
        // of the scaled column's spread.
        let closeMean (unitMean: float) (mean: float) (scale: float) =
            abs (unitMean * factor - mean) <= 1e-9 * (abs (unitMean * factor) + abs mean + scale) + factor * 1e-300
        Array.forall2 (fun (a: float) b -> close (a * factor) b) s.InputMean sb.InputMean
        && Array.forall2 scaled s.InputScale sb.InputScale
        && Array.forall id (Array.map3 closeMean s.TargetMean sb.TargetMean sb.TargetScale)
        && Array.forall2 scaled s.TargetScale sb.TargetScale
        && bits (Standardization.fit (Dataset.swap scaledData)).InputScale = bits sb.InputScale)

[<Fact>]
let ``a constant column of many rows gets scale 1 though its computed mean is off by rounding`` () =
    for value in [ 0.1; 0.017; 0.3; 1e-5; 123.456 ] do
        let rows = 100_000
        let x = Array.init (rows * 3) (fun i -> if i % 3 = 2 then value else float (i % 7))
        let ds = Dataset.ofArrays (Symmetry.blocks 1 1) x (Array.create rows value)
        let s = Standardization.fit ds
        Assert.Equal(1.0, s.InputScale.[2])
        Assert.Equal<float[]>([| 1.0 |], s.TargetScale)

[<Fact>]
let ``a small spread far from zero is data, not rounding: it gets its own scale`` () =
    // 1e6 + 1e-7·t and 1e9 + 1e-3·t: spreads of 1e-13 and 1e-12 relative to the mean, thousands of ulps.
    let t = Random.uniforms (Random.key 4) 2000 -1.0 1.0
    let x = Array.init 3000 (fun i -> let r = i / 3 in if i % 3 = 2 then 1e9 + 1e-3 * t.[r] else t.[(r + i % 3) % 2000])
    let ds = Dataset.ofArrays (Symmetry.blocks 1 1) x (Array.init 1000 (fun r -> 1e6 + 1e-7 * t.[r]))
    let s = Standardization.fit ds
    let spread (values: float[]) =
        let m = Array.average values
        sqrt (values |> Array.averageBy (fun v -> (v - m) * (v - m)))
    Assert.Equal(spread ds.Y, s.TargetScale.[0], 9)
    Assert.True(abs (s.TargetScale.[0] / spread ds.Y - 1.0) < 1e-3)
    let w = Array.init 1000 (fun r -> x.[3 * r + 2])
    Assert.True(abs (s.InputScale.[2] / spread w - 1.0) < 1e-3, $"{s.InputScale.[2]} vs {spread w}")
    // within a few ulps of the mean is rounding: scale 1
    let ulpsApart = Dataset.ofArrays (Symmetry.blocks 1 0) (Array.init 20 float) (Array.init 10 (fun r -> if r % 2 = 0 then 1e6 else Math.BitIncrement 1e6))
    Assert.Equal(1.0, (Standardization.fit ulpsApart).TargetScale.[0])
    // decided on the values, not on the computed spread: 10 000 rows of 293.15 with one a unit in the last
    // place above (the running sum's rounding alone spreads the mean by far more), and 0.1 + 0.2 beside 0.3
    let rows = 10_000
    let kelvin = Array.init (rows * 3) (fun i -> if i % 3 = 2 then (if i = 2 then Math.BitIncrement 293.15 else 293.15) else float (i % 11))
    let mixed = Array.init rows (fun r -> if r % 2 = 0 then 0.1 + 0.2 else 0.3)
    let s = Standardization.fit (Dataset.ofArrays (Symmetry.blocks 1 1) kelvin mixed)
    Assert.Equal(1.0, s.InputScale.[2])
    Assert.Equal(1.0, s.TargetScale.[0])
    Assert.True(Standardization.isConstantUpToRounding mixed)
    // beyond rounding, the scale is the real spread, not the mean's rounding error: 100 000 readings of 293.15
    // with one 1000 ulps off (standard deviation ≈ 1.8e-13; the mean of a running sum is off by far more)
    let n = 100_000
    let readings = Array.init n (fun i -> if i = 0 then 293.15 + 1000.0 * (Math.BitIncrement 293.15 - 293.15) else 293.15)
    let exact =
        let d = 1000.0 * (Math.BitIncrement 293.15 - 293.15)   // the one deviation, in exact terms
        d * sqrt (float (n - 1)) / float n
    let fitted = Standardization.fit (Dataset.ofArrays (Symmetry.blocks 1 0) (Array.init (2 * n) (fun i -> float (i % 9))) readings)
    Assert.True(abs (fitted.TargetScale.[0] / exact - 1.0) < 0.01, $"scale {fitted.TargetScale.[0]} vs {exact}")
    Assert.False(Standardization.isConstantUpToRounding [| 1e6; 1e6 + 1e-7 |])
    // at the top of the float range the next double is ∞: a real spread there is still a spread
    Assert.False(Standardization.isConstantUpToRounding [| Double.MaxValue; Double.MaxValue / 2.0 |])
    Assert.False(Standardization.isConstantUpToRounding [| -Double.MaxValue; Double.MaxValue |])
    Assert.True(Standardization.isConstantUpToRounding [| Double.MaxValue; Math.BitDecrement Double.MaxValue |])

[<Fact>]
let ``constant columns get scale 1 and targets invert`` () =
    let ds = Dataset.ofArrays (Symmetry.blocks 1 1) [| 2.; 4.; 5.;  2.; 6.; 5.;  2.; 8.; 5. |] [| 1.; 2.; 3. |]
    let s = Standardization.fit ds
    Assert.Equal<float[]>([| 4.; 4.; 5. |], s.InputMean)
    Assert.Equal(1.0, s.InputScale.[2])
    Assert.Equal(s.InputScale.[0], s.InputScale.[1])
    Assert.Equal(sqrt (2.0 / 3.0), s.TargetScale.[0], 12)
    let y = Standardization.invertTargets s (Standardization.applyTargets s ds.Y)
    Array.iter2 (fun (a: float) b -> Assert.Equal(a, b, 12)) ds.Y y
    Assert.Equal<float[]>(ds.X, Standardization.applyInputs (Standardization.identity ds.Symmetry 1) ds.X)
    let x = Standardization.invertInputs s (Standardization.applyInputs s ds.X)
    Array.iter2 (fun (a: float) b -> Assert.Equal(a, b, 12)) ds.X x

[<Fact>]
let ``each target column gets its own mean and scale, and the standardisation checks its lengths`` () =
    // targets t1 = 10·r and t2 = −r + 100 over the same rows: means 10·m and 100 − m, scales 10·σ and σ
    let r = [| 1.; 2.; 3.; 4. |]
    let ds = Dataset.create (Symmetry.blocks 1 0) [| "a"; "b" |] [| "t1"; "t2" |] (Array.init 8 float) (r |> Array.collect (fun v -> [| 10.0 * v; 100.0 - v |]))
    let s = Standardization.fit ds
    let sigma = sqrt 1.25
    Assert.Equal(25.0, s.TargetMean.[0], 12)
    Assert.Equal(97.5, s.TargetMean.[1], 12)
    Assert.Equal(10.0 * sigma, s.TargetScale.[0], 12)
    Assert.Equal(sigma, s.TargetScale.[1], 12)
    // applyTargets scales each column by its own numbers, row-major
    let z = Standardization.applyTargets s ds.Y
    Assert.Equal((10.0 - 25.0) / (10.0 * sigma), z.[0], 12)
    Assert.Equal((99.0 - 97.5) / sigma, z.[1], 12)
    let identity = Standardization.identity ds.Symmetry 2
    Assert.Equal<float[]>(ds.Y, Standardization.applyTargets identity ds.Y)
    Assert.Equal(s, Standardization.validate ds.Symmetry 2 s)
    Checks.expectOneLineError [ "2 means and 2 scales for 1 target columns" ] (fun () -> Standardization.validate ds.Symmetry 1 s) |> ignore
    Checks.expectOneLineError [ "swapped by the symmetry"; "share one mean" ] (fun () ->
        Standardization.validate ds.Symmetry 2 { s with InputMean = [| 0.0; 1.0 |] }) |> ignore
    Checks.expectOneLineError [ "target column 1"; "positive scale" ] (fun () ->
        Standardization.validate ds.Symmetry 2 { s with TargetScale = [| 1.0; 0.0 |] }) |> ignore
    Checks.expectOneLineError [ "not whole rows of 2 columns" ] (fun () -> Standardization.applyTargets s [| 1.0; 2.0; 3.0 |]) |> ignore

// ---- Targets ------------------------------------------------------------------------------------------

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 100)>]
let ``every exchangeable target is invariant under the swap`` (seed: int) =
    Targets.exchangeable |> List.forall (fun t ->
        let ds = Targets.generate t (Random.key seed) 20
        let width = Dataset.inputWidth ds
        let swapped = Symmetry.swapRows t.Symmetry ds.X
        Array.init ds.Rows (fun i -> t.Evaluate (Array.sub swapped (i * width) width))
        |> Array.forall2 (fun (a: float) b -> abs (a - b) <= 1e-12) ds.Y)

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 100)>]
let ``the control target is not invariant`` (seed: int) =
    let t = Targets.find "control_asymmetric"
    let ds = Targets.generate t (Random.key seed) 50
    let swapped = Targets.generate t (Random.key seed) 50 |> Dataset.swap
    let differ = Array.init 50 (fun i -> abs (ds.Y.[i] - t.Evaluate (Dataset.row swapped i)) > 1e-6) |> Array.filter id
    not t.Exchangeable && differ.Length >= 45

[<Fact>]
let ``targets are finite at degenerate and wide inputs`` () =
    for t in Targets.all do
        let width = t.Symmetry.Width
        let rows =
            [ Array.zeroCreate width; Array.create width 1.0; Array.create width -1.0
              Array.init width (fun j -> if Symmetry.swapColumn t.Symmetry j > j then 0.3 else -0.3) ]
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
        Assert.True((Targets.find n).Symmetry.Equals(Symmetry.blocks 3 3))
        Assert.Equal(Some (3, 3), Symmetry.blockWidths (Targets.find n).Symmetry)
    let widths (t: Target) = (Symmetry.blockWidths t.Symmetry).Value
    Assert.Contains(Targets.all, fun t -> fst (widths t) <> 3)
    Assert.Contains(Targets.all, fun t -> snd (widths t) = 0)
    Assert.Contains(Targets.all, fun t -> fst (widths t) >= 8)
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
        Assert.Equal<string[]>(Symmetry.defaultNames t.Symmetry, a.InputNames)
        Assert.Equal<string[]>([| "y" |], a.TargetNames)
        Assert.True(a.Symmetry.Equals t.Symmetry)
    Assert.Equal<string[]>([| "u1"; "v1"; "w1" |], (Targets.generate (Targets.find "bead_pair") (Random.key 0) 2).InputNames)
