module Seagull.Tests.ExperimentReportTests

open System
open System.IO
open System.Text.Json
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing
open Seagull.Reports

// ---------------------------------------------------------------- helpers

let private close (tolerance: float) (expected: float) (actual: float) =
    Assert.True(abs (expected - actual) <= tolerance * max 1.0 (abs expected), $"expected {expected}, got {actual}")

let private cell target variant seed mse =
    { Target = target; Variant = variant; Seed = seed; Hidden = [ 64; 64 ]; LearningRate = 1e-3; TestMse = mse; InvarianceError = 0.0
      EpochsRun = 10; Seconds = 1.0; Curve = [||] }

let private config (variants: string list) =
    { Targets = [ "coulomb"; "spring" ]
      Variants = variants |> List.map (fun v -> { Name = v; Description = $"the {v} network" })
      Baseline = "mlp-tanh"; Activation = "tanh"; HiddenWidths = [ 64; 64 ]; HiddenShapes = [ [ 64; 64 ] ]; Seeds = [ 0; 1; 2 ]; Epochs = 10
      TrainSamples = 800; TestSamples = 400; BatchSize = 64; LearningRate = 1e-3; LearningRates = [ 1e-3 ]; Optimizer = "adam"
      Precision = "float32"; Jobs = 2; DataFile = None; Options = [ "penalty", "0.1" ]; SoftwareVersion = "0.1.0-test"; Grid = "a custom grid, 2 targets × 2 variants × 2 seeds, 200 epochs" }

/// Two targets × three variants × three seeds with hand-chosen MSEs.
///   coulomb: mlp-tanh 0.010, 0.020, 0.030 (mean 0.02, std 0.01)
///            mlp-seagull 0.001, 0.004, 0.004 (mean 0.003, std sqrt(3e-6)); wins 3/3
///            split 0.020, 0.010, 0.040 (mean 0.07/3); wins 1/3 (seed 1)
///   spring:  mlp-tanh 1, 1, 1; mlp-seagull 2, 2, 2 (ratio 2); split 0.5, 0.5, 0.5 (ratio 0.5, best)
let private grid =
    [ for s, m in [ 0, 0.010; 1, 0.020; 2, 0.030 ] -> { cell "coulomb" "mlp-tanh" s m with InvarianceError = 0.4 + float s / 10.0; Seconds = float s }
      for s, m in [ 0, 0.001; 1, 0.004; 2, 0.004 ] -> cell "coulomb" "mlp-seagull" s m
      for s, m in [ 0, 0.020; 1, 0.010; 2, 0.040 ] -> { cell "coulomb" "split" s m with InvarianceError = 0.0 }
      for s in 0..2 -> { cell "spring" "mlp-tanh" s 1.0 with Curve = [| 3.0; 2.0; 1.0 |] }
      for s in 0..2 -> { cell "spring" "mlp-seagull" s 2.0 with Curve = [| 4.0; 3.0; 2.0 |] }
      for s in 0..2 -> cell "spring" "split" s 0.5 ]

let private row target variant (summary: Summary) = (Summary.tryRow target variant summary).Value

let private isPng (bytes: byte[]) =
    bytes.Length > 1000 && bytes.[0..7] = [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0x0Duy; 0x0Auy; 0x1Auy; 0x0Auy |]

// ---------------------------------------------------------------- statistics, hand-computed

[<Fact>]
let ``mean and sample std match hand-computed values`` () =
    Assert.Equal(3.0, Statistics.mean [| 1.0; 2.0; 6.0 |])
    close 1e-15 (sqrt (32.0 / 7.0)) (Statistics.std [| 2.0; 4.0; 4.0; 4.0; 5.0; 5.0; 7.0; 9.0 |])
    Assert.Equal(1.0, Statistics.std [| 1.0; 2.0; 3.0 |])
    Assert.Equal(0.0, Statistics.std [| 42.0 |])
    Assert.Equal(42.0, Statistics.mean [| 42.0 |])

