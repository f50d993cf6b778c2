namespace Seagull.Core

open System

/// One shard of a sweep: shard `Index` of `Count`, counted from 0 so that a job array's task id is the index as is.
///
/// Example: `{ Index = 0; Count = 3 }`, written `0/3`; an unsharded run is `0/1`.
type ShardSpec =
    { Index: int
      Count: int }
    override this.ToString() = $"{this.Index}/{this.Count}"

/// The unit of work a sweep is split into: one trained cell (target, variant, seed, hidden widths, learning rate),
/// with the derived variants measured on its trained model (`symmetrize-after` on `mlp-seagull`'s), which therefore
/// always land in the same shard.
///
/// Example: `{ Id = 7; Target = "coulomb"; Variant = "mlp-seagull"; Derived = [ "symmetrize-after" ]; Seed = 1;
///   Hidden = [ 64; 64 ]; LearningRate = 1e-3; Cost = 1.2e10 }`.
type WorkUnit =
    { /// Its place in the grid's order (target, setting, variant, seed), from 0: the name of its result file.
      Id: int
      Target: string
      Variant: string
      /// The derived variants this unit also measures.
      Derived: string list
      Seed: int
      Hidden: int list
      LearningRate: float
      /// Its expected cost in the units of `Shards.cost` (only ratios matter).
      Cost: float }

