module Seagull.Tests.ShardTests

open System
open System.IO
open System.Threading
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Reports

// ---- the partition: pure properties ----

/// Unit costs (0 to 1e6, a few exactly equal to exercise the ties) and a shard count (1 to 20, often above the units).
type PartitionCase = { Costs: float[]; Count: int }

type PartitionGenerators =
    static member Case() : Arbitrary<PartitionCase> =
        gen {
            let! n = Gen.choose (0, 60)
            let! costs = Gen.arrayOfLength n (Gen.oneof [ Gen.choose (0, 1_000_000) |> Gen.map float; Gen.constant 5.0 ])
            let! count = Gen.choose (1, 20)
            return { Costs = costs; Count = count }
        }
        |> Arb.fromGen

[<Property(MaxTest = 300, Arbitrary = [| typeof<PartitionGenerators> |])>]
let ``the partition is an exact cover, deterministic and balanced`` (c: PartitionCase) =
    let shardOf = Shards.assign c.Count c.Costs
    let again = Shards.assign c.Count (Array.copy c.Costs)
    let loads = Array.init c.Count (fun k -> Array.fold2 (fun sum cost shard -> if shard = k then sum + cost else sum) 0.0 c.Costs shardOf)
    let mean = Array.sum c.Costs / float c.Count
    let largest = if c.Costs.Length = 0 then 0.0 else Array.max c.Costs
    // Every unit in exactly one shard of range; the same shards every time; no shard above the mean by more than one unit.
    (shardOf.Length = c.Costs.Length && shardOf |> Array.forall (fun k -> k >= 0 && k < c.Count)) |> Prop.label "cover"
    .&. (shardOf = again) |> Prop.label "deterministic"
    .&. (Array.max loads <= mean + largest + 1e-9 * (mean + largest)) |> Prop.label $"balanced: loads {loads}, mean {mean}, largest {largest}"

[<Property(MaxTest = 100, Arbitrary = [| typeof<PartitionGenerators> |])>]
let ``the shards of a partition pass the cover check, and any one left out, doubled or unfinished does not`` (c: PartitionCase) =
    let shardOf = Shards.assign c.Count c.Costs
    let piece k : Shards.Piece =
        let mine = [ for i in 0 .. c.Costs.Length - 1 do if shardOf.[i] = k then yield i ]
        { Name = $"shard-{k}"; Shard = { Index = k; Count = c.Count }; Assigned = mine; Finished = mine }
    let all = [ for k in 0 .. c.Count - 1 -> piece k ]
    let isError = function Error _ -> true | Ok _ -> false
    let busiest = all |> List.maxBy (fun p -> p.Assigned.Length)
    (Shards.checkCover c.Costs.Length all = Ok ()) |> Prop.label "whole"
    .&. (Shards.checkCover c.Costs.Length (List.rev all) = Ok ()) |> Prop.label "any order"
    .&. (c.Count = 1 || isError (Shards.checkCover c.Costs.Length (List.tail all))) |> Prop.label "missing"
    .&. isError (Shards.checkCover c.Costs.Length (all @ [ { all.Head with Name = "copy" } ])) |> Prop.label "twice"
    .&. (busiest.Assigned.IsEmpty
         || isError (Shards.checkCover c.Costs.Length (all |> List.map (fun p -> if p = busiest then { p with Finished = List.tail p.Finished } else p))))
        |> Prop.label "unfinished"

[<Fact>]
let ``the cover check names the shard that is missing, doubled, overlapping or of another split`` () =
    let p name index count assigned : Shards.Piece = { Name = name; Shard = { Index = index; Count = count }; Assigned = assigned; Finished = assigned }
    let message = function Error (m: string) -> m | Ok () -> "ok"
    Assert.Equal("shard 1/2 is missing: have 0/2 in 'a'", message (Shards.checkCover 3 [ p "a" 0 2 [ 0; 1 ] ]))
    Assert.Equal("shard 0/2 is given twice: 'a' and 'b'", message (Shards.checkCover 3 [ p "a" 0 2 [ 0 ]; p "b" 0 2 [ 0 ]; p "c" 1 2 [ 1; 2 ] ]))
    Assert.Equal("cell 1 belongs to two shards: 0/2 in 'a' and 1/2 in 'b'", message (Shards.checkCover 3 [ p "a" 0 2 [ 0; 1 ]; p "b" 1 2 [ 1; 2 ] ]))
    Assert.StartsWith("the shards are of different splits", message (Shards.checkCover 3 [ p "a" 0 2 [ 0 ]; p "b" 1 3 [ 1; 2 ] ]))
    Assert.StartsWith("shard 1/2 in 'b' is unfinished: 1 of its 2 cells", message (Shards.checkCover 3 [ p "a" 0 2 [ 0 ]; { p "b" 1 2 [ 1; 2 ] with Finished = [ 1 ] } ]))

