namespace Seagull.Bench

open System
open System.Numerics
open BenchmarkDotNet.Attributes
open Seagull.Core
open Seagull.Core.Kernels

/// The fused activation kernels (Seagull.Core.Kernels.ActivationKernels, reached through `Activation.catalogue`,
/// the same objects `Tensor.map` runs in training): forward σ(z) and backward gy·σ'(z) of every built-in
/// activation, on a 128×64 batch (one hidden layer of the training hot path, 8192 elements) and on a
/// 1M-element vector. Inputs z are uniform on [−3, 3]. `Arena = false`: each call allocates its result (as any
/// call outside training does); `Arena = true`: the call runs inside a `StepArena` scope, as in the fit loop,
/// so the result and scratch arrays of the previous call are reused. The Gelem/s column is elements / mean time.
[<Config(typeof<GElemsConfig>)>]
[<SimpleJob(launchCount = 1, warmupCount = 3, iterationCount = 8)>]
[<IterationTimeMs(100.0)>]
[<GenericTypeArguments(typeof<float32>)>]
[<GenericTypeArguments(typeof<float>)>]
type ActivationBenchmarks<'T when 'T :> IFloatingPointIeee754<'T>>() =
    let mutable kernel = Unchecked.defaultof<IElementwiseKernel>
    let mutable z: 'T[] = [||]
    let mutable y: 'T[] = [||]
    let mutable gy: 'T[] = [||]
    let arena = StepArena()

    /// Names of the catalogue's fused activations, in its order (even ones first); the learnable ones have no fused kernel.
    static member Names: string seq = Activation.catalogue |> List.filter (fun a -> a.Kernel.IsSome) |> List.map (fun a -> a.Name) |> Seq.ofList

    [<ParamsSource("Names")>]
    member val Activation = "" with get, set

    /// 128×64 (a hidden layer's pre-activations for one batch) and 2^20.
    [<Params(8192, 1048576)>]
    member val Elements = 0 with get, set

    /// Inside a StepArena scope (as in training) or not.
    [<Params(false, true)>]
    member val Arena = false with get, set

    [<GlobalSetup>]
    member this.Setup() =
        kernel <-
            match (Activation.find this.Activation).Kernel with
            | Some k -> k.Kernel
            | None -> failwithf "%s has no fused kernel" this.Activation
        let rng = Random 11
        z <- Array.init this.Elements (fun _ -> 'T.CreateTruncating(6.0 * rng.NextDouble() - 3.0))
        gy <- Array.init this.Elements (fun _ -> 'T.CreateTruncating(rng.NextDouble() - 0.5))
        y <- kernel.Forward<'T> z

    [<Benchmark>]
    member this.Forward() : 'T[] =
        if this.Arena then arena.Scope(fun () -> kernel.Forward<'T> z) else kernel.Forward<'T> z

    [<Benchmark>]
    member this.Backward() : 'T[] =
        if this.Arena then arena.Scope(fun () -> kernel.Backward<'T>(z, y, gy)) else kernel.Backward<'T>(z, y, gy)
