namespace Seagull.Core

open System

/// Widths of the exchangeable blocks: u and v have width D ≥ 1 each, w has width K ≥ 0.
/// Input columns are ordered [u | v | w], so a row has 2D + K inputs.
///
/// Example: `{ D = 3; K = 3 }` describes the nine-input targets of the reference (u, v, w ∈ R³).
type Blocks =
    { /// Width of u and of v (each), at least 1.
      D: int
      /// Width of w, at least 0.
      K: int }

/// Functions over `Blocks`: widths, validation and the column map of the swap.
module Blocks =
    /// The number of input columns, 2D + K. Example: `Blocks.inputWidth { D = 3; K = 3 } = 9`.
    let inputWidth (blocks: Blocks) : int = 2 * blocks.D + blocks.K

    /// Returns `blocks` unchanged when D ≥ 1 and K ≥ 0; raises `SeagullException` otherwise.
    /// Example: `Blocks.validate { D = 0; K = 2 }` raises "block widths: u and v need width D ≥ 1, got D = 0".
    let validate (blocks: Blocks) : Blocks =
        if blocks.D < 1 then Fail.with' $"block widths: u and v need width D ≥ 1, got D = {blocks.D}"
        if blocks.K < 0 then Fail.with' $"block widths: w needs width K ≥ 0, got K = {blocks.K}"
        blocks

    /// Validated blocks of the given widths. Example: `Blocks.create 2 0 = { D = 2; K = 0 }`.
    let create (d: int) (k: int) : Blocks = validate { D = d; K = k }

    /// The column that column `j` moves to under the swap (u ↔ v, w fixed).
    /// Example: with `{ D = 3; K = 1 }`, `swapColumn b 0 = 3`, `swapColumn b 4 = 1`, `swapColumn b 6 = 6`.
    let swapColumn (blocks: Blocks) (j: int) : int =
        if j < blocks.D then j + blocks.D
        elif j < 2 * blocks.D then j - blocks.D
        else j

/// A regression data set: row-major inputs Rows × (2D+K) in [u | v | w] column order, one target per row.
///
/// Example: `Dataset.ofArrays { D = 1; K = 0 } [| 1.0; 2.0; 3.0; 4.0 |] [| 5.0; 6.0 |]` has two rows,
/// (u, v) = (1, 2) → 5 and (3, 4) → 6, with input names u1, v1 and target name y.
type Dataset =
    { /// Inputs, row-major: row i occupies X[i·(2D+K) .. (i+1)·(2D+K) − 1].
      X: float[]
      /// Targets, one per row.
      Y: float[]
      /// Number of rows.
      Rows: int
      /// Block widths of the inputs.
      Blocks: Blocks
      /// One name per input column, distinct (for example u1, u2, v1, v2, w1).
      InputNames: string[]
      /// Name of the target column (for example y).
      TargetName: string }