[<Fact>]
let ``paired wins count strict improvements on shared seeds only`` () =
    let baseline = [ 0, 1.0; 1, 1.0; 2, 1.0 ]
    Assert.Equal(1, Statistics.pairedWins baseline [ 0, 0.5; 1, 2.0; 2, 1.0 ]) // a tie is not a win
    Assert.Equal(2, Statistics.pairedWins baseline [ 1, 0.5; 2, 0.1; 7, 0.0 ]) // seed 7 has no partner
    Assert.Equal<(int * float * float)[]>([| 1, 1.0, 0.5; 2, 1.0, 0.1 |], Statistics.pairBySeed baseline [ 2, 0.1; 1, 0.5 ])

[<Fact>]
let ``paired log-ratios are log(variant/baseline) with zero clamped at the floor`` () =
    let ratios = Statistics.pairedLogRatios [ 0, 0.2; 1, 1e-3 ] [ 0, 0.1; 1, 0.0 ]
    close 1e-12 (log 0.5) ratios.[0]
    close 1e-12 (log Statistics.mseFloor - log 1e-3) ratios.[1]
    Assert.True(Double.IsFinite ratios.[1])

[<Fact>]
let ``bootstrap interval of two values has hand-computed quantiles`` () =
    // Resampled means of {0, 1} are 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4:
    // the 2.5 % and 97.5 % quantiles are 0 and 1; the 30 % and 70 % quantiles are both 0.5.
    let key = Random.key 7
    Assert.Equal((0.0, 1.0), Statistics.bootstrapMeanInterval key 10000 0.95 [| 0.0; 1.0 |])
    Assert.Equal((0.5, 0.5), Statistics.bootstrapMeanInterval key 10000 0.4 [| 0.0; 1.0 |])
    Assert.Equal((3.0, 3.0), Statistics.bootstrapMeanInterval key 100 0.95 [| 3.0 |])
    Assert.Equal((2.5, 2.5), Statistics.bootstrapMeanInterval key 100 0.95 [| 2.5; 2.5; 2.5 |])

[<Fact>]
let ``bootstrap interval is deterministic per key and close to the normal interval`` () =
    let values = Random.normals (Random.key 3) 40 |> Array.map (fun z -> 5.0 + 2.0 * z)
    let a = Statistics.bootstrapMeanInterval (Random.key 11) 4000 0.95 values
    Assert.Equal(a, Statistics.bootstrapMeanInterval (Random.key 11) 4000 0.95 values)
    Assert.NotEqual(a, Statistics.bootstrapMeanInterval (Random.key 12) 4000 0.95 values)
    let m = Statistics.mean values
    let half = 1.96 * Statistics.std values / sqrt 40.0
    let lo, hi = a
    close 0.15 half (m - lo)
    close 0.15 half (hi - m)

