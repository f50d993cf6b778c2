namespace Seagull.Core

/// Explicit, splittable pseudo-randomness. A `Key` is a plain value: the same key always gives the
/// same numbers, on every machine and every .NET version, so seeds reproduce results exactly.
/// The generator is SplitMix64 (Steele, Lea & Flood 2014): small, fast and statistically sound for
/// initialisation, sampling and shuffling.
///
/// Example: `let k1, k2 = Random.split (Random.key 42)` then `Random.uniforms k1 10 -1.0 1.0`.
[<Struct; CustomEquality; NoComparison>]
type Key =
    { State: uint64 }
    override this.Equals other =
        match other with
        | :? Key as k -> k.State = this.State
        | _ -> false
    override this.GetHashCode() = hash this.State

/// Functions over `Key`: splitting, folding in data, and drawing arrays of numbers.
module Random =
    let private golden = 0x9E3779B97F4A7C15UL

    let private mix (z0: uint64) =
        let mutable z = z0
        z <- (z ^^^ (z >>> 30)) * 0xBF58476D1CE4E5B9UL
        z <- (z ^^^ (z >>> 27)) * 0x94D049BB133111EBUL
        z ^^^ (z >>> 31)

    /// A key from an integer seed.
    let key (seed: int) : Key = { State = mix (uint64 (int64 seed) + golden) }

    /// A new key derived from `key` and an integer (for example a layer index or an epoch).
    let fold (k: Key) (data: int) : Key = { State = mix (k.State ^^^ mix (uint64 (int64 data) * golden + 1UL)) }

    /// Two independent keys from one.
    let split (k: Key) : Key * Key = fold k 1, fold k 2

    /// The raw stream of 64-bit words of a key (mutation confined to this function).
    let private words (k: Key) (n: int) : uint64[] =
        let out = Array.zeroCreate n
        let mutable s = k.State
        for i in 0 .. n - 1 do
            s <- s + golden
            out.[i] <- mix s
        out

    let private toUnit (w: uint64) = float (w >>> 11) * (1.0 / 9007199254740992.0)

    /// `n` numbers uniform on [lo, hi).
    let uniforms (k: Key) (n: int) (lo: float) (hi: float) : float[] =
        words k n |> Array.map (fun w -> lo + (hi - lo) * toUnit w)

    /// `n` standard normal numbers (Box–Muller).
    let normals (k: Key) (n: int) : float[] =
        let w = words k (n + (n % 2))
        let out = Array.zeroCreate n
        let mutable i = 0
        while i < n do
            let u1 = 1.0 - toUnit w.[i]
            let u2 = toUnit w.[i + 1]
            let r = sqrt (-2.0 * log u1)
            out.[i] <- r * cos (2.0 * System.Math.PI * u2)
            if i + 1 < n then out.[i + 1] <- r * sin (2.0 * System.Math.PI * u2)
            i <- i + 2
        out

    /// A uniformly random permutation of 0 .. n-1 (Fisher–Yates).
    let permutation (k: Key) (n: int) : int[] =
        let p = Array.init n id
        let w = words k (max n 1)
        for i in n - 1 .. -1 .. 1 do
            let j = int (w.[i] % uint64 (i + 1))
            let t = p.[i]
            p.[i] <- p.[j]
            p.[j] <- t
        p
