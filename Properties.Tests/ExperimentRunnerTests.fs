module Seagull.Tests.ExperimentRunnerTests

open System
open System.IO
open System.Text.Json
open System.Threading
open Xunit
open Seagull.Core
open Seagull.Testing
open Seagull.Reports

let private tiny =
    { Experiment.quick with
        Targets = [ "bead_pair"; "spring" ]
        Variants = [ "mlp-tanh"; "mlp-seagull"; "symmetrized"; "split" ]
        Hidden = [ 6; 6 ]
        Seeds = 2
        Epochs = 3
        TrainSamples = 200
        TestSamples = 100 }

let private withoutTime (r: CellResult) = { r with Seconds = 0.0 }

[<Fact>]
let ``results do not depend on the number of jobs`` () =
    let one = Experiment.run { tiny with Jobs = 1 } ignore CancellationToken.None
    let two = Experiment.run { tiny with Jobs = 2 } ignore CancellationToken.None
    Assert.Equal<CellResult list>(one.Results |> List.map withoutTime, two.Results |> List.map withoutTime)
    Assert.Equal(2 * 4 * 2, one.Results.Length)

[<Fact>]
let ``cancelling stops a running cell within a step and gives no results`` () =
    // One cell of ten million epochs (minutes of work): only a cell that watches the token stops in time.
    let settings = { tiny with Targets = [ "spring" ]; Variants = [ "mlp-tanh" ]; Seeds = 1; Epochs = 10_000_000; TrainSamples = 50; TestSamples = 10 }
    use cts = new CancellationTokenSource()
    cts.CancelAfter(TimeSpan.FromMilliseconds 300.0)
    let clock = Diagnostics.Stopwatch.StartNew()
    Assert.ThrowsAny<OperationCanceledException>(fun () -> Experiment.run settings ignore cts.Token |> ignore) |> ignore
    Assert.True(clock.Elapsed < TimeSpan.FromSeconds 60.0, $"the cell ran on for {clock.Elapsed} after the cancellation")

[<Fact>]
let ``exact designs report zero invariance error and the grid is paired by seed`` () =
    let outcome = Experiment.run tiny ignore CancellationToken.None
    for r in outcome.Results do
        if r.Variant = "symmetrized" || r.Variant = "split" then Assert.Equal(0.0, r.InvarianceError)
        if r.Variant = "mlp-tanh" then Assert.True(r.InvarianceError > 0.0)
        Assert.True(Double.IsFinite r.TestMse && r.TestMse > 0.0)
        Assert.Equal(3, r.EpochsRun)
        Assert.Equal((if r.Seed = 0 then 3 else 0), r.Curve.Length)
        // the learning curve's last point is the reported test MSE, computed the same way
        if r.Seed = 0 then Assert.Equal(r.TestMse, Array.last r.Curve)

