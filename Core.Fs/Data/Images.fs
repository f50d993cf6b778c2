namespace Seagull.Core

open System
open System.Globalization

/// Reading image data sets into `ImageSet`s: MNIST-family IDX files (Fashion-MNIST as installed by Debian),
/// folders of PNG/JPEG/BMP files (torchvision's ImageFolder layout), CSV files of pixel columns, and a small
/// synthetic set; and mirroring images. Every error is one line naming the file (and the image or row).
///
/// Example: `let train, test = Images.fashionMnist ()` then `train.Count = 60000`, `train.ClassNames.[9] = "Ankle boot"`.
[<RequireQualifiedAccess>]
module Images =
    /// An MNIST-family IDX image file (magic 0x00000803: n × rows × cols unsigned bytes) and, optionally, its
    /// label file (magic 0x00000801), either gzip-compressed or not (told by the bytes 1f 8b, not by the name).
    /// Pixels are divided by 255; one channel; names are the 0-based indices; class names "0" .. "K−1" for
    /// K = the largest label + 1 (at least 2). A wrong magic number, a header whose sizes do not match the file's
    /// length, or a label count other than the image count is a one-line error naming the file.
    /// Example: `Images.readIdx "t10k-images-idx3-ubyte.gz" (Some "t10k-labels-idx1-ubyte.gz")`.
    let readIdx (imagesPath: string) (labelsPath: string option) : ImageSet = Idx.read imagesPath labelsPath

    /// Where Debian's package dataset-fashion-mnist installs Fashion-MNIST.
    let fashionMnistFolder : string = Idx.fashionMnistFolder

    /// Fashion-MNIST's ten class names, in label order ("T-shirt/top" … "Ankle boot").
    let fashionMnistClasses : string[] = Array.copy Idx.fashionMnistClasses

    /// True for the name that stands for Fashion-MNIST where a data path is expected: "fashion-mnist" (any case).
    /// Example: `Images.isFashionMnistAlias "fashion-mnist" = true`, `Images.isFashionMnistAlias "data/" = false`.
    let isFashionMnistAlias (path: string) : bool =
        not (isNull path) && String.Equals(path.Trim(), "fashion-mnist", StringComparison.OrdinalIgnoreCase)

    /// Fashion-MNIST (train: 60000 images, test: 10000; 28×28 grey) from `fashionMnistFolder`, with its ten class
    /// names; each file uncompressed or as `.gz`. A one-line error saying how to install it when it is missing.
    /// Example: `let train, test = Images.fashionMnist ()`.
    let fashionMnist () : ImageSet * ImageSet = Idx.fashionMnistIn Idx.fashionMnistFolder

    /// The images of a folder: files ending .png, .jpg, .jpeg or .bmp (any case), decoded with StbImageSharp.
    /// Labelled: one subfolder per class, the classes in ordinal order of their names (= class index), the images
    /// inside each (subfolders included). Unlabelled (prediction): every image under the folder, Labels = None and
    /// ClassNames empty. Either way images are in order of class, then relative path (ordinal); names are paths
    /// relative to `path`, with forward slashes. Hidden files and folders (a name starting with '.') are skipped;
    /// any other file that is not an image is an error naming it. Channels: 1 when every image is grey (with or
    /// without alpha), else 3 (grey images repeated as RGB); alpha is dropped. All images must be the same size.
    /// Example: `Images.readFolder "pets/train" true` for pets/train/cat/1.png, pets/train/dog/7.jpg, ….
    let readFolder (path: string) (labelled: bool) : ImageSet = ImageFolder.read path labelled

    /// The images of a CSV file, one per row, as Kaggle's Fashion-MNIST CSVs come (`label,pixel1,…,pixel784`):
    /// a header row is required; every column except the label column (by name, or by 0-based index) is a pixel,
    /// in order, and their number must be width·height·channels; values are numbers in [0, 255], divided by 255.
    /// Labels that are all non-negative integers give class names "0" .. "K−1" (K = the largest + 1); otherwise
    /// the distinct labels, sorted (ordinal), are the class names. Without a label column, Labels = None.
    /// Example: `Images.readCsv "fashion-mnist_train.csv" 28 28 1 (Some "label")`.
    let readCsv (path: string) (width: int) (height: int) (channels: int) (labelColumn: string option) : ImageSet =
        PixelCsv.read path width height channels labelColumn

    /// `readCsv`, with the names of the file's pixel columns in order (the header without the label column): the
    /// input names a classifier trained on the file keeps, so that its model file and ONNX export name the
    /// columns as the file does.
    /// Example: `let images, columns = Images.readCsvWithColumns "pixlab.csv" 8 8 1 (Some "label")` (columns p1 … p64).
    let readCsvWithColumns (path: string) (width: int) (height: int) (channels: int) (labelColumn: string option) : ImageSet * string[] =
        PixelCsv.readNamed path width height channels labelColumn

    /// The image shape of `--image WxH[xC]`: width, height and channels (1 unless given); 'x', 'X' or '×' between.
    /// Example: `Images.parseShape "28x28" = (28, 28, 1)`, `Images.parseShape "32×32×3" = (32, 32, 3)`.
    let parseShape (text: string) : int * int * int =
        let bad () : 'a = Fail.with' $"image shape '{text}': expected WIDTHxHEIGHT or WIDTHxHEIGHTxCHANNELS of positive whole numbers, such as 28x28 or 32x32x3"
        if String.IsNullOrWhiteSpace text then bad ()
        let parts = text.Trim().Split([| 'x'; 'X'; '×' |])
        let number (s: string) =
            match Int32.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture) with
            | true, v when v >= 1 -> v
            | _ -> bad ()
        let shape =
            match parts |> Array.map number with
            | [| w; h |] -> w, h, 1
            | [| w; h; c |] -> w, h, c
            | _ -> bad ()
        let w, h, c = shape
        ImageInput.imageSize $"image shape '{text}'" w h c |> ignore
        shape

    /// `count` synthetic `width`×`height` grey images (both at least 8) of four classes, "square", "ring", "bar"
    /// and "cross": a filled square, a circle outline, a horizontal bar or a plus sign, of random size at a random
    /// place, with random brightness and Gaussian noise (σ 0.3, clipped to [0, 1]). Each shape is symmetric about
    /// its own vertical axis and placed uniformly, so a left-right mirrored image is an equally likely image of the
    /// same class: the labels are invariant under `Images.mirror LeftRight`. Image i depends only on `seed` and i
    /// (drawn with `Random`), so the same seed always gives the same set, and a longer set begins with a shorter one.
    /// Learnable but not trivially: a tanh MLP with 64 hidden units, trained 40 epochs on one-hot targets, classifies
    /// about 72% of held-out 16×16 images correctly (9000 to train) and 78% at 28×28 (6000), against 25% by chance.
    /// Example: `Images.synthetic 0 2000 16 16`.
    let synthetic (seed: int) (count: int) (width: int) (height: int) : ImageSet =
        SyntheticImages.generate seed count width height

    /// Every image mirrored (left-right: column c ↔ W−1−c; top-bottom: row r ↔ H−1−r), labels and names kept:
    /// the same permutation of each image's values as `Symmetry.mirror axis W H C`.
    /// Example: `Images.mirror LeftRight (Images.mirror LeftRight set) = set`.
    let mirror (axis: MirrorAxis) (set: ImageSet) : ImageSet =
        let w, h, c = set.Width, set.Height, set.Channels
        let size = w * h * c
        if set.Pixels.Length <> set.Count * size then
            Fail.with' $"mirror: {set.Pixels.Length} pixel values are not {set.Count} images of {w}×{h}×{c}"
        let source = set.Pixels
        let out = Array.zeroCreate<float32> source.Length
        for i in 0 .. set.Count - 1 do
            let image = i * size
            for r in 0 .. h - 1 do
                for col in 0 .. w - 1 do
                    let r', col' = match axis with LeftRight -> r, w - 1 - col | TopBottom -> h - 1 - r, col
                    let target = image + (r * w + col) * c
                    let from = image + (r' * w + col') * c
                    for ch in 0 .. c - 1 do
                        out.[target + ch] <- source.[from + ch]
        { set with Pixels = out }