[<Fact>]
let ``a shard is read as I/N from 0, anything else refused in one line`` () =
    Assert.Equal({ Index = 2; Count = 7 }, Shards.parse "--shard" "2/7")
    Assert.Equal({ Index = 0; Count = 1 }, Shards.parse "--shard" " 0/1 ")
    for bad in [ "3/3"; "1/0"; "-1/3"; "1"; "a/b"; "1/2/3"; ""; "1.0/2" ] do
        let e = Assert.Throws<SeagullException>(fun () -> Shards.parse "--shard" bad |> ignore)
        Assert.StartsWith($"--shard '{bad}'", e.Message)
        Assert.DoesNotContain("\n", e.Message)

// ---- shards, merge and resume on a small grid ----

let private tiny =
    { Experiment.quick with
        Targets = [ "bead_pair"; "spring" ]
        Variants = [ "mlp-tanh"; "mlp-seagull"; "symmetrize-after"; "pooled" ]
        Hidden = [ 4; 4 ]
        Seeds = 2
        Epochs = 2
        TrainSamples = 64
        TestSamples = 32
        Jobs = 2 }

let private folder () = Path.Combine(Path.GetTempPath(), "seagull-shard-tests-" + Guid.NewGuid().ToString("N"))

/// Runs one shard of `settings` into `dir` (what `compare --shard` does), stopping at `stopAfter` units if given.
let internal runShard (settings: CompareSettings) (shard: ShardSpec) (dir: string) =
    let prepared = Experiment.prepare settings
    let opened = SweepFolder.openFor dir prepared shard []
    Experiment.runUnits prepared (SweepFolder.missing opened |> List.map (fun u -> u.Id)) (SweepFolder.save opened) ignore CancellationToken.None |> ignore
    SweepFolder.writeManifest opened

/// Every report text of an outcome, with each cell's measured seconds set to 0 first: what is computed from the data.
let private textsWithoutSeconds (o: CompareOutcome) =
    let results = o.Results |> List.map (fun r -> { r with Seconds = 0.0 })
    let again = Experiment.outcomeOf o.Config (List.head o.Activations) results
    [ Reports.resultsCsv again.Results; Reports.curvesCsv again.Results
      Reports.summaryMarkdown again.Config again.Summary; ReportJson.summaryJson again.Config again.Summary again.Results ]

[<Fact>]
let ``sharded and merged is the unsharded run bit for bit, for 1, 2, 3 and 7 shards, in any order`` () =
    let whole = Experiment.run tiny ignore CancellationToken.None
    let units = Experiment.units (Experiment.prepare tiny)
    Assert.Equal(12, units.Length) // 2 targets × 3 trained variants × 2 seeds: symmetrize-after is measured in mlp-seagull's unit
    for n in [ 1; 2; 3; 7 ] do
        let root = folder ()
        try
            let dirs = [ for i in 0 .. n - 1 -> Path.Combine(root, $"shard-{i}") ]
            dirs |> List.iteri (fun i dir -> runShard tiny { Index = i; Count = n } dir)
            let merged = SweepFolder.merge (List.rev dirs) []
            // The same cells with the same numbers (seconds are each cell's own measurement) and the same curves.
            Assert.Equal<string list>(textsWithoutSeconds whole, textsWithoutSeconds merged)
            Assert.Equal<float[] list>(whole.Results |> List.map (fun r -> r.Curve), merged.Results |> List.map (fun r -> r.Curve))
            // Merging again, in another order, gives the same bytes, seconds included.
            let again = SweepFolder.merge dirs []
            Assert.Equal(ReportJson.summaryJson merged.Config merged.Summary merged.Results, ReportJson.summaryJson again.Config again.Summary again.Results)
            // Every shard describes itself, an empty one too.
            for dir in dirs do Assert.True(File.Exists(Path.Combine(dir, "sweep.json")), dir)
        finally
            try Directory.Delete(root, true) with _ -> ()

[<Fact>]
let ``a run stopped after some cells keeps them and resumes to the same report`` () =
    let dir = folder ()
    try
        let prepared = Experiment.prepare { tiny with Jobs = 1 }
        let opened = SweepFolder.openFor dir prepared { Index = 0; Count = 1 } []
        use stop = new CancellationTokenSource()
        let mutable saved = 0
        let saveThenStop id results =
            SweepFolder.save opened id results
            saved <- saved + 1
            if saved = 3 then stop.Cancel()
        Assert.ThrowsAny<OperationCanceledException>(fun () ->
            Experiment.runUnits prepared (SweepFolder.missing opened |> List.map (fun u -> u.Id)) saveThenStop ignore stop.Token |> ignore) |> ignore
        // The finished cells are kept; the next run trains only the others.
        let reopened = SweepFolder.openFor dir prepared { Index = 0; Count = 1 } []
        Assert.Equal(3, reopened.Finished.Count)
        Assert.Equal(9, (SweepFolder.missing reopened).Length)
        let ran = Experiment.runUnits prepared (SweepFolder.missing reopened |> List.map (fun u -> u.Id)) (SweepFolder.save reopened) ignore CancellationToken.None
        let kept = reopened.Finished |> Map.toList |> List.sumBy (fun (_, rs) -> rs.Length)
        Assert.Equal(16, kept + ran.Length) // every cell once: 12 units, 4 of them measuring symmetrize-after too
        let resumed = Experiment.outcomeOf prepared.Config (Experiment.evenActivation prepared) (SweepFolder.results reopened)
        Assert.Equal<string list>(textsWithoutSeconds (Experiment.run { tiny with Jobs = 1 } ignore CancellationToken.None), textsWithoutSeconds resumed)
    finally
        try Directory.Delete(dir, true) with _ -> ()

