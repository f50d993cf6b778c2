namespace Seagull.Core

open System

/// Which way an image is mirrored.
type MirrorAxis =
    /// Column c ↔ W−1−c: u = the left ⌊W/2⌋ columns, v = the right ⌊W/2⌋ read mirrored, w = the middle column when W is odd.
    | LeftRight
    /// Row r ↔ H−1−r: u = the top ⌊H/2⌋ rows, v = the bottom ⌊H/2⌋ read mirrored, w = the middle row when H is odd.
    | TopBottom

/// How a symmetry was described: what model files store and descriptions show.
type SymmetryShape =
    /// Inputs [u | v | w] with u, v ∈ R^d (d ≥ 1) and w ∈ R^k (k ≥ 0): column j of u pairs with column j of v.
    | Blocks of d: int * k: int
    /// The mirror of W×H images with C channels, flattened row-major with channels last: value (r, c, ch) at (r·W + c)·C + ch.
    | Mirror of axis: MirrorAxis * width: int * height: int * channels: int
    /// Any involution of the columns: column j goes to permutation[j].
    | Permutation of int[]

/// The symmetry of a data set: an involution π of its input columns (π∘π = id), the swap x ↦ x̃ with
/// x̃[j] = x[π(j)]. Its pairs j ↔ π(j) (j < π(j)) are u and v, its fixed columns w: the exchangeable blocks
/// of f(u, v, w) = f(v, u, w). Networks, data, augmentation, the penalty and every invariance measurement use
/// this one value: one swap, one input width. Two symmetries are equal when they swap the same columns.
///
/// Example: `Symmetry.blocks 3 3` swaps columns 0–2 with 3–5 of a 9-column input and fixes 6–8.
[<Sealed>]
type Symmetry internal (shape: SymmetryShape, permutation: int[], u: int[], v: int[], w: int[]) =
    /// How the symmetry was described.
    member _.Shape = shape
    /// The number of input columns.
    member _.Width = permutation.Length
    member internal _.Map = permutation
    member internal _.UColumns = u
    member internal _.VColumns = v
    member internal _.WColumns = w
    override _.Equals(other) =
        match other with
        | :? Symmetry as s -> ReadOnlySpan<int>(s.Map).SequenceEqual(ReadOnlySpan<int>(permutation))
        | _ -> false
    override _.GetHashCode() = hash (permutation.Length, u.Length)
    override this.ToString() =
        match shape with
        | Blocks (d, k) -> $"u:{d} v:{d} w:{k}"
        | Mirror (axis, width, height, channels) ->
            let what = match axis with LeftRight -> "left-right" | TopBottom -> "top-bottom"
            let ch = if channels = 1 then "" else $"×{channels}"
            $"{what} mirror of {width}×{height}{ch} images"
        | Permutation _ -> $"an involution of {permutation.Length} columns ({u.Length} pairs, {w.Length} fixed)"

/// What the swap does to a function, measured on outputs: the largest difference and whether every output is
/// the same bit for bit.
type Invariance =
    { /// max |f(x) − f(x̃)| over the outputs compared; 0 where both have the same bits (∞ = ∞ is no difference),
      /// and outputs finite in one order only are left out (NaN when every output is such).
      Error: float
      /// True when f(x) and f(x̃) have the same bits everywhere.
      Bitwise: bool }

