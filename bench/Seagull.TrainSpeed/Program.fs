/// Seconds per training epoch of one network, the same protocol as the PyTorch reference's
/// bench_speed.py: 8000 points of 9 inputs uniform on [−1, 1], standard-normal targets, batch 128,
/// Adam 1e-3, one warm-up epoch then the median of `reps` epochs. Single-threaded (one network).
///
/// usage:
///   Seagull.TrainSpeed VARIANT HIDDEN PRECISION REPS            seconds per epoch (JSON line)
///   Seagull.TrainSpeed memory VARIANT HIDDEN PRECISION EPOCHS   one uninterrupted fit of EPOCHS epochs (as a grid cell
///                                                               runs it); working set and GC heap after every epoch
///   Seagull.TrainSpeed profile VARIANT HIDDEN PRECISION EPOCHS  Stopwatch breakdown of a training step
/// VARIANT: plain | plain_seagull1 | struct_seagull
open System
open System.Diagnostics
open Seagull.Core

let specOf (variant: string) (hidden: int) (dtype: Dtype) =
    let symmetry = Symmetry.blocks 3 3
    let options (acts: Activation list) = { Architectures.options [ hidden; hidden ] acts with Even = Activation.seagull; Precision = dtype }
    match variant with
    | "plain" -> Architectures.mlp symmetry (options [ Activation.tanh ])
    | "plain_seagull1" -> Architectures.mlp symmetry (options [ Activation.seagull; Activation.tanh ])
    | "struct_seagull" -> Architectures.split symmetry (options [ Activation.tanh ])
    | other -> failwithf "unknown variant %s" other

let data (dtype: Dtype) =
    let n = 8000
    let x = Tensor.ofArray dtype [| n; 9 |] (Random.uniforms (Random.key 0) (n * 9) -1.0 1.0)
    let y = Tensor.ofArray dtype [| n; 1 |] (Random.normals (Random.key 1) n)
    x, y

let mb (bytes: int64) = float bytes / 1048576.0
let list (xs: float seq) = String.Join(", ", xs |> Seq.map (fun v -> v.ToString("F1")))

/// Seconds per epoch: `reps` timed one-epoch fits after a warm-up epoch.
let speed (variant: string) (hidden: int) (dtype: Dtype) (reps: int) =
    let spec = specOf variant hidden dtype
    let x, y = data dtype
    let mutable p = Network.init spec (Random.key 0)
    let options = { Train.defaults with Epochs = 1 }
    let epoch (i: int) =
        let r = Train.fit (Network.apply spec) Loss.mse p x y { options with Seed = i }
        p <- r.Params
    epoch 0
    let times = ResizeArray<float>()
    for i in 1 .. reps do
        let clock = Stopwatch.StartNew()
        epoch i
        times.Add clock.Elapsed.TotalSeconds
    let sorted = times |> Seq.sort |> Array.ofSeq
    let median = sorted.[sorted.Length / 2]
    let peak = Process.GetCurrentProcess().PeakWorkingSet64
    printfn "{\"variant\": \"%s\", \"hidden\": %d, \"precision\": \"%s\", \"median_s\": %.6f, \"min_s\": %.6f, \"max_s\": %.6f, \"reps\": %d, \"peak_working_set_mb\": %.1f}"
        variant hidden (Dtype.name dtype) median sorted.[0] sorted.[sorted.Length - 1] reps (mb peak)

/// One fit of `epochs` epochs through Train.fit (one optimizer state, as a grid cell trains); after every
/// epoch (in the progress callback, without forcing a collection): the process working set, the GC's committed
/// bytes and heap size of the last collection, and the bytes allocated so far. Then a forced full collection.
let memory (variant: string) (hidden: int) (dtype: Dtype) (epochs: int) =
    let spec = specOf variant hidden dtype
    let x, y = data dtype
    let p = Network.init spec (Random.key 0)
    let proc = Process.GetCurrentProcess()
    let ws = ResizeArray<float>()
    let committed = ResizeArray<float>()
    let heap = ResizeArray<float>()
    let seconds = ResizeArray<float>()
    let allocated0 = GC.GetTotalAllocatedBytes(true)
    let gen0 = GC.CollectionCount 0
    let gen2 = GC.CollectionCount 2
    let clock = Stopwatch.StartNew()
    let mutable last = 0.0
    let progress (_: EpochReport) =
        let now = clock.Elapsed.TotalSeconds
        seconds.Add(now - last)
        last <- now
        proc.Refresh()
        ws.Add(mb proc.WorkingSet64)
        let info = GC.GetGCMemoryInfo()
        committed.Add(mb info.TotalCommittedBytes)
        heap.Add(mb info.HeapSizeBytes)
    let r = Train.fit (Network.apply spec) Loss.mse p x y { Train.defaults with Epochs = epochs; Progress = progress }
    let allocated = GC.GetTotalAllocatedBytes(true) - allocated0
    let gen0s = GC.CollectionCount 0 - gen0
    let gen2s = GC.CollectionCount 2 - gen2
    let live = GC.GetTotalMemory(true)
    proc.Refresh()
    let k = min 10 (ws.Count / 2)
    let mean (xs: ResizeArray<float>) (from: int) = Seq.average (Seq.skip from xs |> Seq.take k)
    let sorted = seconds |> Seq.sort |> Array.ofSeq
    printfn "{\"variant\": \"%s\", \"hidden\": %d, \"precision\": \"%s\", \"epochs\": %d, \"steps\": %d, \"median_epoch_s\": %.6f,"
        variant hidden (Dtype.name dtype) r.EpochsRun r.Steps sorted.[sorted.Length / 2]
    printfn "  \"working_set_mb\": [%s]," (list ws)
    printfn "  \"gc_committed_mb\": [%s]," (list committed)
    printfn "  \"gc_heap_after_last_gc_mb\": [%s]," (list heap)
    printfn "  \"working_set_first%d_mean_mb\": %.1f, \"working_set_last%d_mean_mb\": %.1f, \"working_set_max_mb\": %.1f, \"peak_working_set_mb\": %.1f,"
        k (mean ws 0) k (mean ws (ws.Count - k)) (Seq.max ws) (mb proc.PeakWorkingSet64)
    printfn "  \"gc_committed_first%d_mean_mb\": %.1f, \"gc_committed_last%d_mean_mb\": %.1f, \"gc_committed_max_mb\": %.1f,"
        k (mean committed 0) k (mean committed (committed.Count - k)) (Seq.max committed)
    printfn "  \"allocated_mb_total\": %.1f, \"allocated_kb_per_step\": %.1f, \"gen0_collections\": %d, \"gen2_collections\": %d, \"live_heap_after_full_gc_mb\": %.2f}"
        (mb allocated) (float allocated / 1024.0 / float r.Steps) gen0s gen2s (mb live)

