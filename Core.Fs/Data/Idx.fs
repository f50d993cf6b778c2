namespace Seagull.Core

open System
open System.IO
open System.IO.Compression

/// The IDX files of the MNIST family (LeCun et al.): a big-endian header then unsigned bytes. Images have
/// magic 0x00000803 and sizes n, rows, cols; labels magic 0x00000801 and size n. Either may be gzip-compressed
/// (told by its first bytes 1f 8b, not by its name).
module internal Idx =
    let private imagesMagic = 0x00000803
    let private labelsMagic = 0x00000801

    /// The file's bytes, decompressed when they start with the gzip magic.
    let private content (what: string) (path: string) : byte[] =
        let raw = ImageInput.readBytes what path
        if raw.Length >= 2 && raw.[0] = 0x1fuy && raw.[1] = 0x8buy then
            if raw.Length < 18 then Fail.with' $"'{path}': the gzip data is cut short ({raw.Length} bytes)"
            try
                use input = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress)
                // The gzip trailer's last 4 bytes are the length mod 2³²: the buffer's size, read into once.
                let hint = int64 (Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(ReadOnlySpan<byte>(raw, raw.Length - 4, 4)))
                let buffer = Array.zeroCreate<byte> (int (min hint (min (int64 raw.Length * 1032L) (int64 Array.MaxLength))))
                let mutable filled = 0
                let mutable more = true
                while more && filled < buffer.Length do
                    let n = input.Read(buffer, filled, buffer.Length - filled)
                    if n = 0 then more <- false else filled <- filled + n
                let rest = new MemoryStream()
                if more then input.CopyTo rest
                let bytes =
                    if rest.Length = 0L then (if filled = buffer.Length then buffer else Array.sub buffer 0 filled)
                    else Array.append buffer (rest.ToArray())
                // .NET's decompressor ends quietly at a cut: the trailer's length tells.
                if int64 (uint32 bytes.LongLength) <> hint then
                    Fail.with' $"'{path}': the gzip data is corrupt or cut short ({bytes.Length} bytes decompressed, its trailer says {hint})"
                bytes
            with
            | :? SeagullException -> reraise ()
            | e -> Fail.with' $"'{path}': the gzip data is corrupt or cut short ({e.Message.Replace('\n', ' ').TrimEnd('.')})"
        else raw

    let private bigEndian (bytes: byte[]) (at: int) : int =
        Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(ReadOnlySpan<byte>(bytes, at, 4))

    /// Checks the magic number and that the header's sizes account for every byte; returns the sizes.
    let private header (what: string) (path: string) (bytes: byte[]) (magic: int) (dims: int) : int[] =
        let headerLength = 4 + 4 * dims
        let kind = if magic = imagesMagic then "an IDX image file (magic 0x00000803)" else "an IDX label file (magic 0x00000801)"
        if bytes.Length >= 4 && bigEndian bytes 0 <> magic then
            Fail.with' $"'{path}': magic number 0x{bigEndian bytes 0:X8}, not {kind}; is it {what}?"
        if bytes.Length < headerLength then
            Fail.with' $"'{path}': {bytes.Length} bytes, too short for {kind}; is it {what}?"
        let sizes = Array.init dims (fun d -> bigEndian bytes (4 + 4 * d))
        let shape = sizes |> Array.map string |> String.concat "×"
        if sizes |> Array.exists (fun s -> s < 0) then Fail.with' $"'{path}': negative sizes in the header ({shape})"
        let expected = sizes |> Array.fold (fun n s -> n * int64 s) 1L
        let actual = int64 (bytes.Length - headerLength)
        if expected <> actual then
            let why = if actual < expected then "truncated" else "longer than its header says"
            Fail.with' $"'{path}': the header says {shape} = {expected} bytes of data, the file has {actual} ({why})"
        sizes

    /// The pixels (scaled to [0, 1]) and sizes (count, height, width) of an IDX image file.
    let readImages (path: string) : float32[] * int * int * int =
        let bytes = content "an IDX image file" path
        let sizes = header "an IDX image file" path bytes imagesMagic 3
        let count, height, width = sizes.[0], sizes.[1], sizes.[2]
        if count > 0 then ImageInput.imageSize $"'{path}'" width height 1 |> ignore
        ImageInput.requireRoom $"'{path}'" count (width * height)
        let pixels = GC.AllocateUninitializedArray<float32>(bytes.Length - 16)
        ImageInput.scaleAll (ReadOnlySpan<byte>(bytes, 16, pixels.Length)) (Span<float32> pixels)
        pixels, count, height, width

    /// The labels of an IDX label file.
    let readLabels (path: string) : int[] =
        let bytes = content "an IDX label file" path
        header "an IDX label file" path bytes labelsMagic 1 |> ignore
        Array.init (bytes.Length - 8) (fun i -> int bytes.[8 + i])

    /// An image set from an IDX image file and, optionally, its label file (class names "0" .. "K−1").
    let read (imagesPath: string) (labelsPath: string option) : ImageSet =
        let pixels, count, height, width = readImages imagesPath
        let labels =
            labelsPath |> Option.map (fun lp ->
                let labels = readLabels lp
                if labels.Length <> count then
                    Fail.with' $"'{lp}': {labels.Length} labels for the {count} images of '{imagesPath}'"
                labels)
        { Width = width; Height = height; Channels = 1; Pixels = pixels; Count = count
          Labels = labels
          ClassNames = (match labels with Some l -> ImageInput.numberedClasses l | None -> [||])
          Names = ImageInput.indexNames count }

    /// Where Debian's package dataset-fashion-mnist puts the files.
    let fashionMnistFolder = "/usr/share/datasets/fashion-mnist"

    /// Fashion-MNIST's classes (Xiao, Rasul & Vollgraf 2017), in label order.
    let fashionMnistClasses =
        [| "T-shirt/top"; "Trouser"; "Pullover"; "Dress"; "Coat"; "Sandal"; "Shirt"; "Sneaker"; "Bag"; "Ankle boot" |]

    /// A file of the folder, uncompressed or gzip-compressed (the name with ".gz").
    let private fileIn (folder: string) (name: string) : string =
        let plain = Path.Combine(folder, name)
        let gz = plain + ".gz"
        if File.Exists plain then plain
        elif File.Exists gz then gz
        else Fail.with' $"'{gz}': file not found (Fashion-MNIST's folder '{folder}' lacks {name}[.gz]; reinstall dataset-fashion-mnist)"

    /// One part (train or t10k) of Fashion-MNIST in `folder`, with the ten class names.
    let private fashionPart (folder: string) (part: string) : ImageSet =
        let labelsPath = fileIn folder $"{part}-labels-idx1-ubyte"
        let set = read (fileIn folder $"{part}-images-idx3-ubyte") (Some labelsPath)
        let k = set.ClassNames.Length
        if k > fashionMnistClasses.Length then
            Fail.with' $"'{labelsPath}': labels of {k} classes (0–{k - 1}), Fashion-MNIST has {fashionMnistClasses.Length}"
        { set with ClassNames = Array.copy fashionMnistClasses }

    /// Fashion-MNIST (train, test) from `folder`.
    let fashionMnistIn (folder: string) : ImageSet * ImageSet =
        if not (Directory.Exists folder) then
            Fail.with' $"Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist (puts it in {fashionMnistFolder})"
        fashionPart folder "train", fashionPart folder "t10k"