/// Splitting a sweep into shards and checking that shards put back together cover it: pure functions.
module Shards =
    /// Reads `I/N` (0 ≤ I < N), or raises a one-line error naming `what`.
    ///
    /// Example: `Shards.parse "--shard" "2/7" = { Index = 2; Count = 7 }`.
    let parse (what: string) (text: string) : ShardSpec =
        let fail why : ShardSpec = Fail.with' $"{what} '{text}': {why}; give I/N, shard I of N counted from 0 (0/4 … 3/4)"
        // Each part: a whole number, told apart from a negative one and one too large to be a shard.
        let read (part: string) =
            let digits (t: string) = t <> "" && t |> Seq.forall Char.IsAsciiDigit
            match Int32.TryParse(part, Globalization.NumberStyles.None, Globalization.CultureInfo.InvariantCulture) with
            | true, n -> Ok n
            | _ when part.StartsWith "-" && digits (part.Substring 1) -> Error "negative"
            | _ when digits part -> Error "large"
            | _ -> Error "not whole"
        match (if isNull text then "" else text.Trim()).Split('/') with
        | [| i; n |] ->
            match read i, read n with
            | Ok index, Ok count when count >= 1 && index < count -> { Index = index; Count = count }
            | Ok _, Ok count when count < 1 -> fail "N must be at least 1"
            | Ok index, Ok count -> fail $"I must be below N (the shards of {count} are 0 to {count - 1}, not {index})"
            | Error "negative", _ -> fail "I must be ≥ 0"
            | _, Error "negative" -> fail "N must be at least 1"
            | Error "large", _ | _, Error "large" -> fail $"a number too large (at most {Int32.MaxValue})"
            | _ -> fail "I and N are whole numbers"
        | _ -> fail "not of the form I/N"

    /// The expected cost of training one cell: proportional to the multiply-adds of its fit — passes over the
    /// network per sample (`weight`: 1 for a plain network, 2 for one that sees both orderings or twice the data,
    /// about 8 for `auto`'s five fits), epochs, training rows, and parameters (one multiply-add each, forward and
    /// backward alike). Early stopping and memory effects are not modelled: the balance is of expected, not
    /// measured, time.
    ///
    /// Example: `Shards.cost 1.0 200 8000 4481 = 7.1696e9`.
    let cost (weight: float) (epochs: int) (trainRows: int) (parameters: int64) : float =
        weight * float epochs * float trainRows * float parameters

    /// The shard of each unit, for `costs.[i]` the cost of unit i: greedy longest-processing-time — units from
    /// the most to the least costly (ties: the lower index first), each onto the least loaded shard (ties: the
    /// lower shard). Deterministic, an exact cover, and balanced: no shard's cost exceeds the mean by more than
    /// the costliest unit (each unit joins a shard at most as loaded as the mean). Shards may be empty.
    ///
    /// Example: `Shards.assign 2 [| 3.0; 1.0; 2.0 |] = [| 0; 1; 1 |]`.
    let assign (count: int) (costs: float[]) : int[] =
        if count < 1 then Fail.with' $"shards: the count must be at least 1, got {count}"
        let load = Array.zeroCreate<float> count
        let shardOf = Array.zeroCreate<int> costs.Length
        let order = Array.init costs.Length id |> Array.sortWith (fun a b -> match compare costs.[b] costs.[a] with 0 -> compare a b | c -> c)
        for unit in order do
            let mutable least = 0
            for k in 1 .. count - 1 do
                if load.[k] < load.[least] then least <- k
            shardOf.[unit] <- least
            load.[least] <- load.[least] + costs.[unit]
        shardOf

    /// The units of one shard, in grid order.
    ///
    /// Example: `Shards.select { Index = 1; Count = 3 } units |> List.map (fun u -> u.Id)`.
    let select (shard: ShardSpec) (units: WorkUnit list) : WorkUnit list =
        let shardOf = assign shard.Count (units |> List.map (fun u -> u.Cost) |> Array.ofList)
        units |> List.filter (fun u -> shardOf.[u.Id] = shard.Index)

    /// A shard as merge sees it: where it came from (for messages), its spec, the units it was given and the
    /// units whose results it holds.
    type Piece = { Name: string; Shard: ShardSpec; Assigned: int list; Finished: int list }

    /// Checks that `pieces` together hold every unit of a grid of `total` units exactly once: one piece per
    /// shard index of one count, none missing or given twice, their units disjoint and covering the grid, each
    /// finished. Returns the one-line reason they do not, naming the pieces. The order of `pieces` does not matter.
    ///
    /// Example: `Shards.checkCover 12 [ a; b ] = Error "shard 2/3 is missing: have 0/3 in 'a', 1/3 in 'b'"`.
    let checkCover (total: int) (pieces: Piece list) : Result<unit, string> =
        let pieces = pieces |> List.sortBy (fun p -> p.Shard.Index, p.Name)
        let have () = String.Join(", ", pieces |> List.map (fun p -> $"{p.Shard} in '{p.Name}'"))
        match pieces |> List.map (fun p -> p.Shard.Count) |> List.distinct with
        | [] -> Error "no shards to merge"
        | _ :: _ :: _ -> Error $"the shards are of different splits ({have ()}); merge the shards of one --shard I/N sweep"
        | [ count ] ->
            let twice = pieces |> List.groupBy (fun p -> p.Shard.Index) |> List.tryFind (fun (_, ps) -> ps.Length > 1)
            let missing = [ 0 .. count - 1 ] |> List.filter (fun i -> not (pieces |> List.exists (fun p -> p.Shard.Index = i)))
            match twice, missing with
            | Some (index, ps), _ ->
                let names = String.Join(" and ", ps |> List.map (fun p -> $"'{p.Name}'"))
                Error $"shard {index}/{count} is given twice: {names}"
            | None, m :: _ ->
                let more = if missing.Length > 1 then $" (and {missing.Length - 1} more)" else ""
                Error $"shard {m}/{count} is missing{more}: have {have ()}"
            | None, [] ->
                let owners = pieces |> List.collect (fun p -> p.Assigned |> List.map (fun id -> id, p)) |> List.groupBy fst
                let outside = owners |> List.tryFind (fun (id, _) -> id < 0 || id >= total)
                let shared = owners |> List.tryFind (fun (_, ps) -> ps.Length > 1)
                let uncovered = total - owners.Length
                match outside, shared with
                | Some (id, (_, p) :: _), _ -> Error $"shard {p.Shard} in '{p.Name}' names cell {id}, outside the grid's {total}"
                | _, Some (id, ps) ->
                    let names = String.Join(" and ", ps |> List.map (fun (_, p) -> $"{p.Shard} in '{p.Name}'"))
                    Error $"cell {id} belongs to two shards: {names}"
                | _ when uncovered > 0 -> Error $"the shards cover {owners.Length} of the grid's {total} cells: {have ()}"
                | _ ->
                    pieces
                    |> List.tryPick (fun p ->
                        let finished = Set.ofList p.Finished
                        let left = p.Assigned |> List.filter (fun id -> not (finished.Contains id)) |> List.length
                        if p.Finished |> List.exists (fun id -> not (List.contains id p.Assigned)) then
                            Some $"shard {p.Shard} in '{p.Name}' holds cells of another shard"
                        elif left > 0 then
                            Some $"shard {p.Shard} in '{p.Name}' is unfinished: {left} of its {p.Assigned.Length} cells have no result; run it again (it resumes)"
                        else None)
                    |> function Some reason -> Error reason | None -> Ok ()
