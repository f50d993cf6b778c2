namespace Seagull.Bench

open System
open System.Numerics
open BenchmarkDotNet.Attributes
open Seagull.Core.Kernels

/// Seagull.Core.Kernels.MatMul on the training hot path (batch 128, H = 64: forward 9→64, 64→64, 64→1 and the
/// gradient twins Aᵀ·B and A·Bᵀ), a mid size and 1024³ (single-threaded and `multiplyParallel`).
/// Method names end in m x k x n, which the GFLOP/s column reads.
[<Config(typeof<GFlopsConfig>)>]
[<SimpleJob(launchCount = 1, warmupCount = 3, iterationCount = 8)>]
[<GenericTypeArguments(typeof<float32>)>]
[<GenericTypeArguments(typeof<float>)>]
type MatMulBenchmarks<'T when 'T :> IFloatingPointIeee754<'T>>() =
    let rng = Random 7
    let make n = Array.init n (fun _ -> 'T.CreateTruncating(rng.NextDouble() - 0.5))
    let big = 1024
    let a = make (big * big)
    let b = make (big * big)
    let c = make (big * big)

    [<Benchmark>]
    member _.Multiply_128x9x64() = MatMul.multiply 128 9 64 a b c false

    [<Benchmark>]
    member _.Multiply_128x64x64() = MatMul.multiply 128 64 64 a b c false

    [<Benchmark>]
    member _.Multiply_128x64x1() = MatMul.multiply 128 64 1 a b c false

    /// Weight gradient: (128×64)ᵀ · (128×64).
    [<Benchmark>]
    member _.TransposeA_64x128x64() = MatMul.multiplyTransposeA 64 128 64 a b c false

    /// Input gradient: (128×64) · (64×64)ᵀ.
    [<Benchmark>]
    member _.TransposeB_128x64x64() = MatMul.multiplyTransposeB 128 64 64 a b c false

    [<Benchmark>]
    member _.Multiply_128x256x256() = MatMul.multiply 128 256 256 a b c false

    [<Benchmark>]
    member _.Multiply_1024x1024x1024() = MatMul.multiply big big big a b c false

    [<Benchmark>]
    member _.MultiplyParallel_1024x1024x1024() = MatMul.multiplyParallel big big big a b c false
