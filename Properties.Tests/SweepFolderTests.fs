module Seagull.Tests.SweepFolderTests

open System
open System.IO
open System.Threading
open Xunit
open Seagull.Core

// What a user sees when a sweep's folder or options go wrong: one line each, in words, naming the file or option.

let private tiny =
    { Experiment.quick with
        Targets = [ "spring" ]
        Variants = [ "mlp-tanh"; "mlp-seagull" ]
        Hidden = [ 4; 4 ]
        Seeds = 2
        Epochs = 1
        TrainSamples = 32
        TestSamples = 16
        Jobs = 1 }

let private folder () = Path.Combine(Path.GetTempPath(), "seagull-sweep-folder-tests-" + Guid.NewGuid().ToString("N"))

let private runShard = ShardTests.runShard

let private refusal (f: unit -> unit) =
    let e = Assert.Throws<SeagullException>(f)
    Assert.DoesNotContain("\n", e.Message)
    e.Message

[<Fact>]
let ``a shard that is negative or too large is refused with its reason`` () =
    Assert.Contains("I must be ≥ 0", refusal (fun () -> Shards.parse "--shard" "-1/2" |> ignore))
    Assert.Contains("N must be at least 1", refusal (fun () -> Shards.parse "--shard" "0/-2" |> ignore))
    Assert.Contains("a number too large", refusal (fun () -> Shards.parse "--shard" "99999999999/99999999999" |> ignore))
    Assert.Contains("I and N are whole numbers", refusal (fun () -> Shards.parse "--shard" "a/2" |> ignore))

[<Fact>]
let ``a damaged cell file is named, with what to do, in words`` () =
    let reason text = match CellFiles.tryReadUnit text with Error why -> why | Ok _ -> "read"
    Assert.Equal("not whole JSON: cut short or garbled", reason "{\"format\": \"seagull-cell\", \"results\": [ {\"target\": \"spri")
    Assert.Equal("not whole JSON: cut short or garbled", reason "{\"format\": \"seagull-cell\", \"configId\": \"a\nb\"}")
    Assert.Equal("the field \"configId\" is missing", reason "{\"format\": \"seagull-cell\"}")
    Assert.Equal("not a Seagull cell result", reason "[1, 2]")
    let dir = folder ()
    try
        runShard tiny { Index = 0; Count = 1 } dir
        let cell = Path.Combine(dir, "cells", CellFiles.unitFileName 1)
        File.WriteAllText(cell, File.ReadAllText(cell).Substring(0, 40))
        let message = refusal (fun () -> SweepFolder.openFor dir (Experiment.prepare tiny) { Index = 0; Count = 1 } [] |> ignore)
        Assert.Equal($"'{cell}' is damaged (not whole JSON: cut short or garbled); delete it and run the same command again: that cell will be trained again", message)
        let merge = refusal (fun () -> SweepFolder.merge [ dir ] [] |> ignore)
        Assert.StartsWith($"'{cell}' is damaged (not whole JSON: cut short or garbled); delete it and run its shard's compare again", merge)
    finally
        try Directory.Delete(dir, true) with _ -> ()

[<Fact>]
let ``another order of the rates or shapes is named as the lists, and another build as a build`` () =
    let dir = folder ()
    try
        let grid = { tiny with Seeds = 1; LearningRates = [ 1e-2; 3e-3 ] }
        runShard grid { Index = 0; Count = 1 } dir
        let opening settings () = SweepFolder.openFor dir (Experiment.prepare settings) { Index = 0; Count = 1 } [] |> ignore
        Assert.Contains("(lr: 0.01,0.003 there, 0.003,0.01 here, the same values in another order: the order is part of the grid)",
                        refusal (opening { grid with LearningRates = [ 3e-3; 1e-2 ] }))
        Assert.Contains("(hidden: 4,4 there, 4,4 6,6 here)", refusal (opening { grid with HiddenShapes = [ [ 4; 4 ]; [ 6; 6 ] ] }))
        // Another build writes another version into the configuration too: that is a build, not a configuration.
        let manifest = Path.Combine(dir, "sweep.json")
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"build\": \"", "\"build\": \"0.0.9+abc; ").Replace("\"softwareVersion\": \"", "\"softwareVersion\": \"0.0.9+abc"))
        let message = refusal (opening grid)
        Assert.Contains("holds cells run by another build of Seagull (0.0.9+abc; ", message)
        Assert.DoesNotContain("configuration", message)
        Assert.DoesNotContain("\\u", message)
        Assert.DoesNotContain("--out", message)
    finally
        try Directory.Delete(dir, true) with _ -> ()

