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

let private tempDir =
    let d = Path.Combine(Path.GetTempPath(), "seagull-data-tests", Guid.NewGuid().ToString "N")
    Directory.CreateDirectory d |> ignore
    d

let private csvFile (name: string) (text: string) =
    let path = Path.Combine(tempDir, name)
    File.WriteAllText(path, text)
    path

let private roles u v w y =
    { U = Csv.parseColumnList u; V = Csv.parseColumnList v; W = Csv.parseColumnList w
      Y = (if y = "" then None else Some (ColumnRef.parse y)) }

/// Runs `f`, expects a SeagullException, checks it is one line and contains every fragment.
let private expectError (fragments: string list) (f: unit -> 'a) =
    let e = Assert.Throws<SeagullException>(fun () -> f () |> ignore)
    Assert.DoesNotContain("\n", e.Message)
    for s in fragments do
        Assert.True(e.Message.Contains(s: string), $"expected '{s}' in: {e.Message}")
    e.Message

let private good = "u1,u2,v1,v2,w1,y\n1,2,3,4,5,6\n7,8,9,10,11,12\n13,14,15,16,17,18\n"
let private goodRoles = roles "u1,u2" "v1,v2" "w1" ""

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
    expectError [ "D ≥ 1" ] (fun () -> Blocks.validate { D = 0; K = 1 }) |> ignore
    expectError [ "K ≥ 0" ] (fun () -> Blocks.validate { D = 1; K = -1 }) |> ignore

[<Fact>]
let ``swapInputs exchanges u and v per row`` () =
    let x = [| 1.; 2.; 3.; 4.; 5.;   6.; 7.; 8.; 9.; 10. |]
    Assert.Equal<float[]>([| 3.; 4.; 1.; 2.; 5.;   8.; 9.; 6.; 7.; 10. |], Dataset.swapInputs { D = 2; K = 1 } x)

[<Fact>]
let ``create rejects bad data with one-line messages`` () =
    let b = { D = 1; K = 0 }
    expectError [ "row 2"; "'v1'"; "finite" ] (fun () -> Dataset.ofArrays b [| 1.; 2.; 3.; nan |] [| 0.; 0. |]) |> ignore
    expectError [ "row 1"; "'y'" ] (fun () -> Dataset.ofArrays b [| 1.; 2. |] [| infinity |]) |> ignore
    expectError [ "do not fill" ] (fun () -> Dataset.ofArrays b [| 1.; 2.; 3. |] [| 0.; 0. |]) |> ignore
    expectError [ "'a'" ] (fun () -> Dataset.create b [| "a"; "a" |] "y" [| 1.; 2. |] [| 0. |]) |> ignore

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
    expectError [ "between 0 and 1" ] (fun () -> Dataset.split (Random.key 0) 1.0 (indexed 10)) |> ignore
    expectError [ "between 0 and 1" ] (fun () -> Dataset.split (Random.key 0) 0.0 (indexed 10)) |> ignore
    expectError [ "at least 2 rows" ] (fun () -> Dataset.split (Random.key 0) 0.5 (indexed 1)) |> ignore
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
    expectError [ "coulomb"; "9 inputs" ] (fun () -> e "coulomb" [ 1.; 2. ]) |> ignore

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
    expectError [ "unknown target 'nope'"; "known: coulomb, triangle_area" ] (fun () -> Targets.find "nope") |> ignore

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

// ---- CSV: loading --------------------------------------------------------------------------------------

[<Fact>]
let ``csv loads roles by name and by index`` () =
    let path = csvFile "good.csv" ("id,u1,u2,v1,v2,w1,y\n" + "a,1,2,3,4,5,6\n\"b,c\", 7 ,8,9,10,11,12\n\n\n")
    let ds = Csv.load path goodRoles
    Assert.Equal(2, ds.Rows)
    Assert.Equal({ D = 2; K = 1 }, ds.Blocks)
    Assert.Equal<float[]>([| 1.; 2.; 3.; 4.; 5.; 7.; 8.; 9.; 10.; 11. |], ds.X)
    Assert.Equal<float[]>([| 6.; 12. |], ds.Y)
    Assert.Equal<string[]>([| "u1"; "u2"; "v1"; "v2"; "w1" |], ds.InputNames)
    let byIndex = Csv.load path (roles "1,2" "3,4" "" "6")
    Assert.Equal({ D = 2; K = 0 }, byIndex.Blocks)
    Assert.Equal<float[]>([| 6.; 12. |], byIndex.Y)
    Assert.Equal<ColumnRef list>([ Name "a"; Index 0; Name "x1" ], Csv.parseColumnList " a,0 , x1")

[<Fact>]
let ``csv columns named by numbers are found by name, other numbers are positions`` () =
    let path = csvFile "numbers.csv" "1,0,20,y
1,2,3,4
5,6,7,8
"
    // "0" and "1" name columns (at positions 1 and 0); "2" names none, so it is position 2 (named "20")
    let ds = Csv.load path (roles "0" "1" "2" "y")
    Assert.Equal<string[]>([| "0"; "1"; "20" |], ds.InputNames)
    Assert.Equal<float[]>([| 2.; 1.; 3.; 6.; 5.; 7. |], ds.X)
    // a number that names two columns is a position, as it would be without them
    let twice = csvFile "twice.csv" "1,1,5,y\n1,2,3,4\n5,6,7,8\n"
    let ds2 = Csv.load twice (roles "1" "2" "" "y")
    Assert.Equal<string[]>([| "1"; "5" |], ds2.InputNames)
    Assert.Equal<float[]>([| 2.; 3.; 6.; 7. |], ds2.X)

[<Fact>]
let ``csv quoted fields follow RFC 4180`` () =
    let path = csvFile "quoted.csv" "\"u, one\",\"v \"\"x\"\"\",\"y\"\r\n\"1\",2,3\r\n4,\"5\",\"6\"\r\n"
    let ds = Csv.load path (roles "u, one" "" "" "" |> fun r -> { r with U = [ Name "u, one" ]; V = [ Name "v \"x\"" ] })
    Assert.Equal<float[]>([| 1.; 2.; 4.; 5. |], ds.X)
    Assert.Equal<string[]>([| "u, one"; "v \"x\"" |], ds.InputNames)

[<Fact>]
let ``csv error: file not found`` () =
    let path = Path.Combine(tempDir, "missing.csv")
    expectError [ path; "not found" ] (fun () -> Csv.load path goodRoles) |> ignore

[<Fact>]
let ``csv error: empty file`` () =
    let path = csvFile "empty.csv" "\n  \n"
    expectError [ path; "line 1"; "empty"; "header" ] (fun () -> Csv.load path goodRoles) |> ignore

[<Fact>]
let ``csv error: missing header`` () =
    let path = csvFile "noheader.csv" "1,2,3\n4,5,6\n"
    expectError [ path; "line 1"; "column '1'"; "header" ] (fun () -> Csv.load path (roles "0" "1" "" "2")) |> ignore

[<Fact>]
let ``csv error: ragged rows`` () =
    let path = csvFile "ragged.csv" (good + "1,2,3,4,5\n")
    expectError [ path; "line 5 has 5 fields, the header has 6"; "column 'y'" ] (fun () -> Csv.load path goodRoles) |> ignore
    let path2 = csvFile "ragged2.csv" "u1,v1,y\n1,2,3\n1,2,3,4\n"
    expectError [ path2; "line 3 has 4 fields"; "column 'y'" ] (fun () -> Csv.load path2 (roles "u1" "v1" "" "")) |> ignore

[<Fact>]
let ``csv error: non-numeric cell`` () =
    let path = csvFile "text.csv" (good.Replace("9,10", "9,ten"))
    expectError [ path; "line 3"; "column 'v2'"; "'ten' is not a number" ] (fun () -> Csv.load path goodRoles) |> ignore
    let path2 = csvFile "comma.csv" (good.Replace("13,", "\"1,3\","))
    expectError [ path2; "line 4"; "column 'u1'"; "'1,3'" ] (fun () -> Csv.load path2 goodRoles) |> ignore
    let path3 = csvFile "blank.csv" (good.Replace("7,8", "7, "))
    expectError [ path3; "line 3"; "column 'u2'"; "empty" ] (fun () -> Csv.load path3 goodRoles) |> ignore

[<Fact>]
let ``csv error: NaN and infinite cells`` () =
    for bad in [ "NaN"; "Infinity"; "-Infinity"; "1e999" ] do
        let path = csvFile "nan.csv" (good.Replace("11,12", $"11,{bad}"))
        expectError [ path; "line 3"; "column 'y'"; "not a finite number" ] (fun () -> Csv.load path goodRoles) |> ignore

[<Fact>]
let ``csv error: unknown column lists the available ones`` () =
    let path = csvFile "unknown.csv" good
    expectError [ path; "line 1"; "column 'q1'"; "available: 'u1', 'u2', 'v1'" ] (fun () -> Csv.load path (roles "q1,u2" "v1,v2" "" "")) |> ignore
    expectError [ path; "line 1"; "column 'U1'"; "did you mean 'u1'" ] (fun () -> Csv.load path (roles "U1,u2" "v1,v2" "" "")) |> ignore
    let noY = csvFile "noy.csv" "a,b,c\n1,2,3\n4,5,6\n"
    expectError [ noY; "line 1"; "'y'"; "available: 'a', 'b', 'c'" ] (fun () -> Csv.load noY (roles "a" "b" "" "")) |> ignore

[<Fact>]
let ``csv error: duplicated header name when referenced`` () =
    let path = csvFile "dup.csv" "a,b,a,y\n1,2,3,4\n5,6,7,8\n"
    expectError [ path; "line 1"; "column 'a'"; "2 times" ] (fun () -> Csv.load path (roles "a" "b" "" "")) |> ignore
    // not referenced by name: fine by index unless both become inputs
    let ds = Csv.load path (roles "0" "b" "" "")
    Assert.Equal<float[]>([| 1.; 2.; 5.; 6. |], ds.X)
    expectError [ path; "line 1"; "column 'a'"; "same name" ] (fun () -> Csv.load path (roles "0" "2" "" "")) |> ignore

[<Fact>]
let ``csv error: a column in two roles`` () =
    let path = csvFile "roles.csv" good
    expectError [ path; "line 1"; "column 'u2'"; "both u and v" ] (fun () -> Csv.load path (roles "u1,u2" "u2,v2" "" "")) |> ignore
    expectError [ path; "line 1"; "column 'w1'"; "both w and y" ] (fun () -> Csv.load path (roles "u1" "v1" "w1" "w1")) |> ignore
    expectError [ path; "line 1"; "column 'u1'"; "2 times as u" ] (fun () -> Csv.load path (roles "u1,0" "v1,v2" "" "")) |> ignore

[<Fact>]
let ``csv error: u and v of different widths`` () =
    let path = csvFile "widths.csv" good
    expectError [ path; "line 1"; "u has 2 columns ('u1', 'u2') but v has 1 ('v1')" ] (fun () -> Csv.load path (roles "u1,u2" "v1" "" "")) |> ignore

[<Fact>]
let ``csv error: no u given`` () =
    let path = csvFile "nou.csv" good
    expectError [ path; "line 1"; "no u columns"; "'u1'" ] (fun () -> Csv.load path (roles "" "" "w1" "")) |> ignore

[<Fact>]
let ``csv error: index out of range`` () =
    let path = csvFile "range.csv" good
    expectError [ path; "line 1"; "index 6 is out of range"; "6 columns" ] (fun () -> Csv.load path (roles "0" "6" "" "")) |> ignore

[<Fact>]
let ``csv error: fewer than two data rows`` () =
    let path = csvFile "short.csv" "u1,v1,y\n1,2,3\n\n"
    expectError [ path; "line 2"; "only 1 data row"; "at least 2" ] (fun () -> Csv.load path (roles "u1" "v1" "" "")) |> ignore
    let path0 = csvFile "headeronly.csv" "u1,v1,y\n"
    expectError [ path0; "line 1"; "no data rows" ] (fun () -> Csv.load path0 (roles "u1" "v1" "" "")) |> ignore

[<Fact>]
let ``csv error: bad quoting`` () =
    let path = csvFile "openquote.csv" "u1,v1,y\n1,\"2,3\n4,5,6\n"
    expectError [ path; "line 2"; "column 'v1'"; "not closed" ] (fun () -> Csv.load path (roles "u1" "v1" "" "")) |> ignore
    let path2 = csvFile "strayquote.csv" "u1,v1,y\n1,2x\"3,4\n"
    expectError [ path2; "line 2"; "column 'v1'"; "quote" ] (fun () -> Csv.load path2 (roles "u1" "v1" "" "")) |> ignore

[<Fact>]
let ``loadForModel finds columns by name, target optional`` () =
    let path = csvFile "predict.csv" "w1,extra,v1,u1\n5,x,3,1\n6,y,4,2\n"
    let p = Csv.loadForModel path [| "u1"; "v1"; "w1" |] (Some (Name "y"))
    Assert.Equal(2, p.RowCount)
    Assert.Equal<float[]>([| 1.; 3.; 5.; 2.; 4.; 6. |], p.Inputs)
    Assert.True(p.Observed.IsNone)
    let q = Csv.loadForModel path [| "u1"; "v1" |] (Some (Name "w1"))
    Assert.Equal<float[]>([| 5.; 6. |], q.Observed.Value)
    Assert.Equal<float[]>([| 5.; 6. |], (Csv.loadForModel path [| "u1"; "v1" |] (Some (Index 0))).Observed.Value)
    expectError [ path; "column 'u1'"; "one of the model's inputs" ] (fun () -> Csv.loadForModel path [| "u1"; "v1"; "w1" |] (Some (Name "u1"))) |> ignore
    expectError [ path; "index 9 is out of range" ] (fun () -> Csv.loadForModel path [| "u1"; "v1" |] (Some (Index 9))) |> ignore
    expectError [ path; "line 1"; "column 'u2'"; "available" ] (fun () -> Csv.loadForModel path [| "u2" |] None) |> ignore
    let empty = csvFile "predict-empty.csv" "u1,v1\n"
    expectError [ empty; "line 1"; "no data rows" ] (fun () -> Csv.loadForModel empty [| "u1"; "v1" |] None) |> ignore

// ---- CSV: writing ---------------------------------------------------------------------------------------

[<Fact>]
let ``csv write then load is exact`` () =
    let t = Targets.find "gaussian_pair"
    let ds0 = Targets.generate t (Random.key 11) 300
    let odd = [| 1e-300; -0.0; 5e-324; 1.7976931348623157e308; -123456.789e-20; 0.1; 1.0 / 3.0; Math.PI; -2.5; 7e22 |]
    let x = Array.copy ds0.X
    odd |> Array.iteri (fun i v -> x.[i * 3] <- v)
    let ds = { ds0 with X = x }
    let path = Path.Combine(tempDir, "sub", "roundtrip.csv")
    Csv.write path ds
    let back = Csv.load path (roles "u1,u2,u3" "v1,v2,v3" "w1,w2,w3" "y")
    Assert.Equal<int64[]>(bits ds.X, bits back.X)
    Assert.Equal<int64[]>(bits ds.Y, bits back.Y)
    Assert.Equal<string[]>(ds.InputNames, back.InputNames)
    Assert.Empty(Directory.GetFiles(Path.GetDirectoryName path, "*.tmp"))

[<Property(Replay = Seagull.Tests.Generators.Replay, MaxTest = 100)>]
let ``writeColumns round-trips any finite doubles and awkward headers`` (values: NormalFloat[]) =
    let v = values |> Array.map (fun (NormalFloat f) -> f)
    let v = if v.Length < 2 then Array.append v [| 1.0; 2.0 |] else v
    let headers = [| "plain"; "with,comma"; " spaced "; "quo\"te" |]
    let cols = [| v; Array.map (fun x -> -x) v; Array.map (fun x -> x * 1e-200) v; Array.rev v |]
    let path = Path.Combine(tempDir, $"cols-{Guid.NewGuid():N}.csv")
    Csv.writeColumns path headers cols
    let p = Csv.loadForModel path headers None
    let back = Array.init 4 (fun j -> Array.init p.RowCount (fun i -> p.Inputs.[i * 4 + j]))
    File.Delete path
    Array.forall2 (fun a b -> bits a = bits b) cols back

[<Fact>]
let ``writeColumns refuses mismatched columns`` () =
    let path = Path.Combine(tempDir, "bad.csv")
    expectError [ path; "'b' has 1 values" ] (fun () -> Csv.writeColumns path [| "a"; "b" |] [| [| 1.; 2. |]; [| 1. |] |]) |> ignore
    expectError [ path; "2 headers for 1 columns" ] (fun () -> Csv.writeColumns path [| "a"; "b" |] [| [| 1. |] |]) |> ignore
    Assert.False(File.Exists path)
