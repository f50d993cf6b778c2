/// Seconds per training epoch of one network, the same protocol as the PyTorch reference's
/// bench_speed.py: 8000 points of 9 inputs uniform on [−1, 1], standard-normal targets, batch 128,
/// Adam 1e-3, one warm-up epoch then the median of `reps` epochs. Single-threaded (one network).
/// Also reports the managed heap after each epoch and the peak working set, to show memory stays flat.
///
/// usage: Seagull.TrainSpeed VARIANT HIDDEN PRECISION REPS   (VARIANT: plain | plain_seagull1 | struct_seagull)
open System
open System.Diagnostics
open System.Threading
open Seagull

[<EntryPoint>]
let main argv =
    let variant = if argv.Length > 0 then argv.[0] else "plain"
    let hidden = if argv.Length > 1 then int argv.[1] else 64
    let dtype = if argv.Length > 2 then Dtype.parse argv.[2] else Float32
    let reps = if argv.Length > 3 then int argv.[3] else 9
    let blocks = { D = 3; K = 3 }
    let spec =
        match variant with
        | "plain" -> NetworkSpec.create Mlp blocks [ hidden; hidden ] [ Activation.tanh ]
        | "plain_seagull1" -> NetworkSpec.create Mlp blocks [ hidden; hidden ] [ Activation.seagull; Activation.tanh ]
        | "struct_seagull" -> { NetworkSpec.create Split blocks [ hidden; hidden ] [ Activation.tanh ] with Even = Activation.seagull }
        | other -> failwithf "unknown variant %s" other
    let spec = { spec with Precision = dtype }
    let n = 8000
    let x = Tensor.ofArray dtype [| n; 9 |] (Random.uniforms (Random.key 0) (n * 9) -1.0 1.0)
    let y = Tensor.vector dtype (Random.normals (Random.key 1) n)
    let mutable p = Network.init spec (Random.key 0)
    let options = { Train.defaults with Epochs = 1 }
    let epoch (i: int) =
        let r = Train.fitFrom spec { options with Seed = i } p x y None None ignore CancellationToken.None
        p <- r.Params
    epoch 0
    let times = ResizeArray<float>()
    let heaps = ResizeArray<int64>()
    for i in 1 .. reps do
        let clock = Stopwatch.StartNew()
        epoch i
        times.Add clock.Elapsed.TotalSeconds
        heaps.Add(GC.GetTotalMemory(true))
    let sorted = times |> Seq.sort |> Array.ofSeq
    let median = sorted.[sorted.Length / 2]
    let peak = Process.GetCurrentProcess().PeakWorkingSet64
    printfn "{\"variant\": \"%s\", \"hidden\": %d, \"precision\": \"%s\", \"median_s\": %.6f, \"min_s\": %.6f, \"max_s\": %.6f, \"reps\": %d, \"heap_after_epochs_mb\": [%s], \"peak_working_set_mb\": %.1f}"
        variant hidden (Dtype.name dtype) median sorted.[0] sorted.[sorted.Length - 1] reps
        (String.Join(", ", heaps |> Seq.map (fun h -> (float h / 1048576.0).ToString("F1"))))
        (float peak / 1048576.0)
    0
