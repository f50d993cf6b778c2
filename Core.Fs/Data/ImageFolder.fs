namespace Seagull.Core

open System
open System.IO
open System.Threading.Tasks
open StbImageSharp

/// Folders of image files (PNG, JPEG, BMP), decoded with StbImageSharp (managed code, no native library).
/// Labelled, the layout is torchvision's ImageFolder: one subfolder per class, its images inside.
module internal ImageFolder =
    let private extensions = set [ ".png"; ".jpg"; ".jpeg"; ".bmp" ]

    let private isImage (path: string) = extensions.Contains(Path.GetExtension(path).ToLowerInvariant())

    let private isHidden (path: string) = Path.GetFileName(path).StartsWith '.'

    let private ordinal (xs: string seq) = xs |> Seq.sortWith (fun a b -> String.CompareOrdinal(a, b)) |> Array.ofSeq

    let private notAnImage (path: string) : 'a =
        Fail.with' $"'{path}': not an image file (.png, .jpg, .jpeg or .bmp expected); move it out of the folder or start its name with '.'"

    /// The image files under `folder`, recursively, unsorted; hidden files and folders skipped; any other file
    /// is an error naming it.
    let rec private imagesBelow (folder: string) : string[] =
        let files = Directory.GetFiles folder |> Array.filter (isHidden >> not) |> ordinal
        for f in files do if not (isImage f) then notAnImage f
        let below = Directory.GetDirectories folder |> Array.filter (isHidden >> not) |> ordinal |> Array.collect imagesBelow
        Array.append files below

    /// `path` relative to the folder `full` (a full path), with forward slashes.
    let private relative (full: string) (path: string) = Path.GetRelativePath(full, Path.GetFullPath path).Replace('\\', '/')

    /// The image files under `folder`, recursively, sorted by their path relative to it (ordinal).
    let private imagesUnder (folder: string) : string[] =
        let full = Path.GetFullPath folder
        let files = imagesBelow folder
        let keys = files |> Array.map (relative full)
        Array.zip keys files |> Array.sortWith (fun (a, _) (b, _) -> String.CompareOrdinal(a, b)) |> Array.map snd

    let private requireFolder (path: string) =
        if String.IsNullOrWhiteSpace path then Fail.with' "image folder: no folder given"
        if File.Exists path then Fail.with' $"'{path}': is a file, not a folder of images"
        if not (Directory.Exists path) then Fail.with' $"'{path}': folder not found"

    /// The files to read, with their class index (-1 when unlabelled) and class names.
    let private listing (root: string) (labelled: bool) : (string * int)[] * string[] =
        requireFolder root
        try
            if labelled then
                let classes = Directory.GetDirectories root |> Seq.filter (isHidden >> not) |> ordinal
                for f in Directory.GetFiles root |> Seq.filter (isHidden >> not) |> ordinal do
                    if isImage f then
                        Fail.with' $"'{f}': an image outside the class folders; labelled images go in one subfolder per class ('{root}/CLASS/image.png')"
                    else notAnImage f
                if classes.Length = 0 then
                    Fail.with' $"'{root}': no class subfolders; labelled images go in one subfolder per class ('{root}/CLASS/image.png')"
                let files =
                    classes |> Array.mapi (fun k dir ->
                        let images = imagesUnder dir
                        if images.Length = 0 then Fail.with' $"'{dir}': the class folder holds no images (.png, .jpg, .jpeg or .bmp)"
                        images |> Array.map (fun f -> f, k))
                Array.concat files, classes |> Array.map Path.GetFileName
            else
                let images = imagesUnder root
                if images.Length = 0 then Fail.with' $"'{root}': no images (.png, .jpg, .jpeg or .bmp) in the folder or below"
                images |> Array.map (fun f -> f, -1), [||]
        with
        | :? UnauthorizedAccessException as e -> Fail.with' $"'{root}': cannot be listed ({e.Message.Replace('\n', ' ').TrimEnd('.')})"
        | :? IOException as e -> Fail.with' $"'{root}': cannot be listed ({e.Message.Replace('\n', ' ').TrimEnd('.')})"

    let private reason (e: exn) = e.Message.Replace('\r', ' ').Replace('\n', ' ').TrimEnd('.')

    /// The size and colour of an image file, from its header.
    let private info (path: string) : ImageInfo =
        let found =
            try
                use stream = File.OpenRead path
                ImageInfo.FromStream stream
            with e -> Fail.with' $"'{path}': cannot be read ({reason e})"
        if found.HasValue then found.Value
        else Fail.with' $"'{path}': not a PNG, JPEG or BMP image the decoder understands (corrupt, or another format)"

    let private isGrey (c: ColorComponents) = c = ColorComponents.Grey || c = ColorComponents.GreyAlpha

    /// Decodes one image with `channels` (1 or 3) into `pixels` at `offset`; None, or the error message.
    let private decodeInto (path: string) (channels: int) (width: int) (height: int) (pixels: float32[]) (offset: int) : string option =
        try
            let bytes = File.ReadAllBytes path
            let wanted = if channels = 1 then ColorComponents.Grey else ColorComponents.RedGreenBlue
            let image = ImageResult.FromMemory(bytes, wanted)
            if isNull image || isNull image.Data then Some $"'{path}': the image cannot be decoded (corrupt?)"
            elif image.Width <> width || image.Height <> height then
                Some $"'{path}': decodes to {image.Width}×{image.Height}, its header says {width}×{height} (corrupt?)"
            elif image.Data.Length <> width * height * channels then Some $"'{path}': the decoder gave {image.Data.Length} values, not {width}×{height}×{channels}"
            else
                ImageInput.scaleAll (ReadOnlySpan<byte> image.Data) (Span<float32>(pixels, offset, image.Data.Length))
                None
        with e -> Some $"'{path}': the image cannot be decoded ({reason e})"

    /// The images of a folder (see `Images.readFolder`).
    let read (root: string) (labelled: bool) : ImageSet =
        let files, classNames = listing root labelled
        let infos = files |> Array.map (fst >> info)
        let first = infos.[0]
        infos |> Array.iteri (fun i v ->
            if v.Width <> first.Width || v.Height <> first.Height then
                Fail.with' ($"'{fst files.[i]}' is {v.Width}×{v.Height}, '{fst files.[0]}' is {first.Width}×{first.Height}: "
                            + "all images must have the same size"))
        let channels = if infos |> Array.forall (fun v -> isGrey v.ColorComponents) then 1 else 3
        let size = ImageInput.imageSize $"'{root}'" first.Width first.Height channels
        ImageInput.requireRoom $"'{root}'" files.Length size
        let pixels = Array.zeroCreate<float32> (files.Length * size)
        let errors = Array.create files.Length None
        Parallel.For(0, files.Length, fun i -> errors.[i] <- decodeInto (fst files.[i]) channels first.Width first.Height pixels (i * size))
        |> ignore
        match errors |> Array.tryPick id with
        | Some message -> Fail.with' message
        | None -> ()
        let full = Path.GetFullPath root
        { Width = first.Width; Height = first.Height; Channels = channels; Pixels = pixels; Count = files.Length
          Labels = (if labelled then Some (files |> Array.map snd) else None)
          ClassNames = classNames
          Names = files |> Array.map (fst >> relative full) }