[<Fact>]
let ``quick run end to end writes reports that agree with each other`` () =
    let dir = Path.Combine(Path.GetTempPath(), "seagull-compare-tests", Guid.NewGuid().ToString("N"))
    Experiment.prepareOutput dir
    let outcome = Experiment.run { tiny with Seeds = 1 } ignore CancellationToken.None
    let files = ReportFiles.write dir outcome
    for f in [ "results.csv"; "summary.md"; "summary.json" ] do
        Assert.True(File.Exists(Path.Combine(dir, f)), f)
    Assert.True(files |> List.exists (fun f -> f.EndsWith ".png"))
    let csv = File.ReadAllLines(Path.Combine(dir, "results.csv")) |> Array.filter (fun l -> l <> "")
    Assert.Equal(outcome.Results.Length + 1, csv.Length)
    use json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))
    Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind)
    let md = File.ReadAllText(Path.Combine(dir, "summary.md"))
    for t in tiny.Targets do Assert.Contains(t, md)
    for v in tiny.Variants do Assert.Contains(v, md)
    // The files agree number for number: every results.csv row is a summary.json cell (same bits), and
    // each summary row's mean is the mean of its cells in results.csv.
    let inv = Globalization.CultureInfo.InvariantCulture
    let rows =
        csv.[1..] |> Array.map (fun l ->
            let f = l.Split ','
            (f.[0], f.[1], int f.[2]), (Double.Parse(f.[3], inv), Double.Parse(f.[4], inv)))
    let cells =
        [ for c in json.RootElement.GetProperty("cells").EnumerateArray() ->
              (c.GetProperty("target").GetString(), c.GetProperty("variant").GetString(), c.GetProperty("seed").GetInt32()),
              (c.GetProperty("testMse").GetDouble(), c.GetProperty("invarianceError").GetDouble()) ]
    Assert.Equal<((string * string * int) * (float * float)) list>(List.ofArray rows, cells)
    for r in json.RootElement.GetProperty("rows").EnumerateArray() do
        let t, v = r.GetProperty("target").GetString(), r.GetProperty("variant").GetString()
        let mine = rows |> Array.filter (fun ((t', v', _), _) -> t' = t && v' = v) |> Array.map (snd >> fst)
        Assert.Equal(Statistics.mean mine, r.GetProperty("meanTestMse").GetDouble())
        Assert.Contains(Reports.formatSignificant 4 (Statistics.mean mine), md)
    // what a rerun needs: the version and the machine (results are repeatable per vector width)
    Assert.False(String.IsNullOrWhiteSpace(json.RootElement.GetProperty("softwareVersion").GetString()))
    let machine = json.RootElement.GetProperty("machine")
    Assert.True(machine.GetProperty("vectorBits").GetInt32() >= 64)
    Assert.Equal(Environment.ProcessorCount, machine.GetProperty("processors").GetInt32())
    Directory.Delete(dir, true)

[<Fact>]
let ``reports written into a reused folder remove the earlier grid's own files only`` () =
    Checks.withTempFolder (fun dir ->
        let mine = Path.Combine(dir, "notes.txt")
        let myPlot = Path.Combine(dir, "curves-my_experiment.png")
        File.WriteAllText(mine, "the user's own file")
        File.WriteAllText(myPlot, "the user's own plot, named like a report's")
        let run targets = Experiment.run { tiny with Seeds = 1; Targets = targets; Variants = [ "mlp-tanh" ] } ignore CancellationToken.None
        ReportFiles.write dir (run [ "bead_pair"; "spring" ]) |> ignore
        Assert.True(File.Exists(Path.Combine(dir, "curves-bead_pair.png")))
        let files = ReportFiles.write dir (run [ "spring" ])
        Assert.False(File.Exists(Path.Combine(dir, "curves-bead_pair.png")), "the earlier grid's plot of a target this one lacks")
        Assert.True(File.Exists mine)
        Assert.True(File.Exists myPlot, "a file the earlier report did not write")
        Assert.Contains(Path.Combine(dir, "curves-spring.png"), files)
        Assert.True(File.Exists(Path.Combine(dir, "curves-spring.png"))))