[<Fact>]
let ``statistics refuse NaN, infinity, empty input and bad settings with a SeagullException`` () =
    let fails (f: unit -> 'a) = Assert.Throws<SeagullException>(fun () -> f () |> ignore) |> ignore
    fails (fun () -> Statistics.mean [| 1.0; nan |])
    fails (fun () -> Statistics.std [| infinity |])
    fails (fun () -> Statistics.mean [||])
    fails (fun () -> Statistics.pairedWins [ 0, nan ] [ 0, 1.0 ])
    fails (fun () -> Statistics.pairedWins [ 0, 1.0; 0, 2.0 ] [ 0, 1.0 ])
    fails (fun () -> Statistics.pairedLogRatios [ 0, -1.0 ] [ 0, 1.0 ])
    fails (fun () -> Statistics.bootstrapMeanInterval (Random.key 0) 100 0.95 [| 1.0; nan |])
    fails (fun () -> Statistics.bootstrapMeanInterval (Random.key 0) 0 0.95 [| 1.0 |])
    fails (fun () -> Statistics.bootstrapMeanInterval (Random.key 0) 100 1.0 [| 1.0 |])
    let e = Assert.Throws<SeagullException>(fun () -> Statistics.mean [| 1.0; nan |] |> ignore)
    Assert.Contains("NaN", e.Message)

// ---------------------------------------------------------------- statistics, properties

let private boundedFloat = Gen.choose (-100000, 100000) |> Gen.map (fun i -> float i / 1000.0)

let private sample =
    gen {
        let! n = Gen.choose (1, 12)
        let! values = Gen.arrayOfLength n boundedFloat
        let! seed = Gen.choose (0, 100000)
        let! resamples = Gen.choose (1, 300)
        let! levelPercent = Gen.choose (1, 99)
        return values, seed, resamples, float levelPercent / 100.0
    }
    |> Arb.fromGen

/// Positive MSEs spread over nine decades, including exact zeros now and then.
let private mse =
    Gen.frequency [ 1, Gen.constant 0.0; 9, Gen.choose (-9000, 0) |> Gen.map (fun i -> 10.0 ** (float i / 1000.0)) ]

let private pairedMses =
    gen {
        let! n = Gen.choose (1, 8)
        let! a = Gen.arrayOfLength n mse
        let! b = Gen.arrayOfLength n mse
        return a, b
    }
    |> Arb.fromGen

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 300)>]
let ``the bootstrap interval contains the sample mean`` () =
    Prop.forAll sample (fun (values, seed, resamples, level) ->
        let lo, hi = Statistics.bootstrapMeanInterval (Random.key seed) resamples level values
        let m = Statistics.mean values
        lo <= m && m <= hi)

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 300)>]
let ``negating the values negates the bootstrap interval exactly`` () =
    Prop.forAll sample (fun (values, seed, resamples, level) ->
        let lo, hi = Statistics.bootstrapMeanInterval (Random.key seed) resamples level values
        let nlo, nhi = Statistics.bootstrapMeanInterval (Random.key seed) resamples level (Array.map (~-) values)
        nlo = -hi && nhi = -lo)

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 300)>]
let ``mean lies between min and max and std is non-negative`` () =
    Prop.forAll sample (fun (values, _, _, _) ->
        let m = Statistics.mean values
        let tolerance = 1e-9 * (1.0 + Array.max (Array.map abs values))
        Array.min values - tolerance <= m && m <= Array.max values + tolerance && Statistics.std values >= 0.0)

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 300)>]
let ``wins of either side plus ties add up to the pairs`` () =
    Prop.forAll pairedMses (fun (a, b) ->
        let sa = a |> Array.mapi (fun i v -> i, v)
        let sb = b |> Array.mapi (fun i v -> i, v)
        let ties = Array.map2 (fun x y -> if x = y then 1 else 0) a b |> Array.sum
        Statistics.pairedWins sa sb + Statistics.pairedWins sb sa + ties = a.Length)

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 200)>]
let ``swapping baseline and variant inverts the ratio and negates the log-ratio interval`` () =
    Prop.forAll pairedMses (fun (a, b) ->
        let results =
            [ for i in 0 .. a.Length - 1 -> cell "t" "a" i a.[i]
              for i in 0 .. b.Length - 1 -> cell "t" "b" i b.[i] ]
        let options baseline = { SummaryOptions.defaults baseline with Resamples = 500 }
        let ab = (row "t" "b" (Summary.createWith (options "a") results)).VsBaseline.Value
        let ba = (row "t" "a" (Summary.createWith (options "b") results)).VsBaseline.Value
        let near x y = abs (x - y) <= 1e-12 * (1.0 + abs x)
        let intervals =
            if a.Length < 2 then
                [ ab.LogRatioLow; ab.LogRatioHigh; ba.LogRatioLow; ba.LogRatioHigh ] |> List.forall Double.IsNaN
            else
                ab.LogRatioLow = -ba.LogRatioHigh
                && ab.LogRatioHigh = -ba.LogRatioLow
                && ab.LogRatioLow <= ab.LogRatio && ab.LogRatio <= ab.LogRatioHigh
        near (ab.Ratio * ba.Ratio) 1.0 && near ab.LogRatio -ba.LogRatio && intervals)

// ---------------------------------------------------------------- summary

