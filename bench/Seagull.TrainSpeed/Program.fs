/// Seconds per training epoch of one network, the same protocol as the PyTorch reference's
/// bench_speed.py: 8000 points of 9 inputs uniform on [−1, 1], standard-normal targets, batch 128,
/// Adam 1e-3, one warm-up epoch then the median of `reps` epochs. Single-threaded (one network).
///
/// usage:
///   Seagull.TrainSpeed VARIANT HIDDEN PRECISION REPS [THREADS]  seconds per epoch (JSON line), under Threads.run THREADS (1)
///   Seagull.TrainSpeed memory VARIANT HIDDEN PRECISION EPOCHS   one uninterrupted fit of EPOCHS epochs (as a grid cell
///                                                               runs it); working set and GC heap after every epoch
///   Seagull.TrainSpeed profile VARIANT HIDDEN PRECISION EPOCHS  Stopwatch breakdown of a training step
/// VARIANT: plain | plain_seagull1 | struct_seagull
///
/// The Fashion-MNIST-sized MLP (784→256→128→10, batch 128, Adam 1e-3, float32, MSE on one-hot targets, 60000 rows:
/// the real training images when /usr/share/datasets/fashion-mnist has them, else uniform noise):
///   Seagull.TrainSpeed fashion VARIANT THREADS REPS             seconds per epoch under Threads.run THREADS (JSON line)
///   Seagull.TrainSpeed fashion-profile VARIANT THREADS EPOCHS   Stopwatch breakdown of its training step
///   Seagull.TrainSpeed products THREADS REPS [MINIMUM]          µs per product of the step's shapes (and H = 64's), 1 and THREADS
///                                                               threads (MINIMUM: multiply-adds per thread before a split)
/// VARIANT: mlp-relu (784→256 relu→128 relu→10) | symmetrized ((g(x) + g(flip x))/2, g = 784→256 seagull→128 tanh→10)
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

/// The CPU seconds the whole machine and this process have used (Linux: /proc/stat, 100 ticks a second);
/// their difference over an interval, divided by its wall time, is how many cores OTHER processes kept busy.
let cpuSample () =
    let busy =
        try
            let f = (IO.File.ReadLines "/proc/stat" |> Seq.head).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            // user nice system idle iowait irq softirq steal
            [ 1; 2; 3; 6; 7; 8 ] |> List.sumBy (fun i -> float f.[i]) |> fun t -> t / 100.0
        with _ -> nan
    busy, Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds

/// Cores other processes kept busy between two samples over `wall` seconds.
let othersBusy (b0: float, own0: float) (b1: float, own1: float) (wall: float) = max 0.0 ((b1 - b0) - (own1 - own0)) / wall
let list (xs: float seq) = String.Join(", ", xs |> Seq.map (fun v -> v.ToString("F1")))

/// Seconds per epoch: `reps` timed one-epoch fits after a warm-up epoch.
let speed (variant: string) (hidden: int) (dtype: Dtype) (reps: int) (threads: int) =
  Threads.run threads (fun () ->
    let spec = specOf variant hidden dtype
    let x, y = data dtype
    let mutable p = Network.init spec (Random.key 0)
    let options = { Train.defaults with Epochs = 1 }
    let epoch (i: int) =
        let r = Train.fit (Network.apply spec) Loss.mse p x y { options with Seed = i }
        p <- r.Params
    epoch 0
    let times = ResizeArray<float>()
    let c0 = cpuSample ()
    let all = Stopwatch.StartNew()
    for i in 1 .. reps do
        let clock = Stopwatch.StartNew()
        epoch i
        times.Add clock.Elapsed.TotalSeconds
    let others = othersBusy c0 (cpuSample ()) all.Elapsed.TotalSeconds
    let sorted = times |> Seq.sort |> Array.ofSeq
    let median = sorted.[sorted.Length / 2]
    let peak = Process.GetCurrentProcess().PeakWorkingSet64
    printfn "{\"variant\": \"%s\", \"hidden\": %d, \"precision\": \"%s\", \"median_s\": %.6f, \"min_s\": %.6f, \"max_s\": %.6f, \"reps\": %d, \"threads\": %d, \"other_processes_cores\": %.2f, \"peak_working_set_mb\": %.1f}"
        variant hidden (Dtype.name dtype) median sorted.[0] sorted.[sorted.Length - 1] reps threads others (mb peak))

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