[<Fact>]
let ``a user's CSV with other block widths joins the grid as one more target`` () =
    // d = 2, k = 1, columns in a shuffled order with an id column: y = |u − v|² + w·(u1 + v1).
    let rows = 300
    let r = Random.uniforms (Random.key 9) (rows * 5) -1.0 1.0
    let inv (x: float) = x.ToString("R", Globalization.CultureInfo.InvariantCulture)
    let lines =
        [ "id,w1,y,v2,u1,v1,u2"
          for i in 0 .. rows - 1 do
              let u1, u2, v1, v2, w = r.[5 * i], r.[5 * i + 1], r.[5 * i + 2], r.[5 * i + 3], r.[5 * i + 4]
              let y = (u1 - v1) ** 2.0 + (u2 - v2) ** 2.0 + w * (u1 + v1)
              String.Join(",", [ $"row{i}"; inv w; inv y; inv v2; inv u1; inv v1; inv u2 ]) ]
    let path = Path.Combine(Path.GetTempPath(), $"seagull-pairs-{Guid.NewGuid():N}.csv")
    File.WriteAllLines(path, lines)
    let roles = { U = [ Name "u1"; Name "u2" ]; V = [ Name "v1"; Name "v2" ]; W = [ Name "w1" ]; Y = [] }
    let settings = { tiny with Targets = [ "spring" ]; Variants = [ "mlp-tanh"; "split"; "pooled" ]; Seeds = 2; Data = Some { Path = path; Roles = roles; Read = CsvReadOptions.Default } }
    let outcome = Experiment.run settings ignore CancellationToken.None
    let name = Path.GetFileNameWithoutExtension path
    Assert.Equal<string list>([ "spring"; name ], outcome.Config.Targets)
    Assert.Equal(2 * 3 * 2, outcome.Results.Length)
    for c in outcome.Results |> List.filter (fun c -> c.Target = name) do
        Assert.True(Double.IsFinite c.TestMse)
        if c.Variant <> "mlp-tanh" then Assert.Equal(0.0, c.InvarianceError)
    // the CSV is split in the grid's train:test proportion (200:100), and the report says so
    Assert.Contains(("data_rows", "300 (200 train / 100 test)"), outcome.Config.Options)
    // a rerun needs the columns in their roles and the very file
    Assert.Contains(("data_columns", "--u u1,u2 --v v1,v2 --w w1 --y y"), outcome.Config.Options)
    let sha = Convert.ToHexStringLower(Security.Cryptography.SHA256.HashData(File.ReadAllBytes path))
    Assert.Contains(("data_sha256", sha), outcome.Config.Options)
    Assert.Contains("per built-in target", Reports.summaryMarkdown outcome.Config outcome.Summary)
    // with the CSV alone, the built-ins' sample counts would say nothing true
    Assert.DoesNotContain("test samples", Reports.summaryMarkdown { outcome.Config with Targets = [ name ] } outcome.Summary)
    File.Delete path

[<Fact>]
let ``the recorded CSV columns can be pasted into a shell, names with commas and spaces included`` () =
    Checks.withTempFolder (fun dir ->
        let path = Path.Combine(dir, "odd.csv")
        File.WriteAllLines(path, [ "\"u,1\",\"v,1\",w x,@y"; "1,2,3,4"; "2,1,3,5"; "0,1,2,6"; "5,4,3,7" ])
        let roles = { U = [ Name "u,1" ]; V = [ Name "v,1" ]; W = [ Name "w x" ]; Y = [ Name "@y" ] }
        let config = Experiment.plan { tiny with Targets = [ "spring" ]; Data = Some { Path = path; Roles = roles; Read = CsvReadOptions.Default } }
        let columns = config.Options |> List.find (fun (k, _) -> k = "data_columns") |> snd
        // (a value starting with @ would be read as a response file: --y=@y)
        Assert.Equal("--u '\"u,1\"' --v '\"v,1\"' --w 'w x' --y=@y", columns)
        // what the shell hands over ('…' removed) reads back as the same columns
        Assert.Equal<string list>([ "u,1" ], Csv.splitList "\"u,1\""))

[<Fact>]
let ``a CSV with missing values joins the grid with --drop-missing, and the report says how it was read`` () =
    Checks.withTempFolder (fun dir ->
        let path = Path.Combine(dir, "gaps.csv")
        let rows = [ for i in 0 .. 29 -> $"{i % 7},{i % 5},{i % 3}" ]
        File.WriteAllLines(path, [ "u1,v1,y" ] @ rows @ [ "1,,2"; "NA,1,2" ])
        let data read = Some { Path = path; Roles = { U = [ Name "u1" ]; V = [ Name "v1" ]; W = []; Y = [] }; Read = read }
        Assert.Contains("--drop-missing", (Assert.Throws<SeagullException>(fun () -> Experiment.plan { tiny with Targets = []; Data = data CsvReadOptions.Default } |> ignore)).Message)
        let prepared = Experiment.prepare { tiny with Targets = []; Data = data { DropMissing = true } }
        Assert.Equal(2, prepared.DroppedRows)
        Assert.StartsWith("30 (", prepared.Config.Options |> List.find (fun (k, _) -> k = "data_rows") |> snd)
        // a rerun must read the file the same way
        Assert.Contains(("data_drop_missing", "2 rows with missing values dropped (--drop-missing)"), prepared.Config.Options)
        // without the option nothing is said about it
        File.WriteAllLines(path, "u1,v1,y" :: rows)
        let plain = Experiment.prepare { tiny with Targets = []; Data = data CsvReadOptions.Default }
        Assert.Equal(0, plain.DroppedRows)
        Assert.DoesNotContain("data_drop_missing", plain.Config.Options |> List.map fst))