[<Fact>]
let ``summary rows match hand-computed statistics`` () =
    let s = Summary.create "mlp-tanh" grid
    Assert.Equal<string list>([ "coulomb"; "spring" ], s.Targets)
    Assert.Equal<string list>([ "mlp-tanh"; "mlp-seagull"; "split" ], s.Variants)
    let tanh = row "coulomb" "mlp-tanh" s
    close 1e-12 0.02 tanh.MeanMse
    close 1e-12 0.01 tanh.StdMse
    Assert.Equal(3, tanh.N)
    close 1e-12 0.6 tanh.MaxInvarianceError
    close 1e-12 1.0 tanh.MeanSeconds
    Assert.True(tanh.VsBaseline.IsNone)
    let seagull = row "coulomb" "mlp-seagull" s
    Assert.True seagull.IsBest
    close 1e-12 (sqrt 3e-6) seagull.StdMse
    let c = seagull.VsBaseline.Value
    close 1e-12 0.15 c.Ratio
    Assert.Equal((3, 3), (c.Wins, c.Pairs))
    close 1e-12 ((log 0.1 + log 0.2 + log (0.004 / 0.03)) / 3.0) c.LogRatio
    Assert.True(c.RatioLow <= c.PairedRatio && c.PairedRatio <= c.RatioHigh && c.RatioHigh < 1.0)
    let split = (row "coulomb" "split" s).VsBaseline.Value
    Assert.Equal((1, 3), (split.Wins, split.Pairs))
    Assert.True((row "spring" "split" s).IsBest)
    Assert.False((row "spring" "mlp-seagull" s).IsBest)
    let spring = (row "spring" "mlp-seagull" s).VsBaseline.Value
    Assert.Equal((2.0, 2.0, 2.0), (spring.Ratio, spring.RatioLow, spring.RatioHigh))
    // overall: geometric mean over targets of the ratios of means
    let overall = s.Overall |> List.find (fun o -> o.Variant = "mlp-seagull")
    close 1e-12 (sqrt (0.15 * 2.0)) overall.GeometricMeanRatio.Value
    Assert.Equal((3, 6, 2, 1), (overall.Wins, overall.Pairs, overall.TargetsCompared, overall.TargetsBest))

[<Fact>]
let ``a missing baseline leaves the comparison empty instead of failing`` () =
    let s = Summary.create "no-such-variant" grid
    Assert.False s.BaselineFound
    Assert.All(s.Rows, fun r -> Assert.True r.VsBaseline.IsNone)
    Assert.All(s.Overall, fun o -> Assert.True o.GeometricMeanRatio.IsNone)
    let md = Reports.summaryMarkdown (config s.Variants) s
    Assert.Contains("has no results", md)
    JsonDocument.Parse(ReportJson.summaryJson (config s.Variants) s grid) |> ignore

[<Fact>]
let ``one seed gives a mean without a spread and a comparison without an interval or a significance mark`` () =
    let oneSeed = grid |> List.filter (fun c -> c.Seed = 0)
    let s = Summary.create "mlp-tanh" oneSeed
    Assert.Equal(0.0, (row "coulomb" "mlp-seagull" s).StdMse)
    let c = (row "coulomb" "mlp-seagull" s).VsBaseline.Value
    close 1e-12 0.1 c.Ratio
    Assert.Equal((1, 1), (c.Wins, c.Pairs))
    Assert.True(Double.IsNaN c.RatioLow && Double.IsNaN c.RatioHigh)
    Assert.False c.ExcludesOne
    let md = Reports.summaryMarkdown { config s.Variants with Seeds = [ 0 ] } s
    Assert.Contains("| 0.100 (1/1; no interval from one paired seed) |", md)
    Assert.DoesNotContain("\\* (", md) // the mark follows a ratio; the legend mentions it too
    Assert.DoesNotMatch(@"\d ± \d", md)
    Assert.Matches(@"\d ± \d", Reports.summaryMarkdown (config s.Variants) (Summary.create "mlp-tanh" grid))
    use doc = JsonDocument.Parse(ReportJson.summaryJson (config s.Variants) s oneSeed)
    let vs =
        doc.RootElement.GetProperty("rows").EnumerateArray()
        |> Seq.find (fun r -> r.GetProperty("target").GetString() = "coulomb" && r.GetProperty("variant").GetString() = "mlp-seagull")
    Assert.Equal(JsonValueKind.Null, vs.GetProperty("vsBaseline").GetProperty("pairedRatioLow").ValueKind)
    // with three seeds the same comparison has an interval and it excludes 1
    Assert.True((row "coulomb" "mlp-seagull" (Summary.create "mlp-tanh" grid)).VsBaseline.Value.ExcludesOne)