/// The Fashion-MNIST training images (60000 × 784, scaled to [0, 1] then standardised by one scalar mean and
/// standard deviation, as the PyTorch reference does) and one-hot targets; uniform noise and random labels when
/// the data set is not installed.
let fashionData () =
    let dir = "/usr/share/datasets/fashion-mnist"
    let idx (name: string) =
        use file = IO.File.OpenRead(IO.Path.Combine(dir, name))
        use gz = new IO.Compression.GZipStream(file, IO.Compression.CompressionMode.Decompress)
        use ms = new IO.MemoryStream()
        gz.CopyTo ms
        let raw = ms.ToArray()
        let dims = int raw.[3]
        raw.[4 + 4 * dims ..]
    let n, d = 60000, 784
    let images, labels, source =
        if IO.File.Exists(IO.Path.Combine(dir, "train-images-idx3-ubyte.gz")) then
            idx "train-images-idx3-ubyte.gz", idx "train-labels-idx1-ubyte.gz", "fashion-mnist"
        else
            let u = Random.uniforms (Random.key 0) (n * d) 0.0 255.0
            Array.map byte u, Array.map (fun v -> byte (int v % 10)) (Random.uniforms (Random.key 1) n 0.0 10.0), "uniform noise"
    let scaled = Array.map (fun (b: byte) -> float32 b / 255.0f) images
    let mean = scaled |> Array.averageBy float
    let std = sqrt (scaled |> Array.averageBy (fun v -> (float v - mean) ** 2.0))
    let x = Array.map (fun (v: float32) -> float32 ((float v - mean) / std)) scaled
    let y = Array.zeroCreate<float32> (n * 10)
    for i in 0 .. n - 1 do y.[i * 10 + int labels.[i]] <- 1.0f
    let tensor shape data = Tensor.ofRaw (RawTensor.create shape (F32 data))
    tensor [| n; d |] x, tensor [| n; 10 |] y, source

let fashionSpec (variant: string) =
    let s = Symmetry.mirror LeftRight 28 28 1
    let options (acts: Activation list) = { Architectures.options [ 256; 128 ] acts with Outputs = 10; Precision = Float32 }
    match variant with
    | "mlp-relu" -> Architectures.mlp s (options [ Activation.relu; Activation.relu ])
    | "symmetrized" -> Architectures.symmetrized s (options [ Activation.seagull; Activation.tanh ])
    | "symmetrized-relu" -> Architectures.symmetrized s (options [ Activation.relu; Activation.relu ])
    | other -> failwithf "unknown fashion variant %s (mlp-relu, symmetrized, symmetrized-relu)" other

