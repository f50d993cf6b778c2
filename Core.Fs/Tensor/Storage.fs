namespace Seagull.Core

open System
open System.Numerics
open System.Runtime.InteropServices

/// The floating-point precision of a tensor.
type Dtype =
    /// 32-bit IEEE floats: the fast default for training.
    | Float32
    /// 64-bit IEEE floats: for checks, gradients against finite differences, and exact work.
    | Float64

/// Helpers on `Dtype`.
module Dtype =
    /// `float32` or `float64`.
    let name (d: Dtype) = match d with Float32 -> "float32" | Float64 -> "float64"

    /// Parses `float32`/`single`/`f32` and `float64`/`double`/`f64`.
    let parse (text: string) : Dtype =
        match (if isNull text then "" else text.Trim().ToLowerInvariant()) with
        | "float32" | "single" | "f32" -> Float32
        | "float64" | "double" | "f64" -> Float64
        | other -> Fail.with' $"unknown precision '{other}'; use float32 or float64"

/// The flat data of a tensor: one array of one precision. Every kernel is written once, generically
/// over `'T :> IFloatingPointIeee754<'T>`, and `Storage` dispatches to it: one code path, two precisions.
type internal Storage =
    | F32 of float32[]
    | F64 of float[]

    /// The precision of this storage.
    member this.Dtype = match this with F32 _ -> Float32 | F64 _ -> Float64
    /// The number of elements.
    member this.Length = match this with F32 a -> a.Length | F64 a -> a.Length

/// A kernel producing a new array from one array, written once for both precisions.
type internal IMapKernel =
    abstract Run<'T when 'T :> IFloatingPointIeee754<'T>> : 'T[] -> 'T[]

/// A kernel producing a new array from two arrays of one precision.
type internal IMap2Kernel =
    abstract Run<'T when 'T :> IFloatingPointIeee754<'T>> : 'T[] * 'T[] -> 'T[]

/// A kernel producing a new array from three arrays of one precision.
type internal IMap3Kernel =
    abstract Run<'T when 'T :> IFloatingPointIeee754<'T>> : 'T[] * 'T[] * 'T[] -> 'T[]

/// A kernel reading one array and returning a plain number.
type internal IReduceKernel =
    abstract Run<'T when 'T :> IFloatingPointIeee754<'T>> : 'T[] -> float

/// Dispatch from `Storage` to generic kernels.
module internal Storage =
    let private mismatch (op: string) (a: Storage) (b: Storage) : 'a =
        Fail.with' $"{op}: precision mismatch ({Dtype.name a.Dtype} and {Dtype.name b.Dtype})"

    /// Applies a one-array kernel.
    let map (k: IMapKernel) (s: Storage) : Storage =
        match s with
        | F32 a -> F32 (k.Run a)
        | F64 a -> F64 (k.Run a)

    /// Applies a two-array kernel; both must have one precision.
    let map2 (op: string) (k: IMap2Kernel) (s: Storage) (t: Storage) : Storage =
        match s, t with
        | F32 a, F32 b -> F32 (k.Run(a, b))
        | F64 a, F64 b -> F64 (k.Run(a, b))
        | _ -> mismatch op s t

    /// Applies a three-array kernel; all must have one precision.
    let map3 (op: string) (k: IMap3Kernel) (s: Storage) (t: Storage) (u: Storage) : Storage =
        match s, t, u with
        | F32 a, F32 b, F32 c -> F32 (k.Run(a, b, c))
        | F64 a, F64 b, F64 c -> F64 (k.Run(a, b, c))
        | F32 _, F32 _, _ | F64 _, F64 _, _ -> mismatch op s u
        | _ -> mismatch op s t

    /// Applies a reduction.
    let reduce (k: IReduceKernel) (s: Storage) : float =
        match s with
        | F32 a -> k.Run a
        | F64 a -> k.Run a

    /// A zero-filled storage.
    let zeros (dtype: Dtype) (n: int) : Storage =
        match dtype with
        | Float32 -> F32 (Array.zeroCreate n)
        | Float64 -> F64 (Array.zeroCreate n)

    /// Storage converted from doubles.
    let ofFloats (dtype: Dtype) (values: float[]) : Storage =
        match dtype with
        | Float32 -> F32 (Array.map float32 values)
        | Float64 -> F64 (Array.copy values)

    /// The elements as doubles (a copy).
    let toFloats (s: Storage) : float[] =
        match s with
        | F32 a -> Array.map float a
        | F64 a -> Array.copy a

    /// The storage converted to another precision (a copy, or the same storage if equal).
    let convert (dtype: Dtype) (s: Storage) : Storage =
        match dtype, s with
        | Float32, F32 _ | Float64, F64 _ -> s
        | Float32, F64 a -> F32 (Array.map float32 a)
        | Float64, F32 a -> F64 (Array.map float a)

    /// Element `i` as a double.
    let item (s: Storage) (i: int) : float =
        match s with
        | F32 a -> float a.[i]
        | F64 a -> a.[i]

    /// Bitwise equality of contents.
    let bitwiseEqual (s: Storage) (t: Storage) : bool =
        match s, t with
        | F32 a, F32 b -> MemoryMarshal.AsBytes(ReadOnlySpan a).SequenceEqual(MemoryMarshal.AsBytes(ReadOnlySpan b))
        | F64 a, F64 b -> MemoryMarshal.AsBytes(ReadOnlySpan a).SequenceEqual(MemoryMarshal.AsBytes(ReadOnlySpan b))
        | _ -> false
