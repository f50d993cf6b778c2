namespace Seagull.Core

open System

/// What early stopping watches on the validation part of a classifier's training data.
type StopOn =
    /// The highest validation accuracy (ties: the earliest epoch).
    | ValidationAccuracy
    /// The lowest validation cross-entropy.
    | ValidationLoss

/// Class-labelled data sets, fitting a classifier and predicting with it: the functional core behind
/// `seagull train --images` / `--classify`. A classification data set is a `Dataset` whose targets are one-hot
/// rows, one column per class named by the class: everything that takes, splits, swaps or augments rows works
/// on it unchanged. A classifier is a `Model` with `Task = Classification`: its outputs are logits.
[<RequireQualifiedAccess>]
module Classifier =
    /// A classification data set: inputs (rows × the symmetry's width) and one label per row, an index into
    /// `classNames` (at least 2 distinct names).
    /// Example: `Classifier.dataset (Symmetry.blocks 1 0) [| "u1"; "v1" |] [| "no"; "yes" |] [| 1.0; 2.0 |] [| 1 |]`.
    let dataset (symmetry: Symmetry) (inputNames: string[]) (classNames: string[]) (x: float[]) (labels: int[]) : Dataset =
        let classes = classNames.Length
        if classes < 2 then Fail.with' $"classification needs at least 2 classes, got {classes}"
        let y = Array.zeroCreate (labels.Length * classes)
        labels |> Array.iteri (fun i label ->
            if label < 0 || label >= classes then
                Fail.with' $"row {i + 1}: label {label} is outside the {classes} classes (0..{classes - 1})"
            y.[i * classes + label] <- 1.0)
        Dataset.create symmetry inputNames classNames x y

    /// `ofImages` with the pixels named `columns` (a pixel CSV's own column names, `Images.readCsvWithColumns`)
    /// when they can name inputs — one per pixel, distinct, not blank, none a class name — and pixel1, pixel2, …
    /// otherwise (a header that cannot name inputs still reads as pixels by position, as before).
    /// Example: `Classifier.ofImagesNamed LeftRight columns images`.
    let ofImagesNamed (axis: MirrorAxis) (columns: string[]) (images: ImageSet) : Dataset =
        match images.Labels with
        | None -> Fail.with' "the images have no labels"
        | Some labels ->
            let symmetry = Symmetry.mirror axis images.Width images.Height images.Channels
            let usable =
                columns.Length = symmetry.Width
                && columns |> Array.forall (fun n -> not (String.IsNullOrWhiteSpace n) && not (Array.contains n images.ClassNames))
                && (Array.distinct columns).Length = columns.Length
            let names = if usable then Array.copy columns else Symmetry.defaultNames symmetry
            dataset symmetry names images.ClassNames (Array.map float images.Pixels) labels

    /// The classification data set of labelled images under a mirror: inputs are the pixels (pixel1, pixel2, …),
    /// the symmetry `Symmetry.mirror axis` of the images' size.
    /// Example: `Classifier.ofImages LeftRight (Images.synthetic 0 100 16 16)`.
    let ofImages (axis: MirrorAxis) (images: ImageSet) : Dataset = ofImagesNamed axis [||] images

    /// Class indices and names of text labels: when every label is a non-negative integer the classes are
    /// "0" .. "K−1" (K = the largest + 1, at least 2); otherwise the distinct labels in ordinal order.
    /// Example: `Classifier.classesOf [| "cat"; "dog"; "cat" |] = ([| 0; 1; 0 |], [| "cat"; "dog" |])`.
    let classesOf (labels: string[]) : int[] * string[] =
        let asInteger (s: string) =
            match Int32.TryParse(s, Globalization.NumberStyles.None, Globalization.CultureInfo.InvariantCulture) with
            | true, v -> ValueSome v
            | _ -> ValueNone
        let numbers = labels |> Array.map asInteger
        if numbers |> Array.forall (fun n -> n.IsSome) then
            let indices = numbers |> Array.map (fun n -> n.Value)
            let k = max 2 ((Array.fold max 0 indices) + 1)
            indices, Array.init k string
        else
            let names = labels |> Array.distinct |> Array.sortWith (fun a b -> String.CompareOrdinal(a, b))
            let index = names |> Array.mapi (fun k n -> n, k) |> dict
            labels |> Array.map (fun l -> index.[l]), names

    /// A classification data set from a CSV file: inputs u, v, w by `roles` and the labels of its one target
    /// column (`Csv.loadLabelled`, classes by `classesOf`). Returns the data set and the rows dropped.
    /// Example: `let data, _ = Classifier.ofCsv CsvReadOptions.Default "pairs.csv" roles`.
    let ofCsv (options: CsvReadOptions) (path: string) (roles: ColumnRoles) : Dataset * int =
        let symmetry, inputNames, x, labels, _, dropped = Csv.loadLabelled options path roles
        let indices, names = classesOf labels
        if names.Length < 2 then Fail.with' $"'{path}': every row has the label '{names.[0]}'; a classifier needs at least 2 classes"
        dataset symmetry inputNames names x indices, dropped

    /// The label (class index) of every row of a classification data set: the column of its one-hot row.
    let labels (data: Dataset) : int[] =
        let classes = Dataset.targets data
        Array.init data.Rows (fun i ->
            let row = ReadOnlySpan(data.Y, i * classes, classes)
            let at = row.IndexOf 1.0
            if at < 0 then Fail.with' $"row {i + 1} has no class (its targets are not one-hot)" else at)

    /// The data with its classes renamed into `classNames`' order (a model's classes): every class of the data
    /// must be one of them; classes of the model the data lacks get no rows. Used to test a model on data that
    /// holds only some of its classes, or holds them in another order.
    /// Example: `Classifier.align model.TargetNames test`.
    let align (classNames: string[]) (data: Dataset) : Dataset =
        if data.TargetNames = classNames then data
        else
            let known = String.Join(", ", classNames)
            let index = classNames |> Array.mapi (fun i n -> n, i) |> dict
            let map =
                data.TargetNames |> Array.map (fun n ->
                    match index.TryGetValue n with
                    | true, i -> i
                    | _ -> Fail.with' $"the data has a class '{n}' that the model does not know (its classes: {known})")
            dataset data.Symmetry data.InputNames classNames data.X (labels data |> Array.map (fun l -> map.[l]))

    /// The labelled rows of a CSV file, for a model whose classes are `classNames` and whose inputs are
    /// `inputNames` under `symmetry`: an image model's file is a pixel CSV (`Images.readCsv`, its W×H×C), a table
    /// model's holds the input columns by name; the label column (by name or 0-based position) holds class names.
    /// A label that is not one of the classes is an error naming it. Returns the data set and the rows dropped.
    let labelledCsv (symmetry: Symmetry) (inputNames: string[]) (classNames: string[]) (options: CsvReadOptions) (path: string) (labelColumn: string) : Dataset * int =
        match symmetry.Shape with
        | Mirror (axis, w, h, c) ->
            let images = Images.readCsv path w h c (Some labelColumn)
            align classNames (ofImages axis images), 0
        | _ ->
            let names (columns: int[]) = columns |> Array.map (fun j -> Name inputNames.[j]) |> List.ofArray
            let roles = { U = names symmetry.UColumns; V = names symmetry.VColumns; W = names symmetry.WColumns; Y = [ ColumnRef.parse labelColumn ] }
            let read, readNames, x, labels, _, dropped = Csv.loadLabelled options path roles
            if not (read.Equals symmetry) || readNames <> inputNames then
                Fail.with' $"'{path}': the model's inputs are not blocks [u | v | w] that a CSV file's columns can be read as"
            let index = classNames |> Array.mapi (fun i n -> n, i) |> dict
            let known = String.Join(", ", classNames)
            let indices =
                labels |> Array.mapi (fun i l ->
                    match index.TryGetValue l with
                    | true, k -> k
                    | _ -> Fail.with' $"'{path}' data row {i + 1}: the label '{l}' is not one of the model's classes ({known})")
            dataset symmetry inputNames classNames x indices, dropped

    /// The standardisation of a classifier's inputs: for images (a mirror symmetry) one scalar mean and one
    /// scalar standard deviation over every training pixel, since per-pixel statistics are not mirror symmetric
    /// and would break exact invariance; for tables `Standardization.fit`'s per column (u and v pooled). The
    /// logits are not standardised (means 0, scales 1).
    let standardization (train: Dataset) : Standardization =
        let classes = Dataset.targets train
        let tableFit () = { Standardization.fit train with TargetMean = Array.zeroCreate classes; TargetScale = Array.create classes 1.0 }
        match train.Symmetry.Shape with
        | Mirror _ ->
            let n = float train.X.Length
            let mutable sum = 0.0
            for v in train.X do sum <- sum + v
            let mean = sum / n
            let mutable squares = 0.0
            for v in train.X do squares <- squares + (v - mean) * (v - mean)
            let sd = sqrt (squares / n)
            let scale = if Double.IsFinite sd && sd > 0.0 then sd else 1.0
            let width = train.Symmetry.Width
            { InputMean = Array.create width mean; InputScale = Array.create width scale
              TargetMean = Array.zeroCreate classes; TargetScale = Array.create classes 1.0 }
        | _ -> tableFit ()

    /// Predicted class of every row from row-major logits (rows × classes): the largest logit (ties: the
    /// lowest class index).
    let argmax (classes: int) (logits: float[]) : int[] =
        Array.init (logits.Length / classes) (fun i ->
            let mutable best = 0
            for c in 1 .. classes - 1 do
                if logits.[i * classes + c] > logits.[i * classes + best] then best <- c
            best)

    /// Softmax probabilities of row-major logits (rows × classes), computed stably (the row's largest logit
    /// subtracted first).
    let softmax (classes: int) (logits: float[]) : float[] =
        let p = Array.zeroCreate logits.Length
        for i in 0 .. logits.Length / classes - 1 do
            let o = i * classes
            let mutable top = Double.NegativeInfinity
            for c in 0 .. classes - 1 do top <- max top logits.[o + c]
            let mutable sum = 0.0
            for c in 0 .. classes - 1 do
                let e = exp (logits.[o + c] - top)
                p.[o + c] <- e
                sum <- sum + e
            for c in 0 .. classes - 1 do p.[o + c] <- p.[o + c] / sum
        p

    let private requireClassifier (model: Model) =
        if model.Task <> Classification then Fail.with' "this model is a regression model, not a classifier"

    /// The logits of row-major inputs in the model's column order (rows × classes).
    let logits (model: Model) (x: float[]) : float[] =
        requireClassifier model
        Regressor.predictIn (Kernels.StepArena()) true model x

    /// The class probabilities of row-major inputs (rows × classes, each row summing to 1).
    let probabilities (model: Model) (x: float[]) : float[] = softmax model.TargetNames.Length (logits model x)

    /// The predicted class index of every row of row-major inputs.
    let predict (model: Model) (x: float[]) : int[] = argmax model.TargetNames.Length (logits model x)

    /// Fits a classifier on a classification data set (`dataset`): softmax cross-entropy on the logits of the
    /// network's last layer, one output per class. With a `ValidationFraction`, that part is held out and the
    /// epoch with the best `stopOn` measure on it is kept (early stopping with `Training.Patience`). The
    /// settings' `Loss` is ignored; `Augment` swaps each row of every batch with probability ½ (random flips
    /// of images); the penalty works as for regression.
    /// Example: `let model, result = Classifier.fit spec Regressor.defaults ValidationAccuracy train`.
    let fit (spec: NetworkSpec) (settings: FitSettings) (stopOn: StopOn) (train: Dataset) : Model * TrainResult =
        let settings = Regressor.validate settings
        if not (train.Symmetry.Equals spec.Symmetry) then
            Fail.with' $"the data's inputs are {train.Symmetry} but the network expects {spec.Symmetry}"
        let classes = Dataset.targets train
        let outputs = Network.outputs spec
        if classes <> outputs then Fail.with' $"the data has {classes} classes but the network has {outputs} outputs"
        Regressor.requireFitRows train.Rows settings.ValidationFraction
        let fitPart, validationPart =
            match settings.ValidationFraction with
            | Some _ -> let a, b = Regressor.fitRows settings train.Rows in Dataset.take a train, Some (Dataset.take b train)
            | None -> train, None
        let s = standardization fitPart
        let width = spec.Symmetry.Width
        let toTensors (ds: Dataset) =
            Tensor.ofArray spec.Precision [| ds.Rows; width |] (Standardization.applyInputs s ds.X),
            Tensor.ofArray spec.Precision [| ds.Rows; classes |] ds.Y
        let x, y = toTensors fitPart
        let model p =
            { Spec = spec; Params = p; Standardization = s; InputNames = train.InputNames; TargetNames = train.TargetNames
              Source = ""; Task = Classification }
        let validation = validationPart |> Option.map toTensors
        let score =
            match stopOn, validationPart with
            | ValidationAccuracy, Some part ->
                let truth = labels part
                let vx = Standardization.applyInputs s part.X
                Some (fun p ->
                    // Standardised already: the logits of the network itself, chunk by chunk.
                    let m = { model p with Standardization = { s with InputMean = Array.zeroCreate width; InputScale = Array.create width 1.0 } }
                    let predicted = argmax classes (Regressor.predictIn (Kernels.StepArena()) false m vx)
                    let mutable wrong = 0
                    for i in 0 .. truth.Length - 1 do if predicted.[i] <> truth.[i] then wrong <- wrong + 1
                    float wrong / float truth.Length)
            | _ -> None
        let training =
            { settings.Training with
                Validation = validation
                ValidationScore = score
                // Augmentation of a classifier is random swaps (random flips of images) batch by batch, as image
                // training does it, not the regressor's doubled data.
                RandomSwaps = if settings.Augment then Some spec.Symmetry else None
                Monitor = settings.Monitor |> Option.map (fun m p -> m (model p))
                Penalty = if settings.Penalty > 0.0 then Some { Weight = settings.Penalty; Symmetry = spec.Symmetry } else None }
        Network.requireMemory spec 1
        let initial = Network.init spec (Random.key settings.Training.Seed)
        let result = Train.fit (Network.apply spec) Loss.softmaxCrossEntropy initial x y training
        model result.Params, result