/// Making symmetries, and the swap of rows, tensors and outputs under one.
[<RequireQualifiedAccess>]
module Symmetry =
    /// The symmetry of a permutation that is an involution, or a one-line error.
    let private ofMap (shape: SymmetryShape) (map: int[]) : Symmetry =
        let n = map.Length
        if n = 0 then Fail.with' "symmetry: there are no input columns"
        map |> Array.iteri (fun j p ->
            if p < 0 || p >= n then Fail.with' $"symmetry: column {j} goes to {p}, outside 0..{n - 1}"
            if map.[p] <> j then Fail.with' $"symmetry: not an involution: column {j} goes to {p} but {p} goes to {map.[p]}")
        let pairs = [| for j in 0 .. n - 1 do if j < map.[j] then yield j |]
        if pairs.Length = 0 then Fail.with' "symmetry: the swap exchanges no columns (every column is fixed)"
        Symmetry(shape, Array.copy map, pairs, pairs |> Array.map (fun j -> map.[j]), [| for j in 0 .. n - 1 do if map.[j] = j then yield j |])

    /// Inputs [u | v | w], u and v of width d ≥ 1, w of width k ≥ 0.
    /// Example: `(Symmetry.blocks 3 3).Width = 9`; `Symmetry.swapColumn (Symmetry.blocks 3 1) 0 = 3`.
    let blocks (d: int) (k: int) : Symmetry =
        if d < 1 then Fail.with' $"block widths: u and v need width D ≥ 1, got D = {d}"
        if k < 0 then Fail.with' $"block widths: w needs width K ≥ 0, got K = {k}"
        if 2L * int64 d + int64 k > int64 Array.MaxLength then Fail.with' $"block widths: u:{d} v:{d} w:{k} are more columns than an array holds"
        let map = Array.init (2 * d + k) (fun j -> if j < d then j + d elif j < 2 * d then j - d else j)
        ofMap (Blocks (d, k)) map

    /// The mirror of W×H images with C channels, flattened row-major with channels last.
    /// Example: `Symmetry.mirror LeftRight 28 28 1` pairs pixel (r, c) with (r, 27 − c).
    let mirror (axis: MirrorAxis) (width: int) (height: int) (channels: int) : Symmetry =
        if width < 1 || height < 1 || channels < 1 then
            Fail.with' $"image mirror: width, height and channels must be ≥ 1, got {width}×{height}×{channels}"
        if int64 width * int64 height * int64 channels > int64 Array.MaxLength then
            Fail.with' $"image mirror: {width}×{height}×{channels} values are more than an array holds"
        match axis with
        | LeftRight when width < 2 -> Fail.with' "image mirror: a left-right mirror needs images at least 2 pixels wide"
        | TopBottom when height < 2 -> Fail.with' "image mirror: a top-bottom mirror needs images at least 2 pixels high"
        | _ -> ()
        let at r c ch = (r * width + c) * channels + ch
        let map =
            Array.init (width * height * channels) (fun j ->
                let ch = j % channels
                let c = (j / channels) % width
                let r = j / (channels * width)
                match axis with
                | LeftRight -> at r (width - 1 - c) ch
                | TopBottom -> at (height - 1 - r) c ch)
        ofMap (Mirror (axis, width, height, channels)) map

    /// Any involution of the columns (`permutation[j]` is where column j goes; applied twice, it is the identity).
    /// Example: `Symmetry.ofPermutation [| 1; 0; 2 |]` swaps the first two of three columns.
    let ofPermutation (permutation: int[]) : Symmetry =
        if isNull permutation then Fail.with' "symmetry: no permutation given"
        ofMap (Permutation (Array.copy permutation)) permutation

    /// The symmetry a shape describes (what a model file stores).
    let ofShape (shape: SymmetryShape) : Symmetry =
        match shape with
        | Blocks (d, k) -> blocks d k
        | Mirror (axis, w, h, c) -> mirror axis w h c
        | Permutation p -> ofPermutation p

    /// The number of input columns. Example: `Symmetry.width (Symmetry.blocks 3 3) = 9`.
    let width (s: Symmetry) : int = s.Width

    /// The column that column `j` changes places with (itself for a column of w).
    let swapColumn (s: Symmetry) (j: int) : int = s.Map.[j]

    /// The columns of u, in pairing order (a copy). Example: `Symmetry.u (Symmetry.blocks 2 1) = [| 0; 1 |]`.
    let u (s: Symmetry) : int[] = Array.copy s.UColumns
    /// The columns of v: `v.[i]` is where `u.[i]` goes (a copy). Example: `Symmetry.v (Symmetry.blocks 2 1) = [| 2; 3 |]`.
    let v (s: Symmetry) : int[] = Array.copy s.VColumns
    /// The columns the swap leaves alone (a copy). Example: `Symmetry.w (Symmetry.blocks 2 1) = [| 4 |]`.
    let w (s: Symmetry) : int[] = Array.copy s.WColumns

    /// The widths (d, k) of a block symmetry, else None.
    let blockWidths (s: Symmetry) : (int * int) option =
        match s.Shape with
        | Blocks (d, k) -> Some (d, k)
        | _ -> None

    /// Conventional column names: u1..ud, v1..vd, w1..wk for blocks, pixel1..pixelN for images, x1..xN otherwise.
    /// Example: `Symmetry.defaultNames (Symmetry.blocks 2 1) = [| "u1"; "u2"; "v1"; "v2"; "w1" |]`.
    let defaultNames (s: Symmetry) : string[] =
        match s.Shape with
        | Blocks (d, k) ->
            Array.concat [ Array.init d (fun i -> $"u{i + 1}"); Array.init d (fun i -> $"v{i + 1}"); Array.init k (fun i -> $"w{i + 1}") ]
        | Mirror _ -> Array.init s.Width (fun i -> $"pixel{i + 1}")
        | Permutation _ -> Array.init s.Width (fun i -> $"x{i + 1}")

    /// Row-major rows (whole rows of `width s` values) with every row swapped: x̃[j] = x[π(j)].
    /// Example: `Symmetry.swapRows (Symmetry.blocks 1 1) [| 1.0; 2.0; 3.0 |] = [| 2.0; 1.0; 3.0 |]`.
    let swapRows (s: Symmetry) (x: float[]) : float[] =
        let width = s.Width
        if x.Length % width <> 0 then Fail.with' $"swap: {x.Length} input values are not whole rows of {width} columns"
        let map = s.Map
        let out = Array.zeroCreate x.Length
        let mutable o = 0
        while o < x.Length do
            for j in 0 .. width - 1 do
                out.[o + j] <- x.[o + map.[j]]
            o <- o + width
        out

    let private checkColumns (what: string) (s: Symmetry) (x: Tensor) =
        if x.Raw.Shape.Length <> 2 || x.Raw.Shape.[1] <> s.Width then
            Fail.with' $"{what}: expected inputs of shape [rows, {s.Width}] ({s}), got {RawTensor.shapeText x.Raw.Shape}"

    /// The batch with every row swapped (rows × width s; differentiable).
    let swap (s: Symmetry) (x: Tensor) : Tensor =
        checkColumns "swap" s x
        Tensor.gatherColumns s.Map x

    /// The columns of u, v and w of a batch (each rows × its width; differentiable).
    let parts (s: Symmetry) (x: Tensor) : Tensor * Tensor * Tensor =
        checkColumns "symmetry" s x
        Tensor.gatherColumns s.UColumns x, Tensor.gatherColumns s.VColumns x, Tensor.gatherColumns s.WColumns x

    /// Compares outputs f(x) with f(x̃), value by value (`Invariance`): the one measure of invariance.
    /// Example: `(Symmetry.compare [| 1.0; 2.0 |] [| 1.0; 2.5 |]).Error = 0.5`.
    let compare (y: float[]) (ySwapped: float[]) : Invariance =
        if y.Length <> ySwapped.Length then Fail.with' $"invariance: {y.Length} outputs against {ySwapped.Length} swapped ones"
        let mutable error = 0.0
        let mutable measured = 0
        let mutable bitwise = true
        for i in 0 .. y.Length - 1 do
            let a, b = y.[i], ySwapped.[i]
            if BitConverter.DoubleToInt64Bits a = BitConverter.DoubleToInt64Bits b then measured <- measured + 1
            else
                bitwise <- false
                if Double.IsFinite a && Double.IsFinite b then
                    error <- max error (abs (a - b))
                    measured <- measured + 1
        { Error = (if measured = 0 && y.Length > 0 then nan else error); Bitwise = bitwise }
