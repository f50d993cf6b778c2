namespace Seagull.Core

open System.Collections.Generic

/// One recorded operation: which tape entries fed it (−1 for constants) and how to turn the gradient of
/// its output into gradients of those inputs (`null` where an input needs none).
type internal TapeEntry =
    { Parents: int[]
      Backward: RawTensor -> RawTensor[] }

/// The record of one differentiation call. It exists only inside a `Diff.valueAndGrad` call and is never
/// shared between calls, so differentiation is thread-safe and has no global state.
[<Sealed; AllowNullLiteral>]
type internal Tape() =
    let entries = List<TapeEntry>()
    member _.Entries = entries
    member _.Add(entry: TapeEntry) =
        entries.Add entry
        entries.Count - 1