/// Seconds per epoch of the Fashion-MNIST-sized MLP: a warm-up fit of 50 steps, then `reps` one-epoch fits of
/// 469 steps each (Train.fit, a fresh Adam state each), all inside `Threads.run threads`; median, min and max.
let fashion (variant: string) (threads: int) (reps: int) =
    let spec = fashionSpec variant
    let x, y, source = fashionData ()
    let mutable p = Network.init spec (Random.key 0)
    let options = { Train.defaults with Epochs = 1 }
    Threads.run threads (fun () ->
        let warm = Array.init (50 * 128) id
        let r = Train.fit (Network.apply spec) Loss.mse p (Tensor.takeRows warm x) (Tensor.takeRows warm y) options
        p <- r.Params
        let times = ResizeArray<float>()
        let others = ResizeArray<float>()
        let allocated = ResizeArray<float>()
        for i in 1 .. reps do
            let a0 = GC.GetAllocatedBytesForCurrentThread()
            let c0 = cpuSample ()
            let r = Train.fit (Network.apply spec) Loss.mse p x y { options with Seed = i }
            others.Add(othersBusy c0 (cpuSample ()) r.Seconds)
            allocated.Add(float (GC.GetAllocatedBytesForCurrentThread() - a0) / float r.Steps)
            times.Add r.Seconds
            p <- r.Params
        let sorted = times |> Seq.sort |> Array.ofSeq
        let peak = Process.GetCurrentProcess().PeakWorkingSet64
        printfn "{\"variant\": \"%s\", \"threads\": %d, \"data\": \"%s\", \"median_s\": %.4f, \"min_s\": %.4f, \"max_s\": %.4f, \"reps\": %d, \"times\": [%s], \"other_processes_cores\": [%s], \"allocated_kb_per_step_on_this_thread\": %.1f, \"peak_working_set_mb\": %.1f}"
            variant threads source sorted.[sorted.Length / 2] sorted.[0] sorted.[sorted.Length - 1] reps
            (String.Join(", ", times |> Seq.map (fun t -> t.ToString("F3")))) (String.Join(", ", others |> Seq.map (fun t -> t.ToString("F2"))))
            (Seq.average allocated / 1024.0) (mb peak))

/// The training step of Train.fit taken apart (same calls, same order, inside a StepArena scope as the fit
/// loop runs it), with a Stopwatch around each part: batch gather (Tensor.takeRows), forward + backward
/// (Params.valueAndGrad of the MSE), Adam (Optimizer.stepReusing, as the fit loop calls it). A forward pass alone (Network.apply + loss, no
/// gradient; in its own arena) is timed on the same batch as an extra, outside the step total, to split
/// valueAndGrad into forward and backward. The first epoch is warm-up.
let profileOf (label: string) (spec: NetworkSpec) (x: Tensor) (y: Tensor) (epochs: int) =
    let n = x.Shape.[0]
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
    printfn "{%s, \"steps\": %d, \"step_us\": %.1f, \"gather_us\": %.1f, \"value_and_grad_us\": %.1f, \"forward_only_us\": %.1f, \"backward_est_us\": %.1f, \"adam_us\": %.1f, \"epoch_s_from_steps\": %.5f}"
        label steps (us total) (us gather) (us valueGrad) (us forward) (us (valueGrad - forward)) (us adam)
        (total / float epochs)

let profile (variant: string) (hidden: int) (dtype: Dtype) (epochs: int) =
    let x, y = data dtype
    profileOf $"\"variant\": \"{variant}\", \"hidden\": {hidden}, \"precision\": \"{Dtype.name dtype}\"" (specOf variant hidden dtype) x y epochs

/// The profile of the Fashion-MNIST-sized MLP's step under `Threads.run threads`, on the first 12800 rows.
let fashionProfile (variant: string) (threads: int) (epochs: int) =
    let x, y, source = fashionData ()
    let rows = Array.init 12800 id
    Threads.run threads (fun () ->
        profileOf $"\"variant\": \"{variant}\", \"threads\": {threads}, \"data\": \"{source}\"" (fashionSpec variant)
            (Tensor.takeRows rows x) (Tensor.takeRows rows y) epochs)

