namespace Seagull.Bench

open System.Text.RegularExpressions
open BenchmarkDotNet.Columns
open BenchmarkDotNet.Configs
open BenchmarkDotNet.Reports
open BenchmarkDotNet.Running

/// GFLOP/s of a matrix product, for benchmark methods named `..._MxKxN` (2·m·k·n flops per call).
type GFlopsColumn() =
    static let shape = Regex(@"(\d+)x(\d+)x(\d+)$")

    static member Flops(case: BenchmarkCase) : float option =
        let m = shape.Match case.Descriptor.WorkloadMethod.Name
        if m.Success then Some(2.0 * float m.Groups.[1].Value * float m.Groups.[2].Value * float m.Groups.[3].Value)
        else None

    interface IColumn with
        member _.Id = "GFlops"
        member _.ColumnName = "GFLOP/s"
        member _.AlwaysShow = true
        member _.Category = ColumnCategory.Custom
        member _.PriorityInCategory = 0
        member _.IsNumeric = true
        member _.UnitType = UnitType.Dimensionless
        member _.Legend = "Floating-point operations per second, 2·m·k·n / mean time"
        member _.IsAvailable(_summary) = true
        member _.IsDefault(_summary, _case) = false
        member this.GetValue(summary, case) = (this :> IColumn).GetValue(summary, case, SummaryStyle.Default)
        member _.GetValue(summary: Summary, case: BenchmarkCase, _style: SummaryStyle) =
            let report = summary.[case]
            match GFlopsColumn.Flops case with
            | Some flops when not (isNull report) && not (isNull report.ResultStatistics) ->
                (flops / report.ResultStatistics.Mean).ToString("F1") // flops per ns = GFLOP/s
            | _ -> "-"

/// Adds the GFLOP/s column; the job comes from an attribute on the class (e.g. SimpleJob with 3 warm-up and 8 measured iterations).
type GFlopsConfig() =
    inherit ManualConfig()
    do base.AddColumn(GFlopsColumn()) |> ignore
