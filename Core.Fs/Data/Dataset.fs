namespace Seagull.Core

open System

/// A regression data set: row-major inputs (rows × the symmetry's width) and row-major targets (rows × one
/// or more target columns), with a name for every column.
///
/// Example: `Dataset.ofArrays (Symmetry.blocks 1 0) [| 1.0; 2.0; 3.0; 4.0 |] [| 5.0; 6.0 |]` has two rows,
/// (u, v) = (1, 2) → 5 and (3, 4) → 6, with input names u1, v1 and target name y.
type Dataset =
    { /// Inputs, row-major: row i occupies X[i·width .. (i+1)·width − 1].
      X: float[]
      /// Targets, row-major: row i occupies Y[i·targets .. (i+1)·targets − 1].
      Y: float[]
      /// Number of rows.
      Rows: int
      /// The symmetry of the inputs: their width and the swap.
      Symmetry: Symmetry
      /// One name per input column, distinct (for example u1, u2, v1, v2, w1).
      InputNames: string[]
      /// One name per target column (for example y), distinct from each other and from the inputs'.
      TargetNames: string[] }

/// Building, checking, splitting and transforming data sets. All functions return new values.
module Dataset =
    let private checkNames (what: string) (names: string[]) =
        names |> Array.iteri (fun j n ->
            if String.IsNullOrWhiteSpace n then Fail.with' $"data set: {what} column {j} has an empty name")
        match names |> Array.countBy id |> Array.tryFind (fun (_, c) -> c > 1) with
        | Some (n, _) -> Fail.with' $"data set: the {what} name '{n}' is used for more than one column"
        | None -> ()

    /// A checked data set: lengths agree, names are distinct and non-empty, every value is finite.
    /// Raises `SeagullException` with a one-line message otherwise.
    /// Example: `Dataset.create (Symmetry.blocks 1 0) [| "a"; "b" |] [| "t" |] [| 1.0; 2.0 |] [| 3.0 |]`.
    let create (symmetry: Symmetry) (inputNames: string[]) (targetNames: string[]) (x: float[]) (y: float[]) : Dataset =
        let width = symmetry.Width
        if inputNames.Length <> width then
            Fail.with' $"data set: {inputNames.Length} input names for {width} input columns ({symmetry})"
        checkNames "input" inputNames
        if targetNames.Length = 0 then Fail.with' "data set: no target column"
        checkNames "target" targetNames
        match targetNames |> Array.tryFind (fun t -> Array.contains t inputNames) with
        | Some t -> Fail.with' $"data set: '{t}' is the name of an input and of a target column"
        | None -> ()
        let outputs = targetNames.Length
        if y.Length % outputs <> 0 then
            Fail.with' $"data set: {y.Length} target values do not fill rows of {outputs} target columns"
        let rows = y.Length / outputs
        if int64 x.Length <> int64 rows * int64 width then
            Fail.with' $"data set: {x.Length} input values do not fill {rows} rows of {width} columns"
        x |> Array.iteri (fun i value ->
            if not (Double.IsFinite value) then
                Fail.with' $"data set: row {i / width + 1}, column '{inputNames.[i % width]}' is {value}; values must be finite")
        y |> Array.iteri (fun i value ->
            if not (Double.IsFinite value) then
                Fail.with' $"data set: row {i / outputs + 1}, column '{targetNames.[i % outputs]}' is {value}; values must be finite")
        { X = Array.copy x; Y = Array.copy y; Rows = rows; Symmetry = symmetry
          InputNames = Array.copy inputNames; TargetNames = Array.copy targetNames }

    /// A checked data set with the symmetry's default input names and one target named y.
    /// Example: `Dataset.ofArrays (Symmetry.blocks 1 1) [| 0.1; 0.2; 0.3 |] [| 1.0 |]`.
    let ofArrays (symmetry: Symmetry) (x: float[]) (y: float[]) : Dataset =
        create symmetry (Symmetry.defaultNames symmetry) [| "y" |] x y

    /// The number of input columns.
    let inputWidth (ds: Dataset) : int = ds.Symmetry.Width

    /// The number of target columns.
    let targets (ds: Dataset) : int = ds.TargetNames.Length

    /// The data set with every input row swapped; targets unchanged.
    /// Example: for an exchangeable target, `swap ds` is as valid a data set as `ds`.
    let swap (ds: Dataset) : Dataset = { ds with X = Symmetry.swapRows ds.Symmetry ds.X }

    /// The inputs of row `i` (0-based), a copy. Example: `Dataset.row ds 0`.
    let row (ds: Dataset) (i: int) : float[] =
        if i < 0 || i >= ds.Rows then Fail.with' $"data set: row {i} is out of range (0..{ds.Rows - 1})"
        let width = inputWidth ds
        Array.sub ds.X (i * width) width

    let private columnOf (what: string) (values: float[]) (width: int) (rows: int) (j: int) =
        if j < 0 || j >= width then Fail.with' $"data set: {what} column {j} is out of range (0..{width - 1})"
        Array.init rows (fun i -> values.[i * width + j])

    /// The values of input column `j` (0-based), one per row. Example: `Dataset.column ds 0` is u1.
    let column (ds: Dataset) (j: int) : float[] = columnOf "input" ds.X (inputWidth ds) ds.Rows j

    /// The values of target column `j` (0-based), one per row. Example: `Dataset.target ds 0`.
    let target (ds: Dataset) (j: int) : float[] = columnOf "target" ds.Y (targets ds) ds.Rows j

    /// The rows at `indices` (0-based), in that order; repeats are allowed.
    /// Example: `Dataset.take [| 2; 0 |] ds` has two rows: ds's third, then its first.
    let take (indices: int[]) (ds: Dataset) : Dataset =
        let width = inputWidth ds
        let outputs = targets ds
        let x = Array.zeroCreate (indices.Length * width)
        let y = Array.zeroCreate (indices.Length * outputs)
        indices |> Array.iteri (fun k i ->
            if i < 0 || i >= ds.Rows then Fail.with' $"data set: row {i} is out of range (0..{ds.Rows - 1})"
            Array.blit ds.X (i * width) x (k * width) width
            Array.blit ds.Y (i * outputs) y (k * outputs) outputs)
        { ds with X = x; Y = y; Rows = indices.Length }

    /// The rows of `first` followed by those of `second`; symmetries and names must agree.
    /// Example: `Dataset.append ds (Dataset.swap ds)` is `Dataset.augment ds`.
    let append (first: Dataset) (second: Dataset) : Dataset =
        if not (first.Symmetry.Equals second.Symmetry) || first.InputNames <> second.InputNames || first.TargetNames <> second.TargetNames then
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

    /// The row indices `split` puts in (train, test), each in the original order.
    /// Example: `let trainRows, testRows = Dataset.splitRows (Random.key 0) 0.25 100`.
    let splitRows (key: Key) (testFraction: float) (rows: int) : int[] * int[] =
        let _, testRows = splitSizes rows testFraction
        let perm = Random.permutation key rows
        Array.sort perm.[testRows ..], Array.sort perm.[.. testRows - 1]

    /// Splits into (train, test) by a random permutation drawn from `key`. The test part gets
    /// round(rows × testFraction) rows, but at least 1, and the training part at least 1; each part keeps
    /// the original row order. Raises `SeagullException` when testFraction is not in (0, 1) or rows < 2.
    /// Example: `let train, test = Dataset.split (Random.key 0) 0.25 ds`.
    let split (key: Key) (testFraction: float) (ds: Dataset) : Dataset * Dataset =
        let train, test = splitRows key testFraction ds.Rows
        take train ds, take test ds