[<Fact>]
let ``a data set in memory joins the grid like a CSV file`` () =
    let ds = Targets.generate (Targets.find "bead_pair") (Random.key 4) 120
    let config = Experiment.plan { tiny with Targets = [ "spring" ]; DataSet = Some ("beads", ds) }
    Assert.Equal<string list>([ "spring"; "beads" ], config.Targets)
    Assert.Equal(Some "beads (in memory)", config.DataFile)
    Assert.DoesNotContain("data_sha256", config.Options |> List.map fst)
    let both = { tiny with DataSet = Some ("beads", ds); Data = Some { Path = "x.csv"; Roles = { U = [ Name "u1" ]; V = [ Name "v1" ]; W = []; Y = [] }; Read = CsvReadOptions.Default } }
    Assert.Contains("not both", (Assert.Throws<SeagullException>(fun () -> Experiment.plan both |> ignore)).Message)
    Assert.Contains("like the built-in target 'spring'",
        (Assert.Throws<SeagullException>(fun () -> Experiment.plan { tiny with Targets = [ "spring" ]; DataSet = Some ("Spring", ds) } |> ignore)).Message)

[<Fact>]
let ``a CSV read from a pipe is called data, as the pipe has no name of its own`` () =
    if OperatingSystem.IsLinux() then
        // what `--data <(zcat f.csv.gz)` hands over: /dev/fd/N of a pipe (here /proc/self/fd/N, as the process sees it)
        use server = new IO.Pipes.AnonymousPipeServerStream(IO.Pipes.PipeDirection.Out, IO.HandleInheritability.None)
        let fd = server.ClientSafePipeHandle.DangerousGetHandle().ToInt32()
        let text = "u1,v1,w1,y\n" + String.Join("\n", [ for i in 0 .. 29 -> $"{i % 7},{i % 5},{i % 3},{i % 7 + i % 5}" ]) + "\n"
        let writer = Threading.Tasks.Task.Run(fun () -> (use w = new IO.StreamWriter(server) in w.Write text))
        let roles = { U = [ Name "u1" ]; V = [ Name "v1" ]; W = [ Name "w1" ]; Y = [] }
        let config = Experiment.plan { tiny with Targets = []; Data = Some { Path = $"/proc/self/fd/{fd}"; Roles = roles; Read = CsvReadOptions.Default } }
        Assert.True(writer.Wait(TimeSpan.FromSeconds 60.0))
        Assert.Equal<string list>([ "data" ], config.Targets)

[<Fact>]
let ``a custom activation may not take a built-in's name in a comparison`` () =
    // Activation.custom refuses the name; a record made by hand reaches the comparison's own check.
    let impostor = { Activation.custom "not_tanh" (fun z -> z * z) with Name = "tanh" }
    let e = Assert.Throws<SeagullException>(fun () -> Experiment.plan { tiny with Activation = "tanh"; CustomActivations = [ impostor ] } |> ignore)
    Assert.Contains("'tanh' is the name of a built-in activation", e.Message)

[<Fact>]
let ``a CSV with a constant target is refused before any cell trains`` () =
    Checks.withTempFolder (fun dir ->
        let path = Path.Combine(dir, "flat.csv")
        File.WriteAllLines(path, [ "u1,v1,y"; "1,2,7"; "3,4,7"; "5,6,7"; "7,8,7" ])
        let settings = { tiny with Targets = [ "spring" ]; Data = Some { Path = path; Roles = { U = [ Name "u1" ]; V = [ Name "v1" ]; W = []; Y = [] }; Read = CsvReadOptions.Default } }
        let e = Assert.Throws<SeagullException>(fun () -> Experiment.plan settings |> ignore)
        Assert.Contains("flat.csv': the target 'y' is 7 in all 4 rows", e.Message))

