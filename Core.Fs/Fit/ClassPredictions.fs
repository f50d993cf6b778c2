namespace Seagull.Core

open System
open System.IO
open System.Text

/// A classifier's predictions written as CSV: the predicted class name in a `prediction` column and one
/// `p_<class>` column of softmax probabilities per class, in round-trip form. Files are written atomically.
[<RequireQualifiedAccess>]
module ClassPredictions =
    /// The probability columns' names, `p_<class>`, made distinct from `taken` (and each other) by a trailing `_`.
    let columns (taken: string[]) (classNames: string[]) : string[] =
        let used = Collections.Generic.HashSet<string>(taken, StringComparer.Ordinal)
        classNames |> Array.map (fun c ->
            let mutable name = $"p_{c}"
            while not (used.Add name) do name <- name + "_"
            name)

    let private requireClassifier (model: Model) =
        if model.Task <> Classification then Fail.with' "this model is a regression model, not a classifier"

    /// Writes `image,prediction,p_<class>…` for every image of `images` (its `Names`: relative paths or indices).
    /// The images must have the model's size.
    let writeImages (model: Model) (images: ImageSet) (out: TextWriter) : unit =
        requireClassifier model
        let width = images.Width * images.Height * images.Channels
        if width <> model.Spec.Symmetry.Width then
            Fail.with' $"the images are {images.Width}×{images.Height}×{images.Channels} but the model takes {model.Spec.Symmetry.Width} inputs ({model.Spec.Symmetry})"
        let classes = model.TargetNames.Length
        let text = StringBuilder()
        Csv.appendLine text (Array.append [| "image"; "prediction" |] (columns [| "image"; "prediction" |] model.TargetNames)) [||] 0 0
        out.Write text
        // In chunks, so that the logits of a large set are never all in memory at once.
        let chunk = 4096
        for start in 0 .. chunk .. images.Count - 1 do
            text.Clear() |> ignore
            let count = min chunk (images.Count - start)
            let x = Array.init (count * width) (fun i -> float images.Pixels.[start * width + i])
            let z = Classifier.logits model x
            let p = Classifier.softmax classes z
            let predicted = Classifier.argmax classes z
            for i in 0 .. count - 1 do
                Csv.appendLine text [| images.Names.[start + i]; model.TargetNames.[predicted.[i]] |] p (i * classes) classes
            out.Write text

    /// `writeImages` into `path`, atomically.
    let writeImagesFile (model: Model) (images: ImageSet) (path: string) : unit =
        AtomicFile.writeText path (writeImages model images)

    /// The header of a file's predictions: its own columns, then `prediction` (`prediction_` when it has one) and
    /// the `p_<class>` columns.
    let private predictionHeader (model: Model) (header: string[]) : string[] =
        let prediction = if Array.contains "prediction" header then "prediction_" else "prediction"
        Array.concat [ header; [| prediction |]; columns (Array.append header [| prediction |]) model.TargetNames ]

    /// Appends `count` rows: each one's fields as written, then its predicted class and probabilities for the
    /// inputs `x` (`count` rows of the model's inputs).
    let private appendPredicted (model: Model) (text: StringBuilder) (fields: string[][]) (x: float[]) (count: int) =
        let classes = model.TargetNames.Length
        let z = Classifier.logits model x
        let p = Classifier.softmax classes z
        let predicted = Classifier.argmax classes z
        for i in 0 .. count - 1 do
            Csv.appendLine text (Array.append fields.[i] [| model.TargetNames.[predicted.[i]] |]) p (i * classes) classes

    /// Writes every row of a CSV file opened for the model (`Csv.openForModel` with the model's input names) as it
    /// was, followed by `prediction` and the `p_<class>` columns, chunk by chunk. Returns the number of rows.
    let writeRows (model: Model) (rows: Csv.ModelRows) (out: TextWriter) (cancel: Threading.CancellationToken) : int64 =
        requireClassifier model
        let headers = predictionHeader model rows.Header
        let text = StringBuilder()
        let mutable first = true
        while rows.Next cancel do
            let x = if rows.Count = rows.ChunkRows then rows.Inputs else Array.sub rows.Inputs 0 (rows.Count * rows.Width)
            if first then
                Csv.appendLine text headers [||] 0 0
                first <- false
            appendPredicted model text rows.Fields x rows.Count
            cancel.ThrowIfCancellationRequested()
            out.Write text
            text.Clear() |> ignore
        rows.RowsRead

    /// Writes every row of an image classifier's pixel CSV (`inputPath`) as it was — ids, labels and pixels —
    /// followed by `prediction` and the `p_<class>` columns, as `writeRows` does for a table: the pixels are the
    /// model's input columns by name, or, for a model whose names the file lacks, every column but `label` by
    /// position. Streamed 4096 rows at a time. Returns the number of rows.
    let writePixelRows (model: Model) (inputPath: string) (out: TextWriter) (cancel: Threading.CancellationToken) : int64 =
        requireClassifier model
        let text = StringBuilder()
        let header (fields: string[]) = Csv.appendLine text (predictionHeader model fields) [||] 0 0
        let chunk (fields: string[][]) (pixels: float[]) (count: int) =
            appendPredicted model text fields (Array.sub pixels 0 (count * model.InputNames.Length)) count
            cancel.ThrowIfCancellationRequested()
            out.Write text
            text.Clear() |> ignore
        PixelCsv.streamForModel inputPath model.InputNames 4096 header chunk

    /// Predictions for every row of the CSV file `inputPath` (table classifiers: the model's input columns by
    /// name; image classifiers: a pixel CSV, `writePixelRows`), written to `outputPath` atomically (`writeRows`). Returns the number of rows.
    let predictCsv (model: Model) (inputPath: string) (outputPath: string) (cancel: Threading.CancellationToken) : int64 =
        let mutable n = 0L
        match model.Spec.Symmetry.Shape with
        | Mirror _ -> AtomicFile.writeText outputPath (fun out -> n <- writePixelRows model inputPath out cancel)
        | _ ->
            use rows = Csv.openForModel inputPath model.InputNames []
            AtomicFile.writeText outputPath (fun out -> n <- writeRows model rows out cancel)
        n
