namespace Seagull.Core

open System
open System.IO
open System.Text
open System.Text.Json

/// summary.json of `seagull compare`: a pure builder (the configuration's object is `Reports.writeConfig`'s,
/// which a sweep's manifest shares).
///
/// Example: `printf "%s" (ReportJson.summaryJson config summary results)`.
module ReportJson =
    let private number = Reports.number
    let private optionalNumber = Reports.optionalNumber
    let private stringArray = Reports.stringArray
    let private intArray = Reports.intArray
    let private writeConfig = Reports.writeConfig
    let private ordered = Reports.ordered

    /// The machine a grid ran on. Results are bit for bit repeatable for the same settings on the same
    /// SIMD vector width; another width (an ARM64 machine, a CPU without AVX2) rounds some sums differently.
    let private writeMachine (w: Utf8JsonWriter) =
        w.WriteStartObject "machine"
        w.WriteString("runtime", Runtime.InteropServices.RuntimeInformation.FrameworkDescription)
        w.WriteString("os", Runtime.InteropServices.RuntimeInformation.OSDescription)
        w.WriteString("architecture", string Runtime.InteropServices.RuntimeInformation.ProcessArchitecture)
        w.WriteNumber("processors", Environment.ProcessorCount)
        w.WriteNumber("vectorBits", Numerics.Vector<byte>.Count * 8)
        w.WriteBoolean("vector512", Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        w.WriteEndObject()

    let private writeSetting (w: Utf8JsonWriter) (hidden: int list) (rate: float) =
        intArray w "hidden" hidden
        number w "learningRate" rate

    let private writeRow (w: Utf8JsonWriter) (withSettings: bool) (r: SummaryRow) =
        w.WriteStartObject()
        w.WriteString("target", r.Target)
        w.WriteString("variant", r.Variant)
        if withSettings then writeSetting w r.Hidden r.LearningRate
        w.WriteNumber("n", r.N)
        number w "meanTestMse" r.MeanMse
        number w "stdTestMse" r.StdMse
        w.WriteBoolean("best", r.IsBest)
        number w "maxInvarianceError" r.MaxInvarianceError
        number w "meanSeconds" r.MeanSeconds
        number w "meanEpochs" r.MeanEpochs
        match r.VsBaseline with
        | None -> w.WriteNull "vsBaseline"
        | Some c ->
            w.WriteStartObject "vsBaseline"
            number w "ratioOfMeans" c.Ratio
            w.WriteNumber("wins", c.Wins)
            w.WriteNumber("pairs", c.Pairs)
            number w "meanLogRatio" c.LogRatio
            number w "logRatioLow" c.LogRatioLow
            number w "logRatioHigh" c.LogRatioHigh
            number w "pairedRatio" c.PairedRatio
            number w "pairedRatioLow" c.RatioLow
            number w "pairedRatioHigh" c.RatioHigh
            w.WriteEndObject()
        w.WriteEndObject()

    /// summary.json: format name and version, software version, the whole configuration, the
    /// statistics options, one object per summary row (with `vsBaseline` null where there is no
    /// comparison), one per variant overall, and the cells (without curves). Indented UTF-8, invariant
    /// numbers; a non-finite number is written as null.
    ///
    /// Example: `JsonDocument.Parse(ReportJson.summaryJson config summary results).RootElement.GetProperty("rows")`.
    let summaryJson (config: ExperimentConfig) (summary: Summary) (results: CellResult list) : string =
        let s = ordered config summary
        use buffer = new MemoryStream()
        (
            let options = JsonWriterOptions(Indented = true, Encoder = Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping)
            use w = new Utf8JsonWriter(buffer, options)
            w.WriteStartObject()
            w.WriteString("format", "seagull-compare-summary")
            w.WriteNumber("formatVersion", 1)
            w.WriteString("softwareVersion", config.SoftwareVersion)
            writeMachine w
            writeConfig w config
            w.WriteStartObject "statistics"
            w.WriteString("baseline", s.Options.Baseline)
            w.WriteBoolean("baselineFound", s.BaselineFound)
            w.WriteNumber("bootstrapResamples", s.Options.Resamples)
            number w "confidenceLevel" s.Options.Level
            w.WriteNumber("bootstrapSeed", s.Options.BootstrapSeed)
            number w "mseFloor" Statistics.mseFloor
            w.WriteString("std", "sample (n-1)")
            w.WriteEndObject()
            stringArray w "targets" s.Targets
            stringArray w "variants" s.Variants
            w.WriteStartArray "rows"
            for r in s.Rows do
                writeRow w (s.Settings.Length > 1) r
            w.WriteEndArray()
            w.WriteStartArray "overall"
            for o in s.Overall do
                w.WriteStartObject()
                w.WriteString("variant", o.Variant)
                optionalNumber w "geometricMeanRatio" o.GeometricMeanRatio
                w.WriteNumber("targetsCompared", o.TargetsCompared)
                w.WriteNumber("targetsBest", o.TargetsBest)
                w.WriteNumber("wins", o.Wins)
                w.WriteNumber("pairs", o.Pairs)
                w.WriteEndObject()
            w.WriteEndArray()
            w.WriteStartArray "cells"
            for r in results do
                w.WriteStartObject()
                w.WriteString("target", r.Target)
                w.WriteString("variant", r.Variant)
                if s.Settings.Length > 1 then writeSetting w r.Hidden r.LearningRate
                w.WriteNumber("seed", r.Seed)
                number w "testMse" r.TestMse
                number w "invarianceError" r.InvarianceError
                w.WriteNumber("epochsRun", r.EpochsRun)
                number w "seconds" r.Seconds
                w.WriteEndObject()
            w.WriteEndArray()
            w.WriteEndObject()
            w.Flush()
        )
        Encoding.UTF8.GetString(buffer.ToArray()) + "\n"
