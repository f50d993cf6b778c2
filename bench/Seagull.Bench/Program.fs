module Seagull.Bench.Program

open System.Reflection
open BenchmarkDotNet.Running

/// Every public benchmark class in this assembly is selectable: `-- --filter '*MatMul*'`, `-- --list flat`.
[<EntryPoint>]
let main argv =
    BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(argv) |> ignore
    0