[<Fact>]
let ``a variant documented as exactly invariant says so only when the activation keeps it`` () =
    let describe activation name =
        (Experiment.plan { tiny with Activation = activation }).Variants |> List.find (fun v -> v.Name = name) |> fun v -> v.Description
    Assert.Contains(", exactly invariant", describe "seagull" "split")
    Assert.Contains("NOT exactly invariant here: 'relu' is not even", describe "relu" "split")
    Assert.Contains(", exactly invariant", describe "relu" "symmetrized")

[<Fact>]
let ``bad settings fail in one line before any training`` () =
    let fails settings (part: string) =
        let e = Assert.Throws<SeagullException>(fun () -> Experiment.plan settings |> ignore)
        Assert.Contains(part, e.Message)
    fails { tiny with Targets = [ "nope" ] } "unknown target 'nope'"
    fails { tiny with Variants = [ "mlp-magic" ] } "unknown variant 'mlp-magic'"
    fails { tiny with Seeds = 0 } "seeds must be ≥ 1"
    fails { tiny with Activation = "wobble" } "unknown activation"
    fails { tiny with Jobs = 0 } "jobs"
    fails { tiny with Targets = [ "spring"; " SPRING" ] } "target 'spring' is listed twice"
    fails { tiny with Variants = [ "mlp-tanh"; "split"; "Split" ] } "variant 'split' is listed twice"
    fails { tiny with Hidden = [] } "hidden widths: give at least one"
    fails { tiny with Hidden = [ 60000; 60000 ] } "the network is too large"
    fails { tiny with TrainSamples = Int32.MaxValue } "more than one data set can hold"
    fails { tiny with Targets = [ "spring" ]; TrainSamples = 300_000_000 } "too many for one array"

[<Fact>]
let ``an unwritable output folder is refused`` () =
    let file = Path.Combine(Path.GetTempPath(), $"seagull-not-a-dir-{Guid.NewGuid():N}")
    File.WriteAllText(file, "x")
    let e = Assert.Throws<SeagullException>(fun () -> Experiment.prepareOutput (Path.Combine(file, "out")))
    Assert.Contains("cannot write to output folder", e.Message)

[<Fact>]
let ``the default grid is the reference protocol`` () =
    let config = Experiment.plan Experiment.defaults
    Assert.Equal<string list>([ "mlp-tanh"; "mlp-seagull"; "mlp-seagull-learned"; "split"; "pooled"; "symmetrized"; "augment"; "penalty"; "symmetrize-after"; "auto" ], config.Variants |> List.map (fun v -> v.Name))
    Assert.Equal<string list>(Targets.exchangeable |> List.map (fun t -> t.Name), config.Targets)
    Assert.Equal((8000, 4000, 200, 128), (config.TrainSamples, config.TestSamples, config.Epochs, config.BatchSize))
    Assert.Equal<int list>([ 64; 64 ], config.HiddenWidths)
    Assert.Equal<int list>([ 0 .. 4 ], config.Seeds)

[<Fact>]
let ``a data set of two targets joins the grid: every variant fits both, exact designs stay exact`` () =
    // y₁ = |u − v|², y₂ = 10·w·(u + v): both exchangeable
    let rows = 240
    let x = Random.uniforms (Random.key 12) (rows * 3) -1.0 1.0
    let y = Array.init rows (fun i -> let u, v, w = x.[3 * i], x.[3 * i + 1], x.[3 * i + 2] in [| (u - v) ** 2.0; 10.0 * w * (u + v) |]) |> Array.concat
    let ds = Dataset.create (Symmetry.blocks 1 1) [| "u1"; "v1"; "w1" |] [| "distance"; "energy" |] x y
    let settings = { tiny with Targets = []; Variants = [ "mlp-tanh"; "split"; "pooled"; "augment" ]; Seeds = 1; DataSet = Some ("pairs", ds) }
    let outcome = Experiment.run settings ignore CancellationToken.None
    Assert.Equal(4, outcome.Results.Length)
    for c in outcome.Results do
        Assert.Equal("pairs", c.Target)
        Assert.True(Double.IsFinite c.TestMse && c.TestMse > 0.0, $"{c.Variant}: {c.TestMse}")
        if c.Variant = "split" || c.Variant = "pooled" then Assert.Equal(0.0, c.InvarianceError)
        else Assert.True(c.InvarianceError > 0.0)
    Assert.Contains(("data_columns", "--u u1 --v v1 --w w1 --y distance,energy"), outcome.Config.Options)

