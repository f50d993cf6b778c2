namespace Seagull.Bench

open System
open System.Text.RegularExpressions
open BenchmarkDotNet.Attributes
open BenchmarkDotNet.Columns
open BenchmarkDotNet.Configs
open BenchmarkDotNet.Diagnosers
open BenchmarkDotNet.Jobs
open BenchmarkDotNet.Reports
open BenchmarkDotNet.Running
open Perfolizer.Horology

/// A throughput column: work per call (from the case, None when it does not apply) over the mean time in
/// ns, so the unit is "billions per second".
type RateColumn(id: string, name: string, legend: string, format: string, work: BenchmarkCase -> float option) =
    interface IColumn with
        member _.Id = id
        member _.ColumnName = name
        member _.AlwaysShow = true
        member _.Category = ColumnCategory.Custom
        member _.PriorityInCategory = 0
        member _.IsNumeric = true
        member _.UnitType = UnitType.Dimensionless
        member _.Legend = legend
        member _.IsAvailable(_summary) = true
        member _.IsDefault(_summary, _case) = false
        member this.GetValue(summary, case) = (this :> IColumn).GetValue(summary, case, SummaryStyle.Default)
        member _.GetValue(summary: Summary, case: BenchmarkCase, _style: SummaryStyle) =
            let report = summary.[case]
            match work case with
            | Some w when not (isNull report) && not (isNull report.ResultStatistics) ->
                (w / report.ResultStatistics.Mean).ToString(format)
            | _ -> "-"

/// GFLOP/s of a matrix product, for benchmark methods named `..._MxKxN` (2·m·k·n flops per call).
type GFlopsColumn() =
    inherit RateColumn("GFlops", "GFLOP/s", "Floating-point operations per second, 2·m·k·n / mean time", "F1", GFlopsColumn.Flops)
    static let shape = Regex(@"(\d+)x(\d+)x(\d+)$")
    static member Flops(case: BenchmarkCase) : float option =
        let m = shape.Match case.Descriptor.WorkloadMethod.Name
        if m.Success then Some(2.0 * float m.Groups.[1].Value * float m.Groups.[2].Value * float m.Groups.[3].Value)
        else None

/// Adds the GFLOP/s column; the job comes from an attribute on the class (e.g. SimpleJob with 3 warm-up and 8 measured iterations).
type GFlopsConfig() =
    inherit ManualConfig()
    do base.AddColumn(GFlopsColumn()) |> ignore

/// Throughput of an elementwise kernel, for benchmarks with an `Elements` parameter: elements processed
/// per second, in billions (elements / mean time in ns).
type GElemsColumn() =
    inherit RateColumn("GElems", "Gelem/s", "Elements per second, in billions: Elements / mean time", "F3", GElemsColumn.Elements)
    static member Elements(case: BenchmarkCase) : float option =
        case.Parameters.Items
        |> Seq.tryFind (fun p -> p.Name = "Elements")
        |> Option.map (fun p -> Convert.ToDouble p.Value)

/// Adds the Gelem/s column and the allocation columns (each kernel call allocates its result).
type GElemsConfig() =
    inherit ManualConfig()
    do
        base.AddColumn(GElemsColumn()) |> ignore
        base.AddDiagnoser(MemoryDiagnoser.Default) |> ignore

/// Target time of one measured iteration (BenchmarkDotNet's default is 500 ms), to keep suites with many
/// cases short: `[<IterationTimeMs(100.0)>]` next to the SimpleJob attribute.
[<AttributeUsage(AttributeTargets.Class ||| AttributeTargets.Assembly, AllowMultiple = false)>]
type IterationTimeMsAttribute(milliseconds: float) =
    inherit JobMutatorConfigBaseAttribute(Job().WithIterationTime(TimeInterval.FromMilliseconds milliseconds))
    member _.Milliseconds = milliseconds