/// The training step of Train.fit taken apart (same calls, same order, inside a StepArena scope as the fit
/// loop runs it), with a Stopwatch around each part: batch gather (Tensor.takeRows), forward + backward
/// (Params.valueAndGrad of the MSE), Adam (Optimizer.stepReusing, as the fit loop calls it). A forward pass alone (Network.apply + loss, no
/// gradient; in its own arena) is timed on the same batch as an extra, outside the step total, to split
/// valueAndGrad into forward and backward. The first epoch is warm-up.
let profile (variant: string) (hidden: int) (dtype: Dtype) (epochs: int) =
    let spec = specOf variant hidden dtype
    let x, y = data dtype
    let n = 8000
    let mutable p = Network.init spec (Random.key 0)
    let mutable state = Optimizer.init p
    let mutable spareState: OptimizerState option = None
    let mutable spareParams: Params option = None
    let opt = Train.defaults.Optimizer
    let arena = Kernels.StepArena()
    let forwardArena = Kernels.StepArena()
    let tick () = Stopwatch.GetTimestamp()
    let secs (a: int64) (b: int64) = float (b - a) / float Stopwatch.Frequency
    let mutable gather, forward, valueGrad, adam, total, steps = 0.0, 0.0, 0.0, 0.0, 0.0, 0
    let key = Random.key 0
    for epoch in 0 .. epochs do
        let order = Random.permutation (Random.fold key epoch) n
        let mutable start = 0
        while start < n do
            let count = min 128 (n - start)
            let idx = Array.sub order start count
            let t0, t1, t2, t3, value, s, q =
                arena.Scope(fun () ->
                    let t0 = tick ()
                    let xb = Tensor.takeRows idx x
                    let yb = Tensor.takeRows idx y
                    let t1 = tick ()
                    let value, g = Params.valueAndGrad (fun q -> Loss.mse (Network.apply spec q xb) yb) p
                    let t2 = tick ()
                    let s, q = Optimizer.stepReusing spareState spareParams opt state p g
                    let t3 = tick ()
                    t0, t1, t2, t3, value, s, q)
            // As the fit loop: the arrays of the step before the last take the next step's results.
            spareState <- Some state
            spareParams <- if epoch = 0 && start = 0 then None else Some p
            state <- s
            p <- q
            let fwd, f0, f1 =
                forwardArena.Scope(fun () ->
                    let xb = Tensor.takeRows idx x
                    let yb = Tensor.takeRows idx y
                    let f0 = tick ()
                    let fwd = Tensor.toScalar (Loss.mse (Network.apply spec p xb) yb)
                    fwd, f0, tick ())
            if not (Double.IsFinite value && Double.IsFinite fwd) then failwith "diverged"
            if epoch > 0 then
                gather <- gather + secs t0 t1
                valueGrad <- valueGrad + secs t1 t2
                adam <- adam + secs t2 t3
                total <- total + secs t0 t3
                forward <- forward + secs f0 f1
                steps <- steps + 1
            start <- start + count
    let us v = 1e6 * v / float steps
    printfn "{\"variant\": \"%s\", \"hidden\": %d, \"precision\": \"%s\", \"steps\": %d, \"step_us\": %.1f, \"gather_us\": %.1f, \"value_and_grad_us\": %.1f, \"forward_only_us\": %.1f, \"backward_est_us\": %.1f, \"adam_us\": %.1f, \"epoch_s_from_steps\": %.5f}"
        variant hidden (Dtype.name dtype) steps (us total) (us gather) (us valueGrad) (us forward) (us (valueGrad - forward)) (us adam)
        (total / float epochs)

[<EntryPoint>]
let main argv =
    let arg i fallback = if argv.Length > i then argv.[i] else fallback
    match arg 0 "plain" with
    | "memory" -> memory (arg 1 "plain") (int (arg 2 "64")) (Dtype.parse (arg 3 "float32")) (int (arg 4 "30"))
    | "profile" -> profile (arg 1 "plain") (int (arg 2 "64")) (Dtype.parse (arg 3 "float32")) (int (arg 4 "5"))
    | variant -> speed variant (int (arg 1 "64")) (Dtype.parse (arg 2 "float32")) (int (arg 3 "9"))
    0