/// The recorded `data_columns` name the columns in their roles by the symmetry, not by position: for 3×1 images
/// mirrored left-right, u = pixel1, v = pixel3 and w = pixel2 (positions would say pixel1, pixel2, pixel3).
[<Fact>]
let ``the recorded columns of a data set with an image mirror name its u, v and w`` () =
    let s = Symmetry.mirror LeftRight 3 1 1
    let x = Random.uniforms (Random.key 13) (60 * 3) -1.0 1.0
    let y = Array.init 60 (fun i -> x.[3 * i] * x.[3 * i + 2] + x.[3 * i + 1])
    let ds = Dataset.create s [| "pixel1"; "pixel2"; "pixel3" |] [| "y" |] x y
    let config = Experiment.plan { tiny with Targets = []; Variants = [ "mlp-tanh" ]; DataSet = Some ("image", ds) }
    let columns = config.Options |> List.find (fun (k, _) -> k = "data_columns") |> snd
    Assert.Equal("--u pixel1 --v pixel3 --w pixel2 --y y", columns)

[<Fact>]
let ``the comparison's Seagull variants have the architectures' default activations, as the CLI and the C# API do`` () =
    let s = Symmetry.blocks 3 3
    for variant, architecture in [ "mlp-seagull", "mlp"; "split", "split"; "pooled", "pooled"; "symmetrized", "symmetrized" ] do
        let v = Experiment.variants |> List.find (fun v -> v.Name = variant)
        let names spec = Network.activations spec |> List.map (fun (_, a) -> a.Name)
        let expected = Architectures.build architecture s { Architectures.defaults with Activations = Architectures.defaultActivations architecture 2 }
        Assert.Equal<string list>(names expected, names (v.Spec s 1 Experiment.defaults))
    Assert.Equal("symmetrized", Architectures.defaultName)

[<Fact>]
let ``the reports say which grid they show`` () =
    let plan s = (Experiment.plan s).Grid
    Assert.Equal("the quick grid, 2 targets × 4 variants × 2 seeds, 60 epochs", plan Experiment.quick)
    Assert.Equal("the full default grid, 10 targets × 10 variants × 5 seeds, 200 epochs", plan Experiment.defaults)
    Assert.Equal("a custom grid, 2 targets × 4 variants × 2 seeds, 3 epochs", plan { Experiment.quick with Epochs = 3 })
    Assert.Equal("the quick grid, 2 targets × 4 variants × 2 seeds, 60 epochs", plan { Experiment.quick with Jobs = 1 })   // jobs change no result
    let config = Experiment.plan Experiment.quick
    let summary = Summary.create Experiment.baseline []
    Assert.Contains("This is the quick grid, 2 targets × 4 variants × 2 seeds, 60 epochs: a demonstration in seconds", Reports.summaryMarkdown config summary)
    Assert.Contains("\"grid\": \"the quick grid, 2 targets", ReportJson.summaryJson config summary [])

[<Fact>]
let ``the quick grid trains enough to be no demonstration of an untrained baseline`` () =
    // Its settings, so that the full run of `compare --quick` (measured: the baseline's test MSE 0.02 and 0.34,
    // every variant's ratio below 0.25, as in the full grid) stays what the README shows.
    let q = Experiment.quick
    Assert.True(q.Epochs >= 60 && q.TrainSamples >= 8000 && q.Hidden = [ 64; 64 ])
    Assert.Equal<string list>([ "coulomb"; "gaussian_pair" ], q.Targets)
    Assert.Equal<string list>([ "mlp-tanh"; "mlp-seagull"; "pooled"; "symmetrized" ], q.Variants)