[<Fact>]
let ``summary refuses NaN results and duplicate cells, naming the cell`` () =
    let bad = cell "coulomb" "split" 9 nan :: grid
    let e = Assert.Throws<SeagullException>(fun () -> Summary.create "mlp-tanh" bad |> ignore)
    Assert.Contains("'coulomb'", e.Message)
    Assert.Contains("seed 9", e.Message)
    Assert.Throws<SeagullException>(fun () -> Summary.create "mlp-tanh" (List.head grid :: grid) |> ignore) |> ignore

// ---------------------------------------------------------------- reports

[<Fact>]
let ``numbers are formatted with significant digits, scientific when tiny`` () =
    Assert.Equal("0.006612", Reports.formatSignificant 4 0.0066123)
    Assert.Equal("1.235e-05", Reports.formatSignificant 4 0.0000123456)
    Assert.Equal("0.001000", Reports.formatSignificant 4 0.00099996)
    Assert.Equal("1.235e+05", Reports.formatSignificant 4 123456.0)
    Assert.Equal("12.35", Reports.formatSignificant 4 12.3456)
    Assert.Equal("0", Reports.formatSignificant 4 0.0)
    Assert.Equal("1e-12", Reports.formatSignificant 1 1e-12)
    Assert.Equal("0.006600 ± 0.000890", Reports.formatMeanStd 0.0066 0.00089)

[<Fact>]
let ``results csv has a header and one row per cell that parse back exactly`` () =
    let results = { cell "a,b" "say \"hi\"" 3 (1.0 / 3.0) with Seconds = 0.1 } :: grid
    let lines = (Reports.resultsCsv results).TrimEnd('\n').Split('\n')
    Assert.Equal(results.Length + 1, lines.Length)
    Assert.Equal("target,variant,seed,test_mse,invariance_error,epochs_run,seconds", lines.[0])
    Assert.StartsWith("\"a,b\",\"say \"\"hi\"\"\",3,", lines.[1])
    let fields = lines.[2].Split ','
    let first = List.head grid
    Assert.Equal((first.Target, first.Variant, string first.Seed), (fields.[0], fields.[1], fields.[2]))
    Assert.Equal(first.TestMse, Double.Parse(fields.[3], Globalization.CultureInfo.InvariantCulture))
    let curves = (Reports.curvesCsv grid).TrimEnd('\n').Split('\n')
    Assert.Equal(1 + 6 * 3, curves.Length)

[<Fact>]
let ``summary json parses and carries the numbers, configuration and version`` () =
    let s = Summary.create "mlp-tanh" grid
    use doc = JsonDocument.Parse(ReportJson.summaryJson (config s.Variants) s grid)
    let root = doc.RootElement
    Assert.Equal("0.1.0-test", root.GetProperty("softwareVersion").GetString())
    Assert.Equal(3, root.GetProperty("config").GetProperty("seeds").GetArrayLength())
    Assert.Equal("0.1", root.GetProperty("config").GetProperty("options").GetProperty("penalty").GetString())
    Assert.Equal(JsonValueKind.Null, root.GetProperty("config").GetProperty("dataFile").ValueKind)
    let rows = root.GetProperty("rows")
    Assert.Equal(6, rows.GetArrayLength())
    let seagull = rows.EnumerateArray() |> Seq.find (fun r -> r.GetProperty("target").GetString() = "coulomb" && r.GetProperty("variant").GetString() = "mlp-seagull")
    Assert.Equal((row "coulomb" "mlp-seagull" s).MeanMse, seagull.GetProperty("meanTestMse").GetDouble())
    Assert.True(seagull.GetProperty("best").GetBoolean())
    Assert.Equal(3, seagull.GetProperty("vsBaseline").GetProperty("wins").GetInt32())
    let baselineRow = rows.EnumerateArray() |> Seq.find (fun r -> r.GetProperty("variant").GetString() = "mlp-tanh")
    Assert.Equal(JsonValueKind.Null, baselineRow.GetProperty("vsBaseline").ValueKind)
    Assert.Equal(10000, root.GetProperty("statistics").GetProperty("bootstrapResamples").GetInt32())
    Assert.Equal(grid.Length, root.GetProperty("cells").GetArrayLength())