[<Fact>]
let ``a folder of another configuration, build or shard is refused in one line and left as it was`` () =
    let dir = folder ()
    try
        runShard tiny { Index = 0; Count = 2 } dir
        let before = Directory.GetFiles(dir, "*", SearchOption.AllDirectories) |> Array.map File.ReadAllText
        let refused settings shard =
            let e = Assert.Throws<SeagullException>(fun () -> SweepFolder.openFor dir (Experiment.prepare settings) shard [] |> ignore)
            Assert.DoesNotContain("\n", e.Message)
            e.Message
        Assert.Contains("another configuration (epochs: 2 there, 3 here)", refused { tiny with Epochs = 3 } { Index = 0; Count = 2 })
        Assert.Contains("holds shard 0/2 of this configuration, not 1/2", refused tiny { Index = 1; Count = 2 })
        // The number of jobs is not part of the configuration: it never changes a result.
        SweepFolder.openFor dir (Experiment.prepare { tiny with Jobs = 1 }) { Index = 0; Count = 2 } [] |> ignore
        let manifest = Path.Combine(dir, "sweep.json")
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"build\": \"", "\"build\": \"another "))
        Assert.Contains("another build of Seagull", refused tiny { Index = 0; Count = 2 })
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"build\": \"another ", "\"build\": \""))
        Assert.Equal<string[]>(before, Directory.GetFiles(dir, "*", SearchOption.AllDirectories) |> Array.map File.ReadAllText)
    finally
        try Directory.Delete(dir, true) with _ -> ()

// ---- the hidden and learning-rate dimensions ----

[<Fact>]
let ``several hidden shapes and learning rates are dimensions of the grid, columns of the reports`` () =
    let grid = { tiny with Variants = [ "mlp-tanh"; "mlp-seagull" ]; Targets = [ "spring" ]; HiddenShapes = [ [ 4 ]; [ 6; 6 ] ]; LearningRates = [ 1e-3; 3e-3 ] }
    let o = Experiment.run grid ignore CancellationToken.None
    Assert.Equal(1 * 2 * 2 * 2 * 2, o.Results.Length)
    Assert.Equal(2 * 2 * 2, o.Summary.Rows.Length)
    Assert.Equal<(int list * float) list>([ [ 4 ], 1e-3; [ 4 ], 3e-3; [ 6; 6 ], 1e-3; [ 6; 6 ], 3e-3 ], o.Summary.Settings)
    // Each row is compared with the baseline of its own setting.
    for r in o.Summary.Rows do
        if r.Variant = "mlp-seagull" then
            let baseline = (Summary.tryRowOf r.Target (r.Hidden, r.LearningRate) "mlp-tanh" o.Summary).Value
            Assert.Equal(Statistics.clampMse r.MeanMse / Statistics.clampMse baseline.MeanMse, r.VsBaseline.Value.Ratio)
    let csv = Reports.resultsCsv o.Results
    Assert.StartsWith("target,variant,hidden,lr,seed,test_mse,", csv)
    Assert.Contains("\nspring,mlp-tanh,\"6,6\",0.003,1,", csv)
    let md = Reports.summaryMarkdown o.Config o.Summary
    Assert.Contains("| target | hidden | lr | mlp-tanh | mlp-seagull |", md)
    Assert.Contains("| spring | 6×6 | 0.003 |", md)
    Assert.Contains("hidden widths 4, 6×6, ", md)
    Assert.Contains("× 2 hidden shapes × 2 learning rates", o.Config.Grid)
    let json = ReportJson.summaryJson o.Config o.Summary o.Results
    Assert.Contains("\"hiddenShapes\": [", json)
    Assert.Contains("\"learningRates\": [", json)
    // A grid of one setting has none of these columns.
    let single = Experiment.run { grid with HiddenShapes = []; LearningRates = [] } ignore CancellationToken.None
    Assert.StartsWith("target,variant,seed,test_mse,", Reports.resultsCsv single.Results)
    Assert.DoesNotContain("hiddenShapes", ReportJson.summaryJson single.Config single.Summary single.Results)

[<Fact>]
let ``a hidden shape or learning rate twice, or a bad rate, is refused before training`` () =
    let fails settings (expected: string) =
        let e = Assert.Throws<SeagullException>(fun () -> Experiment.plan settings |> ignore)
        Assert.Contains(expected, e.Message)
    fails { tiny with HiddenShapes = [ [ 4 ]; [ 4 ] ] } "hidden widths 4 are listed twice"
    fails { tiny with LearningRates = [ 1e-3; 1e-3 ] } "learning rate 0.001 is listed twice"
    fails { tiny with LearningRates = [ 1e-3; -1.0 ] } "learning rate must be a positive number, got -1"
    fails { tiny with HiddenShapes = [ [ 4 ]; [ 1 ] ] } "hidden widths must be ≥ 2"