[<Fact>]
let ``symmetrize-after measures mlp-seagull's own models symmetrized, trains nothing, and needs mlp-seagull`` () =
    let settings = { tiny with Variants = [ "mlp-tanh"; "mlp-seagull"; "symmetrize-after" ]; Seeds = 2 }
    let outcome = Experiment.run settings ignore CancellationToken.None
    let without = Experiment.run { settings with Variants = [ "mlp-tanh"; "mlp-seagull" ] } ignore CancellationToken.None
    let cells name (o: CompareOutcome) = o.Results |> List.filter (fun r -> r.Variant = name)
    // The models it symmetrizes are mlp-seagull's, which it leaves as they were.
    Assert.Equal<CellResult list>(cells "mlp-seagull" without |> List.map withoutTime, cells "mlp-seagull" outcome |> List.map withoutTime)
    let after = cells "symmetrize-after" outcome
    Assert.Equal(settings.Seeds * 2, after.Length)   // 2 targets × 2 seeds
    for r in after do
        Assert.Equal(0.0, r.InvarianceError)
        Assert.Equal(0.0, r.Seconds)
        let seagull = cells "mlp-seagull" outcome |> List.find (fun c -> c.Target = r.Target && c.Seed = r.Seed)
        Assert.Equal(seagull.EpochsRun, r.EpochsRun)
        Assert.NotEqual(seagull.TestMse, r.TestMse)
    // In the grid's order, and in the summary like any variant.
    Assert.Equal<string list>([ "mlp-tanh"; "mlp-seagull"; "symmetrize-after" ], outcome.Results |> List.map (fun r -> r.Variant) |> List.distinct)
    Assert.True((Summary.tryRow "spring" "symmetrize-after" outcome.Summary).IsSome)
    let e = Assert.Throws<SeagullException>(fun () -> Experiment.plan { settings with Variants = [ "mlp-tanh"; "symmetrize-after" ] } |> ignore)
    Assert.Contains("add mlp-seagull to the variants", e.Message)

[<Fact>]
let ``auto trains every candidate on part of the rows, keeps the best on the rest, and fits it on all of them`` () =
    let target = Targets.find "spring"
    let train = Targets.generate target (Random.key 3) 600
    let options = { Architectures.defaults with Hidden = [ 8; 8 ] }
    let candidates = Auto.candidates target.Symmetry options []
    Assert.Equal<string list>([ "split"; "pooled"; "symmetrized"; "symmetrized-learned" ], candidates |> List.map fst)
    let settings = { Regressor.defaults with Training = { Train.defaults with Epochs = 5 } }
    let model, result, choice = Auto.fit candidates settings train
    let best = choice.Scores |> List.minBy (fun s -> s.ValidationMse)
    Assert.Equal(best.Name, choice.Chosen)
    Assert.Equal(4, choice.Scores.Length)
    Assert.True(Network.isExactlyInvariant model.Spec)
    Assert.Equal(Network.describe (candidates |> List.find (fun (n, _) -> n = choice.Chosen) |> snd), Network.describe model.Spec)
    Assert.Equal(result.Seconds + (choice.Scores |> List.sumBy (fun s -> s.Seconds)), choice.TotalSeconds, 9)
    // The chosen network trained on all the rows is the plain fit of that network.
    let plain, _ = Regressor.fit (candidates |> List.find (fun (n, _) -> n = choice.Chosen) |> snd) settings train
    Assert.Equal<Tensor list>(Params.leaves plain.Params, Params.leaves model.Params)
    let _, _, again = Auto.fit candidates settings train
    Assert.Equal<float list>(choice.Scores |> List.map (fun s -> s.ValidationMse), again.Scores |> List.map (fun s -> s.ValidationMse))

[<Fact>]
let ``the auto variant of compare is exactly invariant and reports its whole training time`` () =
    let outcome = Experiment.run { tiny with Variants = [ "mlp-tanh"; "auto" ]; Seeds = 1 } ignore CancellationToken.None
    let auto = outcome.Results |> List.filter (fun r -> r.Variant = "auto")
    Assert.Equal(2, auto.Length)
    for r in auto do
        Assert.Equal(0.0, r.InvarianceError)
        Assert.True(r.Seconds > 0.0)