[<Fact>]
let ``markdown shows tables with the best variant in bold`` () =
    let s = Summary.create "mlp-tanh" grid
    let md = Reports.summaryMarkdown (config s.Variants) s
    let seagull = row "coulomb" "mlp-seagull" s
    Assert.Contains($"**{Reports.formatMeanStd seagull.MeanMse seagull.StdMse}**", md)
    Assert.Contains("| coulomb |", md)
    Assert.Contains("## Against the baseline `mlp-tanh`", md)
    Assert.Contains("0.150\\* (3/3;", md)
    Assert.Contains("## Invariance error", md)
    Assert.Contains("## Legend", md)
    Assert.Contains("- `split`: the split network", md)
    let tableLines = md.Split('\n') |> Array.filter (fun l -> l.StartsWith "| coulomb |")
    Assert.Equal(3, tableLines.Length) // MSE, baseline and invariance tables

[<Fact>]
let ``writeAll writes every report atomically into the folder`` () =
    Checks.withTempFolder (fun dir ->
        let s = Summary.create "mlp-tanh" grid
        let written = ReportFiles.writeText dir (config s.Variants) s grid
        let names = written |> List.map Path.GetFileName |> List.sort
        Assert.Equal<string list>([ "curves.csv"; "results.csv"; "summary.json"; "summary.md" ], names)
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"))
        Assert.Equal(Reports.summaryMarkdown (config s.Variants) s, File.ReadAllText(Path.Combine(dir, "summary.md"))))

// ---------------------------------------------------------------- plots

[<Fact>]
let ``plots render valid PNG images`` () =
    let s = Summary.create "mlp-tanh" grid
    Assert.True(isPng (Plots.mseChart "a custom grid" s))
    Assert.True(isPng (Plots.learningCurves "a custom grid" "spring" 0 grid))
    Assert.True(isPng (Plots.learningCurves "a custom grid" "coulomb" 0 grid)) // no curves recorded: still a plot
    Assert.True(isPng (Plots.activationShapes [ "tanh", tanh; "seagull", (fun z -> log (1.0 + z * z)); "log", log ]))
    Assert.True(isPng (Plots.mseChart "a custom grid" (Summary.create "mlp-tanh" [])))

[<Fact>]
let ``plots writeAll writes the bar chart, curves and activations`` () =
    Checks.withTempFolder (fun dir ->
        let written = Plots.writeAll dir "a custom grid" (Summary.create "mlp-tanh" grid) grid [ "tanh", tanh ]
        let names = written |> List.map Path.GetFileName |> List.sort
        Assert.Equal<string list>([ "activations.png"; "curves-spring.png"; "mse.png" ], names)
        for p in written do
            Assert.True(isPng (File.ReadAllBytes p), p))

[<Fact>]
let ``targets whose names make the same file name get a curves plot each`` () =
    Checks.withTempFolder (fun dir ->
        // a CSV named "sp ring.csv" next to a target "sp_ring": both would be curves-sp_ring.png
        let renamed = grid |> List.map (fun c -> if c.Target = "spring" then { c with Target = "sp ring" } else c)
        let twin = renamed |> List.filter (fun c -> c.Target = "sp ring") |> List.map (fun c -> { c with Target = "sp_ring" })
        let results = renamed @ twin
        let written = Plots.writeAll dir "a custom grid" (Summary.create "mlp-tanh" results) results []
        let names = written |> List.map Path.GetFileName |> List.sort
        Assert.Equal<string list>([ "curves-sp_ring-2.png"; "curves-sp_ring.png"; "mse.png" ] |> List.sort, names)
        Assert.Equal(written.Length, Directory.GetFiles(dir).Length))

[<Fact>]
let ``plots draw text with the bundled font, installed fonts or not`` () =
    // The font ships inside Seagull.Reports, so plots have labels on a bare CI image and look the same everywhere.
    Assert.Equal(Some Plots.bundledFontName, Plots.fontFamily ())
    Assert.True(Plots.hasFont ())
    let stream = typeof<CompareReports>.Assembly.GetManifestResourceStream "Seagull.Fonts.DejaVuSans.ttf"
    Assert.NotNull stream
    Assert.True(stream.Length > 100000L)