/// µs per call of MatMul at the shapes of a training step (mode 0: A·B, 1: Aᵀ·B, 2: A·Bᵀ), float32, on 1 thread and
/// under `Threads.run threads`; the median of `reps` blocks of calls worth ~2 ms each, and the bytes the calling
/// thread allocates per call.
let products (threads: int) (reps: int) (minimum: int64 option) =
    minimum |> Option.iter (fun v -> Kernels.MatMul.perThreadMinimum <- v)
    let shapes =
        [ "784-256-128-10 forward 1", 0, 128, 784, 256
          "784-256-128-10 forward 2", 0, 128, 256, 128
          "784-256-128-10 forward 3", 0, 128, 128, 10
          "784-256-128-10 input grad 3", 2, 128, 10, 128
          "784-256-128-10 input grad 2", 2, 128, 128, 256
          "784-256-128-10 weight grad 3", 1, 128, 128, 10
          "784-256-128-10 weight grad 2", 1, 256, 128, 128
          "784-256-128-10 weight grad 1", 1, 784, 128, 256
          "H=64 forward 2", 0, 128, 64, 64
          "H=64 weight grad 2", 1, 64, 128, 64
          "H=64 input grad 2", 2, 128, 64, 64
          "H=64 first layer", 0, 128, 9, 64
          "sweep", 0, 128, 32, 32
          "sweep", 0, 128, 64, 32
          "sweep", 0, 128, 96, 64
          "sweep", 0, 128, 96, 96
          "sweep", 0, 128, 128, 64
          "sweep", 0, 128, 128, 96
          "sweep", 0, 128, 128, 128
          "sweep", 1, 128, 128, 128
          "sweep", 2, 128, 128, 128
          "sweep", 0, 128, 192, 128
          "H=256 hidden", 0, 128, 256, 256 ]
    let draw count = Array.map float32 (Random.uniforms (Random.key count) count -1.0 1.0)
    printfn "| product | mode | m×k×n | multiply-adds | 1 thread µs | %d threads µs | speed-up | bytes allocated per call (%d threads) |" threads threads
    printfn "|---|---|---|---:|---:|---:|---:|---:|"
    for name, mode, m, k, n in shapes do
        let a, b, c = draw (m * k), draw (k * n), Array.zeroCreate<float32> (m * n)
        let call () =
            match mode with
            | 1 -> Kernels.MatMul.multiplyTransposeA m k n a b c false
            | 2 -> Kernels.MatMul.multiplyTransposeB m k n a b c false
            | _ -> Kernels.MatMul.multiply m k n a b c false
        let macs = int64 m * int64 k * int64 n
        let calls = int (max 20L (2_000_000_000L / 50L / max 1L macs))
        let time t =
            Threads.run t (fun () ->
                for _ in 1 .. calls do call ()
                let blocks =
                    Array.init reps (fun _ ->
                        let t0 = Stopwatch.GetTimestamp()
                        for _ in 1 .. calls do call ()
                        float (Stopwatch.GetTimestamp() - t0) / float Stopwatch.Frequency * 1e6 / float calls)
                let a0 = GC.GetAllocatedBytesForCurrentThread()
                for _ in 1 .. calls do call ()
                let bytes = float (GC.GetAllocatedBytesForCurrentThread() - a0) / float calls
                Array.sortInPlace blocks
                blocks.[reps / 2], bytes)
        let t1, _ = time 1
        let tn, bytes = time threads
        printfn "| %s | %d | %d×%d×%d | %d | %.2f | %.2f | %.2f | %.0f |" name mode m k n macs t1 tn (t1 / tn) bytes

[<EntryPoint>]
let main argv =
    let arg i fallback = if argv.Length > i then argv.[i] else fallback
    // for measuring the split threshold: multiply-adds per thread before a product is shared
    match Environment.GetEnvironmentVariable "SEAGULL_PER_THREAD_MINIMUM" with
    | null | "" -> ()
    | v -> Kernels.MatMul.perThreadMinimum <- int64 v
    match arg 0 "plain" with
    | "memory" -> memory (arg 1 "plain") (int (arg 2 "64")) (Dtype.parse (arg 3 "float32")) (int (arg 4 "30"))
    | "profile" -> profile (arg 1 "plain") (int (arg 2 "64")) (Dtype.parse (arg 3 "float32")) (int (arg 4 "5"))
    | "fashion" -> fashion (arg 1 "mlp-relu") (int (arg 2 "1")) (int (arg 3 "5"))
    | "fashion-profile" -> fashionProfile (arg 1 "mlp-relu") (int (arg 2 "1")) (int (arg 3 "3"))
    | "products" -> products (int (arg 1 "2")) (int (arg 2 "9")) (if argv.Length > 3 then Some (int64 argv.[3]) else None)
    | variant -> speed variant (int (arg 1 "64")) (Dtype.parse (arg 2 "float32")) (int (arg 3 "9")) (int (arg 4 "1"))
    0
