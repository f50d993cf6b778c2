namespace Seagull.Core

open System
open System.IO

/// Images with optional class labels: pixels scaled to [0, 1], each image row-major with channels last
/// (value (r, c, ch) at (r·Width + c)·Channels + ch), images one after another.
///
/// Example: `let set = Images.readIdx "train-images-idx3-ubyte.gz" (Some "train-labels-idx1-ubyte.gz")` then
/// `set.Pixels.[i * set.Width * set.Height * set.Channels + (r * set.Width + c) * set.Channels + ch]`.
type ImageSet =
    { Width: int; Height: int; Channels: int
      /// Count × (Width·Height·Channels) values in [0, 1].
      Pixels: float32[]
      Count: int
      /// A class index per image (0 .. ClassNames.Length − 1), or None for unlabelled images (prediction).
      Labels: int[] option
      /// The class names, in index order (empty when unlabelled and unknown).
      ClassNames: string[]
      /// One name per image: its path relative to the folder given (forward slashes), or its 0-based index in an IDX/CSV file as text.
      Names: string[] }

/// What the image readers share: checking paths, scaling bytes, numbered class names.
module internal ImageInput =
    /// What a pixel value of a file (IDX or image bytes, a pixel CSV's 0–255) is divided by, in float32, to give
    /// the [0, 1] value the network sees. Every reader divides by it, and an exported image classifier's graph
    /// divides its raw input by it the same way (`ModelGraph`), so that both see the same float32 bits.
    let pixelScale : float32 = 255.0f

    /// An 8-bit value scaled to [0, 1], the one way every reader does it: `float32 b / 255f`.
    let inline scale (b: byte) : float32 = float32 b / pixelScale

    /// `scale` applied to every byte of `source`, into `target` (vectorised; the same values bit for bit).
    let scaleAll (source: ReadOnlySpan<byte>) (target: Span<float32>) : unit =
        Numerics.Tensors.TensorPrimitives.ConvertTruncating<byte, float32>(source, target)
        Numerics.Tensors.TensorPrimitives.Divide(target, pixelScale, target)

    /// Checks that `path` is an existing file; a one-line error naming it otherwise.
    let requireFile (what: string) (path: string) : unit =
        if String.IsNullOrWhiteSpace path then Fail.with' $"{what}: no file given"
        if Directory.Exists path then Fail.with' $"'{path}': is a folder, not {what}"
        if not (File.Exists path) then Fail.with' $"'{path}': file not found"

    /// The bytes of a file, or a one-line error naming it.
    let readBytes (what: string) (path: string) : byte[] =
        requireFile what path
        try File.ReadAllBytes path
        with e -> Fail.with' $"'{path}': cannot be read ({e.Message.Replace('\n', ' ').TrimEnd('.')})"

    /// Class names "0" .. "K−1" for the largest label seen, at least two classes.
    /// Example: `numberedClasses [| 0; 3 |] = [| "0"; "1"; "2"; "3" |]`.
    let numberedClasses (labels: int[]) : string[] =
        let k = if labels.Length = 0 then 2 else max 2 (Array.max labels + 1)
        Array.init k string

    /// The 0-based indices "0" .. "n−1" as names.
    let indexNames (n: int) : string[] = Array.init n string

    /// The values per image, or a one-line error when they cannot fit in an array.
    let imageSize (what: string) (width: int) (height: int) (channels: int) : int =
        if width < 1 || height < 1 || channels < 1 then
            Fail.with' $"{what}: image width, height and channels must be ≥ 1, got {width}×{height}×{channels}"
        let n = int64 width * int64 height * int64 channels
        if n > int64 Array.MaxLength then Fail.with' $"{what}: {width}×{height}×{channels} values per image are more than an array holds"
        int n

    /// Checks that `count` images of `size` values fit in one array (and in memory).
    let requireRoom (what: string) (count: int) (size: int) : unit =
        let n = int64 count * int64 size
        if n > int64 Array.MaxLength then Fail.with' $"{what}: {count} images of {size} values are more than an array holds"
        Memory.require what (n * 4L)