/// Building, checking, splitting and transforming data sets. All functions return new values.
module Dataset =
    /// The conventional input names u1..uD, v1..vD, w1..wK.
    /// Example: `Dataset.defaultInputNames { D = 2; K = 1 } = [| "u1"; "u2"; "v1"; "v2"; "w1" |]`.
    let defaultInputNames (blocks: Blocks) : string[] =
        Array.concat
            [ Array.init blocks.D (fun i -> $"u{i + 1}")
              Array.init blocks.D (fun i -> $"v{i + 1}")
              Array.init blocks.K (fun i -> $"w{i + 1}") ]

    /// A checked data set: lengths agree, names are distinct and non-empty, every value is finite.
    /// Raises `SeagullException` with a one-line message otherwise.
    /// Example: `Dataset.create { D = 1; K = 0 } [| "a"; "b" |] "t" [| 1.0; 2.0 |] [| 3.0 |]`.
    let create (blocks: Blocks) (inputNames: string[]) (targetName: string) (x: float[]) (y: float[]) : Dataset =
        let blocks = Blocks.validate blocks
        let width = Blocks.inputWidth blocks
        if inputNames.Length <> width then
            Fail.with' $"data set: {inputNames.Length} input names for {width} input columns (D = {blocks.D}, K = {blocks.K})"
        inputNames |> Array.iteri (fun j n ->
            if String.IsNullOrWhiteSpace n then Fail.with' $"data set: input column {j} has an empty name")
        match inputNames |> Array.countBy id |> Array.tryFind (fun (_, c) -> c > 1) with
        | Some (n, _) -> Fail.with' $"data set: the input name '{n}' is used for more than one column"
        | None -> ()
        if String.IsNullOrWhiteSpace targetName then Fail.with' "data set: the target name is empty"
        let rows = y.Length
        if x.Length <> rows * width then
            Fail.with' $"data set: {x.Length} input values do not fill {rows} rows of {width} columns"
        x |> Array.iteri (fun i value ->
            if not (Double.IsFinite value) then
                Fail.with' $"data set: row {i / width + 1}, column '{inputNames.[i % width]}' is {value}; values must be finite")
        y |> Array.iteri (fun i value ->
            if not (Double.IsFinite value) then
                Fail.with' $"data set: row {i + 1}, column '{targetName}' is {value}; values must be finite")
        { X = Array.copy x; Y = Array.copy y; Rows = rows; Blocks = blocks
          InputNames = Array.copy inputNames; TargetName = targetName }

    /// A checked data set with the default names (u1.., v1.., w1.. and y).
    /// Example: `Dataset.ofArrays { D = 1; K = 1 } [| 0.1; 0.2; 0.3 |] [| 1.0 |]`.
    let ofArrays (blocks: Blocks) (x: float[]) (y: float[]) : Dataset =
        create blocks (defaultInputNames (Blocks.validate blocks)) "y" x y

    /// The number of input columns, 2D + K.
    let inputWidth (ds: Dataset) : int = Blocks.inputWidth ds.Blocks

    /// Row-major inputs with u and v exchanged in every row: x̃ = (v, u, w).
    /// Example: `Dataset.swapInputs { D = 1; K = 1 } [| 1.0; 2.0; 3.0 |] = [| 2.0; 1.0; 3.0 |]`.
    let swapInputs (blocks: Blocks) (x: float[]) : float[] =
        let width = Blocks.inputWidth blocks
        if width = 0 || x.Length % width <> 0 then
            Fail.with' $"swap: {x.Length} input values are not whole rows of {width} columns"
        let d = blocks.D
        let out = Array.copy x
        for r in 0 .. x.Length / width - 1 do
            let o = r * width
            Array.blit x o out (o + d) d
            Array.blit x (o + d) out o d
        out

    /// The data set with u and v exchanged in every input row; targets unchanged.
    /// Example: for an exchangeable target, `swap ds` is as valid a data set as `ds`.
    let swap (ds: Dataset) : Dataset = { ds with X = swapInputs ds.Blocks ds.X }

    /// The inputs of row `i` (0-based), a copy. Example: `Dataset.row ds 0`.
    let row (ds: Dataset) (i: int) : float[] =
        if i < 0 || i >= ds.Rows then Fail.with' $"data set: row {i} is out of range (0..{ds.Rows - 1})"
        let width = inputWidth ds
        Array.sub ds.X (i * width) width

    /// The values of input column `j` (0-based), one per row. Example: `Dataset.column ds 0` is u1.
    let column (ds: Dataset) (j: int) : float[] =
        let width = inputWidth ds
        if j < 0 || j >= width then Fail.with' $"data set: column {j} is out of range (0..{width - 1})"
        Array.init ds.Rows (fun i -> ds.X.[i * width + j])

    /// The rows at `indices` (0-based), in that order; repeats are allowed.
    /// Example: `Dataset.take [| 2; 0 |] ds` has two rows: ds's third, then its first.
    let take (indices: int[]) (ds: Dataset) : Dataset =
        let width = inputWidth ds
        let x = Array.zeroCreate (indices.Length * width)
        let y = Array.zeroCreate indices.Length
        indices |> Array.iteri (fun k i ->
            if i < 0 || i >= ds.Rows then Fail.with' $"data set: row {i} is out of range (0..{ds.Rows - 1})"
            Array.blit ds.X (i * width) x (k * width) width
            y.[k] <- ds.Y.[i])
        { ds with X = x; Y = y; Rows = indices.Length }

    /// The rows of `first` followed by those of `second`; blocks and names must agree.
    /// Example: `Dataset.append ds (Dataset.swap ds)` is `Dataset.augment ds`.
    let append (first: Dataset) (second: Dataset) : Dataset =
        if first.Blocks <> second.Blocks || first.InputNames <> second.InputNames || first.TargetName <> second.TargetName then
            Fail.with' "data set: cannot append data sets with different columns"
        { first with X = Array.append first.X second.X; Y = Array.append first.Y second.Y; Rows = first.Rows + second.Rows }

    /// The data plus its swapped copy (2 × rows): rows 0..n−1 are `ds`, rows n..2n−1 are `swap ds`.
    /// Example: `(Dataset.augment ds).Rows = 2 * ds.Rows`.
    let augment (ds: Dataset) : Dataset = append ds (swap ds)

    /// The (train, test) row counts `split` gives `rows` rows at `testFraction`: the test part is the
    /// fraction rounded half away from zero, at least 1 and at most rows − 1.
    /// Example: `Dataset.splitSizes 200 (1.0 / 3.0) = (133, 67)`.
    let splitSizes (rows: int) (testFraction: float) : int * int =
        if not (testFraction > 0.0 && testFraction < 1.0) then
            Fail.with' $"split: the test fraction must be strictly between 0 and 1, got {testFraction}"
        if rows < 2 then
            Fail.with' $"split: a train/test split needs at least 2 rows, the data set has {rows}"
        let wanted = int (Math.Round(float rows * testFraction, MidpointRounding.AwayFromZero))
        let testRows = wanted |> max 1 |> min (rows - 1)
        rows - testRows, testRows

    /// Splits into (train, test) by a random permutation drawn from `key`. The test part gets
    /// round(rows × testFraction) rows, but at least 1, and the training part at least 1; each part keeps
    /// the original row order. Raises `SeagullException` when testFraction is not in (0, 1) or rows < 2.
    /// Example: `let train, test = Dataset.split (Random.key 0) 0.25 ds`.
    let split (key: Key) (testFraction: float) (ds: Dataset) : Dataset * Dataset =
        let _, testRows = splitSizes ds.Rows testFraction
        let perm = Random.permutation key ds.Rows
        let test = Array.sort perm.[.. testRows - 1]
        let train = Array.sort perm.[testRows ..]
        take train ds, take test ds
