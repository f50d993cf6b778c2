namespace Seagull.Core

/// A small built-in image data set for quick demonstrations: four classes of simple shapes, each symmetric
/// about its own vertical axis, at random positions, with random brightness and Gaussian noise. The left-right
/// mirror of a sample is an equally likely sample of the same class.
module internal SyntheticImages =
    /// The classes, in label order.
    let classNames = [| "square"; "ring"; "bar"; "cross" |]

    /// The noise's standard deviation (before clipping to [0, 1]).
    let private noise = 0.3

    /// Whether pixel (r, c) of an s×s box (or, for a bar, a length×thickness box) belongs to the class's shape.
    /// Every shape is symmetric under c ↔ width−1−c of its box.
    let private inShape (label: int) (boxWidth: int) (boxHeight: int) (r: int) (c: int) : bool =
        let dc = abs (2.0 * float c - float (boxWidth - 1)) / 2.0
        let dr = abs (2.0 * float r - float (boxHeight - 1)) / 2.0
        match label with
        | 0 -> true                                                      // filled square
        | 1 ->                                                           // ring (circle outline)
            let radius = float boxWidth / 2.0
            let d = sqrt (dc * dc + dr * dr)
            d <= radius && d >= radius - 1.6
        | 2 -> true                                                      // horizontal bar: the box is wide and thin
        | _ ->                                                           // cross (plus sign)
            let arm = max 0.5 (float boxWidth / 8.0)
            dc <= arm || dr <= arm

    /// Image `i` of the set of `seed`: its label and its pixels written into `pixels` at `offset`.
    let private draw (seed: int) (i: int) (width: int) (height: int) (pixels: float32[]) (offset: int) : int =
        let key = Random.fold (Random.key seed) i
        let shapeKey, noiseKey = Random.split key
        let u = Random.uniforms shapeKey 6 0.0 1.0
        let label = min 3 (int (u.[0] * 4.0))
        let side = min width height
        let pick (lo: int) (hi: int) (x: float) = lo + min (hi - lo) (int (x * float (hi - lo + 1)))
        let boxWidth, boxHeight =
            match label with
            | 2 -> pick (width / 2) (width * 4 / 5) u.[1], pick 2 (max 2 (height / 8)) u.[2]
            | _ -> let s = pick (max 4 (side / 3)) (max 4 (side * 2 / 3)) u.[1] in s, s
        // The box's left edge is uniform over the positions where it fits: mirrored, it is again such a position.
        let x0 = pick 0 (width - boxWidth) u.[3]
        let y0 = pick 0 (height - boxHeight) u.[4]
        let brightness = 0.35 + 0.65 * u.[5]
        let n = Random.normals noiseKey (width * height)
        for r in 0 .. height - 1 do
            for c in 0 .. width - 1 do
                let br, bc = r - y0, c - x0
                let on = br >= 0 && br < boxHeight && bc >= 0 && bc < boxWidth && inShape label boxWidth boxHeight br bc
                let v = (if on then brightness else 0.0) + noise * n.[r * width + c]
                pixels.[offset + r * width + c] <- float32 (max 0.0 (min 1.0 v))
        label

    /// `count` images of `width`×`height` (see `Images.synthetic`).
    let generate (seed: int) (count: int) (width: int) (height: int) : ImageSet =
        if width < 8 || height < 8 then Fail.with' $"synthetic images: width and height must be at least 8, got {width}×{height}"
        if count < 1 then Fail.with' $"synthetic images: the count must be at least 1, got {count}"
        let size = ImageInput.imageSize "synthetic images" width height 1
        ImageInput.requireRoom "synthetic images" count size
        let pixels = Array.zeroCreate<float32> (count * size)
        let labels = Array.init count (fun i -> draw seed i width height pixels (i * size))
        { Width = width; Height = height; Channels = 1; Pixels = pixels; Count = count
          Labels = Some labels; ClassNames = Array.copy classNames; Names = ImageInput.indexNames count }
