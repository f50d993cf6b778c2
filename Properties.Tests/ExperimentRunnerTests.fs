module Seagull.Tests.ExperimentRunnerTests

open System
open System.IO
open System.Text.Json
open System.Threading
open Xunit
open Seagull.Core

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
let ``exact designs report zero invariance error and the grid is paired by seed`` () =
    let outcome = Experiment.run tiny ignore CancellationToken.None
    for r in outcome.Results do
        if r.Variant = "symmetrized" || r.Variant = "split" then Assert.Equal(0.0, r.InvarianceError)
        if r.Variant = "mlp-tanh" then Assert.True(r.InvarianceError > 0.0)
        Assert.True(Double.IsFinite r.TestMse && r.TestMse > 0.0)
        Assert.Equal(3, r.EpochsRun)
        Assert.Equal((if r.Seed = 0 then 3 else 0), r.Curve.Length)

[<Fact>]
let ``quick run end to end writes reports that agree with each other`` () =
    let dir = Path.Combine(Path.GetTempPath(), "seagull-compare-tests", Guid.NewGuid().ToString("N"))
    Experiment.prepareOutput dir
    let outcome = Experiment.run { tiny with Seeds = 1 } ignore CancellationToken.None
    let files = Experiment.writeReports dir outcome
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
    fails { tiny with TrainSamples = 200_000_000; Jobs = 64 } "GB of memory needed"

[<Fact>]
let ``an unwritable output folder is refused`` () =
    let file = Path.Combine(Path.GetTempPath(), $"seagull-not-a-dir-{Guid.NewGuid():N}")
    File.WriteAllText(file, "x")
    let e = Assert.Throws<SeagullException>(fun () -> Experiment.prepareOutput (Path.Combine(file, "out")))
    Assert.Contains("cannot write to output folder", e.Message)

[<Fact>]
let ``the default grid is the reference protocol`` () =
    let config = Experiment.plan Experiment.defaults
    Assert.Equal<string list>([ "mlp-tanh"; "mlp-seagull"; "split"; "pooled"; "symmetrized"; "augment"; "penalty" ], config.Variants |> List.map (fun v -> v.Name))
    Assert.Equal<string list>(Targets.exchangeable |> List.map (fun t -> t.Name), config.Targets)
    Assert.Equal((8000, 4000, 200, 128), (config.TrainSamples, config.TestSamples, config.Epochs, config.BatchSize))
    Assert.Equal<int list>([ 64; 64 ], config.HiddenWidths)
    Assert.Equal<int list>([ 0 .. 4 ], config.Seeds)
