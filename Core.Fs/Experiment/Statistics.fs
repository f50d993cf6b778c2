namespace Seagull.Core

open System

/// Statistics for comparing variants over seeds: mean, sample standard deviation, wins and log-ratios
/// paired by seed, and a percentile bootstrap interval of a mean.
///
/// Every function refuses NaN and infinite inputs with a `SeagullException`: a diverged run must be
/// reported as an error, never averaged into a number.
///
/// Example: `Statistics.mean [| 1.0; 2.0; 3.0 |] = 2.0`, `Statistics.std [| 1.0; 2.0; 3.0 |] = 1.0`.
module Statistics =
    /// The smallest MSE used when taking logarithms: an MSE below it (including an exact 0) is
    /// clamped up to 1e-12 before `log`, so that a perfect fit gives a large finite log-ratio instead
    /// of −∞. Standardised test MSEs of real models are many orders of magnitude above it.
    ///
    /// Example: `Statistics.clampMse 0.0 = Statistics.mseFloor`.
    [<Literal>]
    let mseFloor = 1e-12

    /// An MSE clamped up to `mseFloor` (see there).
    ///
    /// Example: `Statistics.clampMse 0.5 = 0.5`.
    let clampMse (mse: float) : float = max mse mseFloor

    let private check (what: string) (values: float[]) =
        if isNull values then Fail.with' $"{what}: no values (null array)"
        for i in 0 .. values.Length - 1 do
            let v = values.[i]
            if Double.IsNaN v then Fail.with' $"{what}: value {i} is NaN (a diverged or failed run?)"
            if Double.IsInfinity v then Fail.with' $"{what}: value {i} is infinite (a diverged run?)"

    let private checkNonEmpty (what: string) (values: float[]) =
        check what values
        if values.Length = 0 then Fail.with' $"{what}: no values"

    /// The arithmetic mean. Raises `SeagullException` for an empty array or a NaN/infinite value.
    ///
    /// Example: `Statistics.mean [| 1.0; 2.0; 6.0 |] = 3.0`.
    let mean (values: float[]) : float =
        checkNonEmpty "mean" values
        Array.sum values / float values.Length

    /// The sample standard deviation (divisor n − 1); 0 for a single value. Raises
    /// `SeagullException` for an empty array or a NaN/infinite value.
    ///
    /// Example: `Statistics.std [| 2.0; 4.0; 4.0; 4.0; 5.0; 5.0; 7.0; 9.0 |] = sqrt (32.0 / 7.0)`.
    let std (values: float[]) : float =
        checkNonEmpty "std" values
        if values.Length = 1 then
            0.0
        else
            let m = Array.sum values / float values.Length
            let ss = values |> Array.sumBy (fun v -> (v - m) * (v - m))
            sqrt (ss / float (values.Length - 1))

    let private bySeed (what: string) (values: (int * float) seq) : Map<int, float> =
        if isNull (box values) then Fail.with' $"{what}: no values (null)"
        values
        |> Seq.fold
            (fun (m: Map<int, float>) (seed, v) ->
                if Double.IsNaN v || Double.IsInfinity v then
                    Fail.with' $"{what}: the value for seed {seed} is {v} (a diverged or failed run?)"
                if m.ContainsKey seed then Fail.with' $"{what}: seed {seed} appears twice"
                m.Add(seed, v))
            Map.empty

    /// Pairs two sets of per-seed values by seed: for each seed present in both, in increasing seed
    /// order, `(seed, baseline value, variant value)`. Seeds present in only one set are dropped.
    /// Raises `SeagullException` for a seed that appears twice in one set or a NaN/infinite value.
    ///
    /// Example: `Statistics.pairBySeed [ 0, 1.0; 1, 2.0 ] [ 1, 3.0; 2, 4.0 ] = [| (1, 2.0, 3.0) |]`.
    let pairBySeed (baseline: (int * float) seq) (variant: (int * float) seq) : (int * float * float)[] =
        let b = bySeed "baseline" baseline
        let v = bySeed "variant" variant
        b
        |> Map.toArray
        |> Array.choose (fun (seed, bv) -> v.TryFind seed |> Option.map (fun vv -> seed, bv, vv))

    /// The number of seeds on which the variant's value is strictly below the baseline's (a win for
    /// the variant when lower is better; a tie is not a win), over the seeds present in both.
    ///
    /// Example: `Statistics.pairedWins [ 0, 1.0; 1, 1.0; 2, 1.0 ] [ 0, 0.5; 1, 2.0; 2, 1.0 ] = 1`.
    let pairedWins (baseline: (int * float) seq) (variant: (int * float) seq) : int =
        pairBySeed baseline variant |> Array.filter (fun (_, b, v) -> v < b) |> Array.length

    /// The paired log-ratios `log (clampMse variant / clampMse baseline)` for each seed present in
    /// both, in increasing seed order; negative means the variant had the lower MSE. Raises
    /// `SeagullException` for a negative value, NaN or infinity.
    ///
    /// Example: `Statistics.pairedLogRatios [ 0, 0.2 ] [ 0, 0.1 ] = [| log 0.5 |]`.
    let pairedLogRatios (baseline: (int * float) seq) (variant: (int * float) seq) : float[] =
        pairBySeed baseline variant
        |> Array.map (fun (seed, b, v) ->
            if b < 0.0 || v < 0.0 then Fail.with' $"log-ratio: a negative MSE on seed {seed}"
            log (clampMse v) - log (clampMse b))

    /// Linear interpolation in a sorted array at fractional position `pos` in [0, n − 1].
    let private interpolate (sorted: float[]) (pos: float) =
        let i = int (floor pos)
        if i >= sorted.Length - 1 then
            sorted.[sorted.Length - 1]
        else
            let f = pos - float i
            sorted.[i] + (sorted.[i + 1] - sorted.[i]) * f

    /// A percentile-bootstrap confidence interval `(lo, hi)` for the mean of `values`: `resamples`
    /// resamples with replacement, each of the same size as `values`, drawn from `key` (the same key
    /// always gives the same interval); `lo` and `hi` are the (1 − level)/2 and (1 + level)/2 quantiles
    /// of the resampled means (linear interpolation). The interval is widened, if needed, to contain the
    /// sample mean itself (only a very small `resamples` can leave it outside). Negating every value
    /// gives exactly `(−hi, −lo)` for the same key. One value gives `(v, v)`; identical values give a
    /// zero-width interval. With few values (say 5 seeds) the interval is coarse: there are only so
    /// many distinct resamples.
    ///
    /// Raises `SeagullException` for no values, NaN/infinity, `resamples` < 1 or `level` outside (0, 1).
    ///
    /// Example: `Statistics.bootstrapMeanInterval (Random.key 0) 10000 0.95 [| 1.0; 2.0; 3.0 |]`
    /// is about `(1.33, 2.67)`.
    let bootstrapMeanInterval (key: Key) (resamples: int) (level: float) (values: float[]) : float * float =
        checkNonEmpty "bootstrap" values
        if resamples < 1 then Fail.with' $"bootstrap: the number of resamples must be at least 1 (got {resamples})"
        if not (level > 0.0 && level < 1.0) then
            Fail.with' $"bootstrap: the confidence level must be between 0 and 1 exclusive (got {level})"
        let n = values.Length
        let pointEstimate = Array.sum values / float n
        if n = 1 then
            pointEstimate, pointEstimate
        else
            let means =
                Array.init resamples (fun r ->
                    let draws = Random.uniforms (Random.fold key r) n 0.0 1.0
                    let mutable s = 0.0
                    for u in draws do
                        s <- s + values.[min (n - 1) (int (u * float n))]
                    s / float n)
            let ascending = Array.sort means
            let descending = Array.rev ascending
            // The same position from both ends keeps the interval exactly antisymmetric under negation.
            let pos = float (resamples - 1) * (1.0 - level) / 2.0
            let lo = interpolate ascending pos
            let hi = interpolate descending pos
            min lo pointEstimate, max hi pointEstimate
