namespace Seagull.Core

open System

/// Affine standardisation of inputs and targets, fitted on training data and stored with a model:
/// x' = (x − InputMean) / InputScale and y' = (y − TargetMean) / TargetScale, column by column.
/// It is swap-equivariant: a column and the one the swap exchanges it with share one mean and one scale, so
/// standardising commutes exactly (bit for bit) with the swap, and an exactly invariant network stays
/// exactly invariant on raw inputs.
///
/// Example: `{ InputMean = [| 0.0; 0.0 |]; InputScale = [| 2.0; 2.0 |]; TargetMean = [| 1.0 |]; TargetScale = [| 0.5 |] }`.
type Standardization =
    { /// Mean subtracted from each input column (u and v entries equal pairwise).
      InputMean: float[]
      /// Positive scale dividing each input column (u and v entries equal pairwise).
      InputScale: float[]
      /// Mean subtracted from each target column.
      TargetMean: float[]
      /// Positive scale dividing each target column.
      TargetScale: float[] }

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
    /// Example: `Standardization.identity (Symmetry.blocks 3 3) 1` has nine means 0 and nine scales 1.
    let identity (symmetry: Symmetry) (targets: int) : Standardization =
        let width = symmetry.Width
        { InputMean = Array.zeroCreate width; InputScale = Array.create width 1.0
          TargetMean = Array.zeroCreate targets; TargetScale = Array.create targets 1.0 }

    /// Checks that `s` fits the symmetry and the number of targets (lengths, finite means, positive finite
    /// scales, swapped columns sharing theirs); returns it, or raises `SeagullException` (a corrupt model file).
    /// Example: `Standardization.validate symmetry 1 s |> ignore`.
    let validate (symmetry: Symmetry) (targets: int) (s: Standardization) : Standardization =
        let width = symmetry.Width
        if s.InputMean.Length <> width || s.InputScale.Length <> width then
            Fail.with' $"standardisation: {s.InputMean.Length} means and {s.InputScale.Length} scales for {width} input columns"
        let good m sc = Double.IsFinite m && Double.IsFinite sc && sc > 0.0
        for j in 0 .. width - 1 do
            if not (good s.InputMean.[j] s.InputScale.[j]) then
                Fail.with' $"standardisation: input column {j} has mean {s.InputMean.[j]} and scale {s.InputScale.[j]}; need a finite mean and a positive scale"
            let p = Symmetry.swapColumn symmetry j
            if s.InputMean.[j] <> s.InputMean.[p] || s.InputScale.[j] <> s.InputScale.[p] then
                Fail.with' $"standardisation: input columns {j} and {p} (swapped by the symmetry) must share one mean and one scale"
        if s.TargetMean.Length <> targets || s.TargetScale.Length <> targets then
            Fail.with' $"standardisation: {s.TargetMean.Length} means and {s.TargetScale.Length} scales for {targets} target columns"
        for j in 0 .. targets - 1 do
            if not (good s.TargetMean.[j] s.TargetScale.[j]) then
                Fail.with' $"standardisation: target column {j} has mean {s.TargetMean.[j]} and scale {s.TargetScale.[j]}; need a finite mean and a positive scale"
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

    /// Fits on `ds` (use the training part only). A column and the one the swap exchanges it with (column j of
    /// u and column j of v) are pooled: one mean and one population standard deviation over both; the columns
    /// the swap fixes and each target column get their own. The sums run over rows of (u_j + v_j), so
    /// `fit (Dataset.swap ds) = fit ds` exactly.
    /// Example: `let s = Standardization.fit train`.
    let fit (ds: Dataset) : Standardization =
        if ds.Rows < 1 then Fail.with' "standardisation: cannot fit on a data set with no rows"
        let symmetry = ds.Symmetry
        let width = symmetry.Width
        let n = float ds.Rows
        let mean = Array.zeroCreate width
        let scale = Array.zeroCreate width
        let col i j = ds.X.[i * width + j]
        for a, b in Array.zip symmetry.UColumns symmetry.VColumns do
            // u_j and v_j pooled, each row's pair added first: the sums are symmetric in u and v.
            let pooled (f: float -> float) =
                let mutable sum = 0.0
                for i in 0 .. ds.Rows - 1 do
                    sum <- sum + (f (col i a) + f (col i b))
                sum
            let m, sc = moments (2.0 * n) pooled
            mean.[a] <- m
            mean.[b] <- m
            scale.[a] <- sc
            scale.[b] <- sc
        let column (value: int -> float) (f: float -> float) =
            let mutable sum = 0.0
            for i in 0 .. ds.Rows - 1 do
                sum <- sum + f (value i)
            sum
        for j in symmetry.WColumns do
            let m, sc = moments n (column (fun i -> col i j))
            mean.[j] <- m
            scale.[j] <- sc
        let outputs = Dataset.targets ds
        let targetMoments = Array.init outputs (fun t -> moments n (column (fun i -> ds.Y.[i * outputs + t])))
        { InputMean = mean; InputScale = scale; TargetMean = Array.map fst targetMoments; TargetScale = Array.map snd targetMoments }

    /// Maps each value of row-major rows with its column index (row and column loops: no division per value).
    let inline private byColumn (width: int) ([<InlineIfLambda>] f: int -> float -> float) (x: float[]) : float[] =
        let out = Array.zeroCreate<float> x.Length
        let mutable i = 0
        while i < x.Length do
            for j in 0 .. width - 1 do
                out.[i + j] <- f j x.[i + j]
            i <- i + width
        out

    // (v − mean) / scale and its inverse v · scale + mean, column by column over whole rows.
    let private standardise (what: string) (mean: float[]) (scale: float[]) (values: float[]) =
        if values.Length % mean.Length <> 0 then
            Fail.with' $"standardisation: {values.Length} {what} values are not whole rows of {mean.Length} columns"
        byColumn mean.Length (fun j v -> (v - mean.[j]) / scale.[j]) values

    let private restore (what: string) (mean: float[]) (scale: float[]) (values: float[]) =
        if values.Length % mean.Length <> 0 then
            Fail.with' $"standardisation: {values.Length} {what} values are not whole rows of {mean.Length} columns"
        byColumn mean.Length (fun j v -> v * scale.[j] + mean.[j]) values

    /// Standardises row-major inputs (whole rows of the fitted width).
    /// Example: `Standardization.applyInputs s ds.X`.
    let applyInputs (s: Standardization) (x: float[]) : float[] = standardise "input" s.InputMean s.InputScale x

    /// Maps standardised inputs back to raw units (the inverse of `applyInputs`, up to rounding).
    /// Example: `Standardization.invertInputs s (Standardization.applyInputs s x)` ≈ x.
    let invertInputs (s: Standardization) (x: float[]) : float[] = restore "input" s.InputMean s.InputScale x

    /// Standardises row-major targets (whole rows of the fitted target columns). Example: `Standardization.applyTargets s ds.Y`.
    let applyTargets (s: Standardization) (y: float[]) : float[] = standardise "target" s.TargetMean s.TargetScale y

    /// Maps standardised row-major predictions back to target units.
    /// Example: `Standardization.invertTargets s standardisedPredictions`.
    let invertTargets (s: Standardization) (y: float[]) : float[] = restore "target" s.TargetMean s.TargetScale y

    /// Standardises a whole data set (inputs and targets); names and symmetry are kept.
    /// Example: `let s = Standardization.fit train in Standardization.apply s test`.
    let apply (s: Standardization) (ds: Dataset) : Dataset =
        { ds with X = applyInputs s ds.X; Y = applyTargets s ds.Y }