[<Fact>]
let ``a merge of shards run with different jobs reports the largest, and its --out is checked`` () =
    let root = folder ()
    try
        let dirs = [ for i in 0 .. 2 -> Path.Combine(root, $"shard-{i}") ]
        dirs |> List.iteri (fun i dir -> runShard { tiny with Jobs = (if i = 2 then 2 else 1) } { Index = i; Count = 3 } dir)
        let merged = SweepFolder.merge dirs []
        Assert.Equal(2, merged.Config.Jobs)
        Assert.Contains("2 jobs", Reports.summaryMarkdown merged.Config merged.Summary)
        let out = Path.Combine(root, "merged")
        SweepFolder.checkMergeOutput out dirs merged.Config
        Assert.Contains("is one of the shards to merge", refusal (fun () -> SweepFolder.checkMergeOutput (dirs.[1] + "/") dirs merged.Config))
        Assert.Contains("holds a sweep", refusal (fun () -> SweepFolder.checkMergeOutput dirs.[0] [ dirs.[1] ] merged.Config))
        Directory.CreateDirectory out |> ignore
        SweepFolder.checkMergeOutput out dirs merged.Config // empty
        File.WriteAllText(Path.Combine(out, "summary.json"), ReportJson.summaryJson merged.Config merged.Summary merged.Results)
        SweepFolder.checkMergeOutput out dirs merged.Config // an earlier merge of the same shards
        Assert.Contains("holds the report of another comparison", refusal (fun () -> SweepFolder.checkMergeOutput out dirs { merged.Config with Epochs = 9 }))
        File.WriteAllText(Path.Combine(out, "notes.txt"), "mine")
        Assert.Contains("holds other files ('notes.txt')", refusal (fun () -> SweepFolder.checkMergeOutput out dirs merged.Config))
    finally
        try Directory.Delete(root, true) with _ -> ()

[<Fact>]
let ``a grid of several settings counts rows, not targets, and a diverged row gets a note`` () =
    let grid = { tiny with Seeds = 1; LearningRates = [ 1e-3; 3e-3 ] }
    let o = Experiment.run grid ignore CancellationToken.None
    let md = Reports.summaryMarkdown o.Config o.Summary
    Assert.Contains("means over every model of the rows (target × hidden × lr); rows best:", md)
    Assert.Contains("| variant | seconds per model | epochs run | models | rows best |", md)
    Assert.Contains("- The geometric mean is over the rows (target × hidden × lr) compared, of the ratios of means.", md)
    Assert.DoesNotContain("targets", md.Substring(md.IndexOf "## Time"))
    Assert.DoesNotContain("diverged", md)
    let single = Experiment.run { tiny with Seeds = 1 } ignore CancellationToken.None
    let one = Reports.summaryMarkdown single.Config single.Summary
    Assert.Contains("means over targets and seeds.", one)
    Assert.Contains("| models | targets best |", one)
    let blown = { single.Summary with Rows = single.Summary.Rows |> List.map (fun r -> if r.Variant = "mlp-seagull" then { r with MeanMse = 1e9 } else r) }
    Assert.Contains("**Note:** training diverged in spring mlp-seagull: a mean test MSE that is not finite or above 10", Reports.summaryMarkdown single.Config blown)

[<Fact>]
let ``a learning rate below 1e-12 is refused, written with a lowercase exponent`` () =
    let e = Assert.Throws<SeagullException>(fun () -> Experiment.plan { tiny with LearningRates = [ 1e-3; 1e-320 ] } |> ignore)
    Assert.Equal("learning rate 1e-320 is below 1e-12, too small to train anything", e.Message)
    Assert.Equal("1e-05", Reports.rateText 1e-5)
    Assert.Equal("0.001", Reports.rateText 1e-3)
