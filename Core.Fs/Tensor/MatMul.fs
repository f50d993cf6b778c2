namespace Seagull.Kernels

open System.Numerics

/// Dense matrix products on row-major arrays. PLACEHOLDER naive version (to be replaced by the SIMD kernel).
module MatMul =
    /// C (m×n) ← A (m×k) · B (k×n), or C += A·B when `accumulate`.
    let multiply<'T when 'T :> IFloatingPointIeee754<'T>> (m: int) (k: int) (n: int) (a: 'T[]) (b: 'T[]) (c: 'T[]) (accumulate: bool) : unit =
        if not accumulate then System.Array.Clear(c, 0, m * n)
        for i in 0 .. m - 1 do
            for p in 0 .. k - 1 do
                let aip = a.[i * k + p]
                for j in 0 .. n - 1 do
                    c.[i * n + j] <- c.[i * n + j] + aip * b.[p * n + j]

    /// C (m×n) ← Aᵀ · B where A is stored k×m and B is k×n (or += when `accumulate`).
    let multiplyTransposeA<'T when 'T :> IFloatingPointIeee754<'T>> (m: int) (k: int) (n: int) (a: 'T[]) (b: 'T[]) (c: 'T[]) (accumulate: bool) : unit =
        if not accumulate then System.Array.Clear(c, 0, m * n)
        for p in 0 .. k - 1 do
            for i in 0 .. m - 1 do
                let api = a.[p * m + i]
                for j in 0 .. n - 1 do
                    c.[i * n + j] <- c.[i * n + j] + api * b.[p * n + j]

    /// C (m×n) ← A · Bᵀ where A is m×k and B is stored n×k (or += when `accumulate`).
    let multiplyTransposeB<'T when 'T :> IFloatingPointIeee754<'T>> (m: int) (k: int) (n: int) (a: 'T[]) (b: 'T[]) (c: 'T[]) (accumulate: bool) : unit =
        for i in 0 .. m - 1 do
            for j in 0 .. n - 1 do
                let mutable s = if accumulate then c.[i * n + j] else 'T.Zero
                for p in 0 .. k - 1 do
                    s <- s + a.[i * k + p] * b.[j * k + p]
                c.[i * n + j] <- s
