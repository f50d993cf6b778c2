namespace Seagull.Core

open System

/// Affine standardisation of inputs and target, fitted on training data and stored with a model:
/// x' = (x − InputMean) / InputScale column by column, y' = (y − TargetMean) / TargetScale.
/// It is swap-equivariant: column j of u and column j of v share one mean and one scale, so
/// standardising commutes exactly (bit for bit) with exchanging u and v, and an exactly invariant
/// network stays exactly invariant on raw inputs.
///
/// Example: `{ InputMean = [| 0.0; 0.0 |]; InputScale = [| 2.0; 2.0 |]; TargetMean = 1.0; TargetScale = 0.5 }`.
type Standardization =
    { /// Mean subtracted from each input column (length 2D + K; u and v entries equal pairwise).
      InputMean: float[]
      /// Positive scale dividing each input column (length 2D + K; u and v entries equal pairwise).
      InputScale: float[]
      /// Mean subtracted from the target.
      TargetMean: float
      /// Positive scale dividing the target.
      TargetScale: float }

/// Fitting and applying a `Standardization`.
module Standardization =
    // Values seen through a summing pass (`sumOf f` sums f(value) over them): all within 64 units in the last
    // place of the largest magnitude, i.e. one constant up to rounding (0.1 + 0.2 next to 0.3; a reading
    // 293.15 once written as 293.15000000000003). Decided on the values' range, not on the computed spread,
    // which a running sum's rounding makes hundreds of ulps wide.
    let private withinRoundingBy (sumOf: (float -> float) -> float) =
        let mutable lo = infinity
        let mutable hi = -infinity
        sumOf (fun x -> lo <- min lo x; hi <- max hi x; 0.0) |> ignore
        let big = max (abs lo) (abs hi)
        // The gap to the next double; at the largest finite value the next one is ∞, so the gap below it.
        let ulp = if big = Double.MaxValue then big - Math.BitDecrement big else Math.BitIncrement big - big
        hi - lo <= 64.0 * ulp

    /// True when every value is within 64 units in the last place of the largest magnitude: a constant up
    /// to rounding, which standardisation leaves unscaled. Example: `isConstantUpToRounding [| 0.3; 0.1 + 0.2 |] = true`.
    let isConstantUpToRounding (values: float[]) : bool =
        withinRoundingBy (fun f -> Array.fold (fun acc x -> acc + f x) 0.0 values)

    /// The standardisation that changes nothing (means 0, scales 1).
    /// Example: `Standardization.identity { D = 3; K = 3 }` has nine means 0 and nine scales 1.
    let identity (blocks: Blocks) : Standardization =
        let width = Blocks.inputWidth (Blocks.validate blocks)
        { InputMean = Array.zeroCreate width; InputScale = Array.create width 1.0; TargetMean = 0.0; TargetScale = 1.0 }

    /// Checks that `s` fits `blocks` (lengths, finite means, positive finite scales, u and v entries
    /// pooled); returns it, or raises `SeagullException` (for example for a corrupt model file).
    /// Example: `Standardization.validate blocks s |> ignore`.
    let validate (blocks: Blocks) (s: Standardization) : Standardization =
        let width = Blocks.inputWidth (Blocks.validate blocks)
        if s.InputMean.Length <> width || s.InputScale.Length <> width then
            Fail.with' $"standardisation: {s.InputMean.Length} means and {s.InputScale.Length} scales for {width} input columns"
        let good m sc = Double.IsFinite m && Double.IsFinite sc && sc > 0.0
        for j in 0 .. width - 1 do
            if not (good s.InputMean.[j] s.InputScale.[j]) then
                Fail.with' $"standardisation: input column {j} has mean {s.InputMean.[j]} and scale {s.InputScale.[j]}; need a finite mean and a positive scale"
            let p = Blocks.swapColumn blocks j
            if s.InputMean.[j] <> s.InputMean.[p] || s.InputScale.[j] <> s.InputScale.[p] then
                Fail.with' $"standardisation: input columns {j} and {p} (u and v) must share one mean and one scale"
        if not (good s.TargetMean s.TargetScale) then
            Fail.with' $"standardisation: the target has mean {s.TargetMean} and scale {s.TargetScale}; need a finite mean and a positive scale"
        s

    // Mean and population standard deviation of `count` values that `sumOf f` sums as f(value)
    // (row by row, from row 0). Values near the top of the float range overflow the sums, and squares of
    // values near the bottom underflow; then the same sums run on values divided by the largest magnitude,
    // so any finite data get a finite scale of their own size.
    let private moments (count: float) (sumOf: (float -> float) -> float) =
        let m = sumOf id / count
        let squares = sumOf (fun x -> (x - m) * (x - m)) / count
        let finite = Double.IsFinite m && Double.IsFinite squares
        // The range pass only when needed (the spread small next to the mean, where rounding could be all of
        // it, or no usable spread at all), and at most once.
        let within = lazy (withinRoundingBy sumOf)
        let tiny = sqrt squares <= 1e-6 * abs m
        if finite && squares > 1e-200 && not (tiny && within.Value) then
            if tiny then
                // A spread a millionth of the mean: the running sum's rounding of the mean (up to n ulps) is of the
                // spread's size. One correction pass over x − m (exact for values this close to m) fixes the mean.
                let refined = m + sumOf (fun x -> x - m) / count
                refined, sqrt (sumOf (fun x -> (x - refined) * (x - refined)) / count)
            else m, sqrt squares
        elif finite && within.Value then m, 1.0
        else
            let mutable c = 0.0
            sumOf (fun x -> c <- max c (abs x); 0.0) |> ignore
            let mc = sumOf (fun x -> x / c) / count
            let sc = sumOf (fun x -> let d = x / c - mc in d * d) / count
            let scale = c * sqrt sc
            mc * c, (if Double.IsFinite scale && scale > 0.0 && not within.Value then scale else 1.0)

    /// Fits on `ds` (use the training part only). Column j of u and column j of v are pooled: one mean
    /// and one population standard deviation over both columns; w columns and the target get their own.
    /// The sums run over rows of (u_j + v_j), so `fit (Dataset.swap ds) = fit ds` exactly.
    /// Example: `let s = Standardization.fit train`.
    let fit (ds: Dataset) : Standardization =
        if ds.Rows < 1 then Fail.with' "standardisation: cannot fit on a data set with no rows"
        let b = ds.Blocks
        let width = Blocks.inputWidth b
        let n = float ds.Rows
        let mean = Array.zeroCreate width
        let scale = Array.zeroCreate width
        let col i j = ds.X.[i * width + j]
        for j in 0 .. b.D - 1 do
            // u_j and v_j pooled, each row's pair added first: the sums are symmetric in u and v.
            let pooled (f: float -> float) =
                let mutable sum = 0.0
                for i in 0 .. ds.Rows - 1 do
                    sum <- sum + (f (col i j) + f (col i (j + b.D)))
                sum
            let m, sc = moments (2.0 * n) pooled
            mean.[j] <- m
            mean.[j + b.D] <- m
            scale.[j] <- sc
            scale.[j + b.D] <- sc
        let column (value: int -> float) (f: float -> float) =
            let mutable sum = 0.0
            for i in 0 .. ds.Rows - 1 do
                sum <- sum + f (value i)
            sum
        for j in 2 * b.D .. width - 1 do
            let m, sc = moments n (column (fun i -> col i j))
            mean.[j] <- m
            scale.[j] <- sc
        let ym, ys = moments n (column (fun i -> ds.Y.[i]))
        { InputMean = mean; InputScale = scale; TargetMean = ym; TargetScale = ys }

    /// Maps each value of row-major rows with its column index (row and column loops: no division per value).
    let inline private byColumn (width: int) ([<InlineIfLambda>] f: int -> float -> float) (x: float[]) : float[] =
        let out = Array.zeroCreate<float> x.Length
        let mutable i = 0
        while i < x.Length do
            for j in 0 .. width - 1 do
                out.[i + j] <- f j x.[i + j]
            i <- i + width
        out

    /// Standardises row-major inputs (whole rows of 2D + K columns).
    /// Example: `Standardization.applyInputs s ds.Blocks ds.X`.
    let applyInputs (s: Standardization) (blocks: Blocks) (x: float[]) : float[] =
        let width = Blocks.inputWidth blocks
        if s.InputMean.Length <> width then
            Fail.with' $"standardisation: fitted for {s.InputMean.Length} input columns, the data have {width}"
        if x.Length % width <> 0 then
            Fail.with' $"standardisation: {x.Length} input values are not whole rows of {width} columns"
        byColumn width (fun j v -> (v - s.InputMean.[j]) / s.InputScale.[j]) x

    /// Maps standardised inputs back to raw units (the inverse of `applyInputs`, up to rounding).
    /// Example: `Standardization.invertInputs s blocks (Standardization.applyInputs s blocks x)` ≈ x.
    let invertInputs (s: Standardization) (blocks: Blocks) (x: float[]) : float[] =
        let width = Blocks.inputWidth blocks
        if s.InputMean.Length <> width || x.Length % width <> 0 then
            Fail.with' $"standardisation: inputs do not fit {s.InputMean.Length} columns"
        byColumn width (fun j v -> v * s.InputScale.[j] + s.InputMean.[j]) x

    /// Standardises targets. Example: `Standardization.applyTarget s ds.Y`.
    let applyTarget (s: Standardization) (y: float[]) : float[] =
        y |> Array.map (fun v -> (v - s.TargetMean) / s.TargetScale)

    /// Maps standardised predictions back to target units.
    /// Example: `Standardization.invertTarget s (Network.apply ...)` gives predictions of y.
    let invertTarget (s: Standardization) (y: float[]) : float[] =
        y |> Array.map (fun v -> v * s.TargetScale + s.TargetMean)

    /// Standardises a whole data set (inputs and target); names and blocks are kept.
    /// Example: `let s = Standardization.fit train in Standardization.apply s test`.
    let apply (s: Standardization) (ds: Dataset) : Dataset =
        { ds with X = applyInputs s ds.Blocks ds.X; Y = applyTarget s ds.Y }
