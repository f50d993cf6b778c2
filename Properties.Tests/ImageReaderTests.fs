/// Image data readers on data the tests make: IDX files (gzip and not), folders of PNG, JPEG and BMP files written
/// with StbImageWriteSharp, pixel CSVs; every bad input a one-line error naming the file.
module Seagull.Tests.ImageReaderTests

open System
open System.IO
open System.IO.Compression
open Xunit
open Seagull.Core
open Seagull.Testing
open StbImageWriteSharp

// ---- helpers ------------------------------------------------------------------------------------------

let private root =
    let d = Path.Combine(Path.GetTempPath(), "seagull-image-tests", Guid.NewGuid().ToString "N")
    Directory.CreateDirectory d |> ignore
    d

/// A fresh empty folder under the tests' temporary folder.
let private folder (name: string) =
    let d = Path.Combine(root, name + "-" + Guid.NewGuid().ToString("N").Substring(0, 6))
    Directory.CreateDirectory d |> ignore
    d

let private write (path: string) (bytes: byte[]) =
    Directory.CreateDirectory(Path.GetDirectoryName path) |> ignore
    File.WriteAllBytes(path, bytes)
    path

let private gzip (bytes: byte[]) =
    use out = new MemoryStream()
    (use z = new GZipStream(out, CompressionLevel.Fastest, true) in z.Write(bytes, 0, bytes.Length))
    out.ToArray()

let private bigEndian (n: int) = [| byte (n >>> 24); byte (n >>> 16); byte (n >>> 8); byte n |]

/// An IDX image file's bytes: magic 0x00000803, n, rows, cols, then the pixels.
let private idxImages (n: int) (rows: int) (cols: int) (pixels: byte[]) =
    Array.concat [ bigEndian 0x803; bigEndian n; bigEndian rows; bigEndian cols; pixels ]

/// An IDX label file's bytes: magic 0x00000801, n, then the labels.
let private idxLabels (labels: byte[]) = Array.concat [ bigEndian 0x801; bigEndian labels.Length; labels ]

/// What the readers make of an 8-bit value.
let private scaled (b: byte) = float32 b / 255.0f

/// Pixel bytes 0, 7, 14, … (mod 256) for `n` values.
let private ramp (n: int) (start: int) = Array.init n (fun i -> byte ((start + 7 * i) % 256))

/// Asserts that `work` raises a one-line SeagullException whose message holds every one of `parts`; returns it.
let private fails (parts: string list) (work: unit -> 'a) : string =
    let e = Assert.Throws<SeagullException>(fun () -> work () |> ignore)
    for p in parts do
        Assert.True(e.Message.Contains(p: string), $"expected '{p}' in: {e.Message}")
    Assert.DoesNotContain("\n", e.Message)
    e.Message

let private png (path: string) (width: int) (height: int) (comp: ColorComponents) (data: byte[]) =
    Directory.CreateDirectory(Path.GetDirectoryName path) |> ignore
    use s = File.Create path
    ImageWriter().WritePng(data, width, height, comp, s)
    path

let private jpg (path: string) (width: int) (height: int) (comp: ColorComponents) (data: byte[]) =
    Directory.CreateDirectory(Path.GetDirectoryName path) |> ignore
    use s = File.Create path
    ImageWriter().WriteJpg(data, width, height, comp, s, 100)
    path

let private bmp (path: string) (width: int) (height: int) (comp: ColorComponents) (data: byte[]) =
    Directory.CreateDirectory(Path.GetDirectoryName path) |> ignore
    use s = File.Create path
    ImageWriter().WriteBmp(data, width, height, comp, s)
    path

let private image (set: ImageSet) (i: int) =
    let size = set.Width * set.Height * set.Channels
    set.Pixels.[i * size .. (i + 1) * size - 1]

// ---- IDX -----------------------------------------------------------------------------------------------

[<Fact>]
let ``readIdx reads IDX images and labels, gzip-compressed or not, pixels exactly /255`` () =
    let dir = folder "idx"
    let pixels = ramp (5 * 3 * 4) 3
    let labels = [| 0uy; 3uy; 1uy; 3uy; 0uy |]
    // the gzip file is named without .gz and the plain one with it: the bytes decide, not the name
    let imagesGz = write (Path.Combine(dir, "images-idx3-ubyte")) (gzip (idxImages 5 3 4 pixels))
    let labelsPlain = write (Path.Combine(dir, "labels-idx1-ubyte.gz")) (idxLabels labels)
    let imagesPlain = write (Path.Combine(dir, "plain-images")) (idxImages 5 3 4 pixels)
    let labelsGz = write (Path.Combine(dir, "gz-labels")) (gzip (idxLabels labels))
    for images, labelFile in [ imagesGz, labelsPlain; imagesPlain, labelsGz ] do
        let set = Images.readIdx images (Some labelFile)
        Assert.Equal((4, 3, 1, 5), (set.Width, set.Height, set.Channels, set.Count))
        Assert.Equal<float32[]>(Array.map scaled pixels, set.Pixels)
        Assert.Equal<int[]>([| 0; 3; 1; 3; 0 |], set.Labels.Value)
        Assert.Equal<string[]>([| "0"; "1"; "2"; "3" |], set.ClassNames)
        Assert.Equal<string[]>([| "0"; "1"; "2"; "3"; "4" |], set.Names)
    let unlabelled = Images.readIdx imagesPlain None
    Assert.Equal(None, unlabelled.Labels)
    Assert.Empty unlabelled.ClassNames
    // a single class still has two class names
    let one = write (Path.Combine(dir, "zeros")) (idxLabels [| 0uy; 0uy; 0uy; 0uy; 0uy |])
    Assert.Equal<string[]>([| "0"; "1" |], (Images.readIdx imagesPlain (Some one)).ClassNames)
    // every byte value scales as float32 b / 255
    let all = write (Path.Combine(dir, "all")) (idxImages 1 16 16 (Array.init 256 byte))
    let set = Images.readIdx all None
    Assert.Equal(0.0f, set.Pixels.[0])
    Assert.Equal(1.0f, set.Pixels.[255])
    Assert.Equal<float32[]>(Array.init 256 (byte >> scaled), set.Pixels)

[<Fact>]
let ``readIdx refuses bad IDX files with the file named`` () =
    let dir = folder "idx-bad"
    let images = write (Path.Combine(dir, "images")) (idxImages 3 2 2 (ramp 12 0))
    let labels = write (Path.Combine(dir, "labels")) (idxLabels [| 0uy; 1uy; 1uy |])
    // wrong magic: the two files swapped
    fails [ labels; "magic number 0x00000801"; "not an IDX image file" ] (fun () -> Images.readIdx labels (Some images)) |> ignore
    fails [ images; "magic number 0x00000803"; "not an IDX label file" ] (fun () -> Images.readIdx images (Some images)) |> ignore
    // truncated and too long
    let truncated = write (Path.Combine(dir, "truncated")) (idxImages 3 2 2 (ramp 11 0))
    fails [ truncated; "truncated"; "3×2×2" ] (fun () -> Images.readIdx truncated None) |> ignore
    let long = write (Path.Combine(dir, "long")) (idxImages 3 2 2 (ramp 13 0))
    fails [ long; "longer" ] (fun () -> Images.readIdx long None) |> ignore
    let short = write (Path.Combine(dir, "short")) [| 0uy; 0uy; 8uy |]
    fails [ short; "too short" ] (fun () -> Images.readIdx short None) |> ignore
    let shortLabels = write (Path.Combine(dir, "short-labels")) (Array.sub (idxLabels [| 1uy; 2uy; 3uy |]) 0 10)
    fails [ shortLabels; "truncated" ] (fun () -> Images.readIdx images (Some shortLabels)) |> ignore
    // a label count other than the image count names both files
    let four = write (Path.Combine(dir, "four-labels")) (idxLabels [| 0uy; 1uy; 1uy; 0uy |])
    fails [ four; images; "4 labels"; "3 images" ] (fun () -> Images.readIdx images (Some four)) |> ignore
    // corrupt gzip
    let good = gzip (idxImages 3 2 2 (ramp 12 0))
    let corrupt = write (Path.Combine(dir, "corrupt.gz")) (Array.append (Array.sub good 0 12) (Array.create 20 0xFFuy))
    fails [ corrupt; "gzip" ] (fun () -> Images.readIdx corrupt None) |> ignore
    let cut = write (Path.Combine(dir, "cut.gz")) (Array.sub good 0 (good.Length - 12))
    fails [ cut; "gzip" ] (fun () -> Images.readIdx cut None) |> ignore
    let stub = write (Path.Combine(dir, "stub.gz")) [| 0x1fuy; 0x8buy; 8uy |]
    fails [ stub; "gzip" ] (fun () -> Images.readIdx stub None) |> ignore
    // missing files and folders
    let missing = Path.Combine(dir, "missing")
    fails [ missing; "not found" ] (fun () -> Images.readIdx missing None) |> ignore
    fails [ missing; "not found" ] (fun () -> Images.readIdx images (Some missing)) |> ignore
    fails [ dir; "folder" ] (fun () -> Images.readIdx dir None) |> ignore

[<Fact>]
let ``Fashion-MNIST's folder: the four files, .gz or not, the ten class names, and the errors`` () =
    let dir = folder "fashion"
    write (Path.Combine(dir, "train-images-idx3-ubyte.gz")) (gzip (idxImages 3 2 2 (ramp 12 0))) |> ignore
    write (Path.Combine(dir, "train-labels-idx1-ubyte.gz")) (gzip (idxLabels [| 9uy; 0uy; 4uy |])) |> ignore
    write (Path.Combine(dir, "t10k-images-idx3-ubyte")) (idxImages 2 2 2 (ramp 8 5)) |> ignore
    let testLabels = write (Path.Combine(dir, "t10k-labels-idx1-ubyte")) (idxLabels [| 1uy; 2uy |])
    let train, test = Idx.fashionMnistIn dir
    Assert.Equal((3, 2), (train.Count, test.Count))
    Assert.Equal<int[]>([| 9; 0; 4 |], train.Labels.Value)
    Assert.Equal<string[]>(Images.fashionMnistClasses, train.ClassNames)
    Assert.Equal<string[]>(Images.fashionMnistClasses, test.ClassNames)
    Assert.Equal("Ankle boot", train.ClassNames.[9])
    Assert.Equal("T-shirt/top", test.ClassNames.[0])
    Assert.Equal<float32[]>(Array.map scaled (ramp 8 5), test.Pixels)
    // labels of more than ten classes
    write testLabels (idxLabels [| 1uy; 10uy |]) |> ignore
    fails [ testLabels; "11 classes"; "10" ] (fun () -> Idx.fashionMnistIn dir) |> ignore
    File.Delete testLabels
    fails [ "t10k-labels-idx1-ubyte"; "not found" ] (fun () -> Idx.fashionMnistIn dir) |> ignore
    let message = fails [ "apt-get install dataset-fashion-mnist" ] (fun () -> Idx.fashionMnistIn (Path.Combine(dir, "none")))
    Assert.Equal("Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist (puts it in /usr/share/datasets/fashion-mnist)", message)
    Assert.Equal("/usr/share/datasets/fashion-mnist", Images.fashionMnistFolder)
    Assert.True(Images.isFashionMnistAlias "fashion-mnist")
    Assert.True(Images.isFashionMnistAlias "Fashion-MNIST")
    Assert.False(Images.isFashionMnistAlias "fashion-mnist.csv")
    Assert.False(Images.isFashionMnistAlias "data/images")

// ---- image folders -------------------------------------------------------------------------------------

[<Fact>]
let ``readFolder reads grey PNG class folders exactly, classes in ordinal order, names relative`` () =
    let dir = folder "grey"
    let a1, a2, b1, n1 = ramp 12 0, ramp 12 40, ramp 12 80, ramp 12 120
    // "B" sorts before "a" (ordinal); images in a class folder's subfolders belong to the class
    png (Path.Combine(dir, "a", "x1.png")) 4 3 ColorComponents.Grey a1 |> ignore
    png (Path.Combine(dir, "a", "X2.PNG")) 4 3 ColorComponents.Grey a2 |> ignore
    png (Path.Combine(dir, "B", "one.png")) 4 3 ColorComponents.Grey b1 |> ignore
    png (Path.Combine(dir, "a", "deep", "n.png")) 4 3 ColorComponents.Grey n1 |> ignore
    // grey with alpha is one channel, the alpha dropped; hidden files and folders are skipped
    let withAlpha = Array.init 24 (fun i -> if i % 2 = 0 then byte (i * 5) else 17uy)
    png (Path.Combine(dir, "B", "alpha.png")) 4 3 ColorComponents.GreyAlpha withAlpha |> ignore
    write (Path.Combine(dir, "a", ".DS_Store")) [| 1uy; 2uy |] |> ignore
    write (Path.Combine(dir, ".cache", "notes.txt")) [| 1uy |] |> ignore
    let set = Images.readFolder dir true
    Assert.Equal((4, 3, 1, 5), (set.Width, set.Height, set.Channels, set.Count))
    Assert.Equal<string[]>([| "B"; "a" |], set.ClassNames)
    Assert.Equal<string[]>([| "B/alpha.png"; "B/one.png"; "a/X2.PNG"; "a/deep/n.png"; "a/x1.png" |], set.Names)
    Assert.Equal<int[]>([| 0; 0; 1; 1; 1 |], set.Labels.Value)
    Assert.Equal<float32[]>(Array.init 12 (fun i -> scaled withAlpha.[2 * i]), image set 0)
    Assert.Equal<float32[]>(Array.map scaled b1, image set 1)
    Assert.Equal<float32[]>(Array.map scaled a2, image set 2)
    Assert.Equal<float32[]>(Array.map scaled n1, image set 3)
    Assert.Equal<float32[]>(Array.map scaled a1, image set 4)
    // unlabelled: every image below, by relative path, no labels or class names
    let all = Images.readFolder dir false
    Assert.Equal(None, all.Labels)
    Assert.Empty all.ClassNames
    Assert.Equal<string[]>(set.Names, all.Names)
    Assert.Equal<float32[]>(set.Pixels, all.Pixels)

[<Fact>]
let ``readFolder gives three channels when any image is in colour, grey ones repeated; BMP exact, JPEG close`` () =
    let dir = folder "colour"
    let rgb = ramp 18 1
    let grey = ramp 6 100
    png (Path.Combine(dir, "cat", "c.png")) 3 2 ColorComponents.RedGreenBlue rgb |> ignore
    png (Path.Combine(dir, "dog", "g.png")) 3 2 ColorComponents.Grey grey |> ignore
    let rgba = Array.init 24 (fun i -> if i % 4 = 3 then 0uy else byte (10 * i))
    png (Path.Combine(dir, "dog", "h.png")) 3 2 ColorComponents.RedGreenBlueAlpha rgba |> ignore
    bmp (Path.Combine(dir, "dog", "i.bmp")) 3 2 ColorComponents.RedGreenBlue rgb |> ignore
    let set = Images.readFolder dir true
    Assert.Equal((3, 2, 3, 4), (set.Width, set.Height, set.Channels, set.Count))
    Assert.Equal<string[]>([| "cat/c.png"; "dog/g.png"; "dog/h.png"; "dog/i.bmp" |], set.Names)
    Assert.Equal<float32[]>(Array.map scaled rgb, image set 0)
    Assert.Equal<float32[]>(grey |> Array.collect (fun g -> Array.create 3 (scaled g)), image set 1)
    Assert.Equal<float32[]>(rgba |> Array.indexed |> Array.filter (fun (i, _) -> i % 4 <> 3) |> Array.map (snd >> scaled), image set 2)
    Assert.Equal<float32[]>(Array.map scaled rgb, image set 3)
    // a JPEG (lossy): close to what was written (this writer's JPEGs are always YCbCr, so three channels)
    let jdir = folder "jpeg"
    let smooth = Array.init (16 * 16 * 3) (fun i -> let p = i / 3 in byte (60 + (p % 16) * 4 + (p / 16) * 2 + 10 * (i % 3)))
    jpg (Path.Combine(jdir, "s", "a.jpg")) 16 16 ColorComponents.RedGreenBlue smooth |> ignore
    jpg (Path.Combine(jdir, "s", "b.JPEG")) 16 16 ColorComponents.RedGreenBlue smooth |> ignore
    let j = Images.readFolder jdir false
    Assert.Equal((16, 16, 3, 2), (j.Width, j.Height, j.Channels, j.Count))
    Assert.Equal<string[]>([| "s/a.jpg"; "s/b.JPEG" |], j.Names)
    Assert.Equal<float32[]>(image j 0, image j 1)
    let worst = Array.map2 (fun (p: float32) b -> abs (p - scaled b)) (image j 0) smooth |> Array.max
    Assert.True(worst < 0.05f, $"JPEG round trip off by {worst}")

[<Fact>]
let ``readFolder refuses bad folders and images with the file named`` () =
    let grey = ramp 12 0
    // images of different sizes: both files and sizes
    let sizes = folder "sizes"
    let a = png (Path.Combine(sizes, "k", "a.png")) 4 3 ColorComponents.Grey grey
    let b = png (Path.Combine(sizes, "k", "b.png")) 3 4 ColorComponents.Grey grey
    fails [ a; b; "4×3"; "3×4"; "same size" ] (fun () -> Images.readFolder sizes true) |> ignore
    // labelled without class subfolders, or with images beside them
    let flat = folder "flat"
    let f = png (Path.Combine(flat, "a.png")) 4 3 ColorComponents.Grey grey
    fails [ f; "outside the class folders" ] (fun () -> Images.readFolder flat true) |> ignore
    Assert.Equal(1, (Images.readFolder flat false).Count)
    let none = folder "none"
    fails [ none; "no class subfolders" ] (fun () -> Images.readFolder none true) |> ignore
    fails [ none; "no images" ] (fun () -> Images.readFolder none false) |> ignore
    // an empty class folder
    let empty = folder "empty"
    png (Path.Combine(empty, "a", "a.png")) 4 3 ColorComponents.Grey grey |> ignore
    Directory.CreateDirectory(Path.Combine(empty, "b")) |> ignore
    fails [ Path.Combine(empty, "b"); "no images" ] (fun () -> Images.readFolder empty true) |> ignore
    // a file that is not an image
    let other = folder "other"
    png (Path.Combine(other, "a", "a.png")) 4 3 ColorComponents.Grey grey |> ignore
    let txt = write (Path.Combine(other, "a", "notes.txt")) [| 65uy |]
    fails [ txt; "not an image" ] (fun () -> Images.readFolder other true) |> ignore
    fails [ txt; "not an image" ] (fun () -> Images.readFolder other false) |> ignore
    // corrupt images: garbage, and a PNG cut after its header
    let corrupt = folder "corrupt"
    let good = png (Path.Combine(corrupt, "a", "good.png")) 4 3 ColorComponents.Grey grey
    let garbage = write (Path.Combine(corrupt, "a", "garbage.png")) (Array.create 100 7uy)
    fails [ garbage ] (fun () -> Images.readFolder corrupt true) |> ignore
    File.Delete garbage
    let bytes = File.ReadAllBytes good
    let cut = write (Path.Combine(corrupt, "a", "cut.png")) (Array.sub bytes 0 40)
    fails [ cut; "corrupt" ] (fun () -> Images.readFolder corrupt true) |> ignore
    let broken = Array.copy bytes
    for i in 37 .. broken.Length - 13 do broken.[i] <- 0xAAuy
    File.Delete cut
    let damaged = write (Path.Combine(corrupt, "a", "damaged.png")) broken
    fails [ damaged ] (fun () -> Images.readFolder corrupt true) |> ignore
    // missing folder, a file for a folder
    let missing = Path.Combine(root, "no-such-folder")
    fails [ missing; "not found" ] (fun () -> Images.readFolder missing true) |> ignore
    fails [ good; "is a file" ] (fun () -> Images.readFolder good true) |> ignore

// ---- pixel CSVs ----------------------------------------------------------------------------------------

let private csv (name: string) (text: string) =
    let path = Path.Combine(folder "csv", name)
    File.WriteAllText(path, text)
    path

[<Fact>]
let ``readCsv reads Kaggle-style pixel CSVs: integer labels, text labels, by name or index, none`` () =
    let path = csv "train.csv" "label,pixel1,pixel2,pixel3,pixel4\n3,0,255,7,128\n0,1,2,3,4\n1,10,20,30,40.5\n"
    let set = Images.readCsv path 2 2 1 (Some "label")
    Assert.Equal((2, 2, 1, 3), (set.Width, set.Height, set.Channels, set.Count))
    Assert.Equal<int[]>([| 3; 0; 1 |], set.Labels.Value)
    Assert.Equal<string[]>([| "0"; "1"; "2"; "3" |], set.ClassNames)
    Assert.Equal<string[]>([| "0"; "1"; "2" |], set.Names)
    let expected = [| 0uy; 255uy; 7uy; 128uy; 1uy; 2uy; 3uy; 4uy; 10uy; 20uy; 30uy |] |> Array.map scaled
    Assert.Equal<float32[]>(Array.append expected [| 40.5f / 255.0f |], set.Pixels)
    Assert.Equal<int[]>(set.Labels.Value, (Images.readCsv path 2 2 1 (Some "0")).Labels.Value)
    // text labels, last column, sorted ordinally
    let text = csv "text.csv" "a,b,c,kind\n1,2,3,shoe\n4,5,6,Bag\n7,8,9,shoe\n9,9,9,coat\n"
    let t = Images.readCsv text 3 1 1 (Some "kind")
    Assert.Equal<string[]>([| "Bag"; "coat"; "shoe" |], t.ClassNames)
    Assert.Equal<int[]>([| 2; 0; 2; 1 |], t.Labels.Value)
    // no label column: every column a pixel, in order, channels last
    let rgb = csv "rgb.csv" "r,g,b,r2,g2,b2\n1,2,3,4,5,6\n"
    let u = Images.readCsv rgb 2 1 3 None
    Assert.Equal(None, u.Labels)
    Assert.Empty u.ClassNames
    Assert.Equal<float32[]>(Array.map scaled [| 1uy .. 6uy |], u.Pixels)

[<Fact>]
let ``readCsv refuses bad CSVs with the file, row and column named`` () =
    let header = "label,p1,p2,p3,p4\n"
    let path = csv "count.csv" (header + "1,0,0,0,0\n")
    fails [ path; "4 pixel columns"; "3×3×1"; "9" ] (fun () -> Images.readCsv path 3 3 1 (Some "label")) |> ignore
    fails [ path; "5 pixel columns"; "label column" ] (fun () -> Images.readCsv path 2 2 1 None) |> ignore
    let high = csv "high.csv" (header + "1,0,0,0,0\n1,0,0,256,0\n")
    fails [ high; "line 3"; "image 1"; "'p3'"; "256"; "0–255" ] (fun () -> Images.readCsv high 2 2 1 (Some "label")) |> ignore
    let negative = csv "negative.csv" (header + "1,0,-1,0,0\n")
    fails [ negative; "line 2"; "'p2'"; "-1" ] (fun () -> Images.readCsv negative 2 2 1 (Some "label")) |> ignore
    let word = csv "word.csv" (header + "1,0,0,0,dark\n")
    fails [ word; "line 2"; "'p4'"; "'dark' is not a number" ] (fun () -> Images.readCsv word 2 2 1 (Some "label")) |> ignore
    let blank = csv "blank.csv" (header + "1,0,,0,0\n")
    fails [ blank; "line 2"; "'p2'"; "empty" ] (fun () -> Images.readCsv blank 2 2 1 (Some "label")) |> ignore
    let nolabel = csv "nolabel.csv" (header + ",0,0,0,0\n")
    fails [ nolabel; "line 2"; "'label'"; "label is empty" ] (fun () -> Images.readCsv nolabel 2 2 1 (Some "label")) |> ignore
    let short = csv "short.csv" (header + "1,0,0,0\n")
    fails [ short; "line 2"; "4 fields" ] (fun () -> Images.readCsv short 2 2 1 (Some "label")) |> ignore
    let good = csv "good.csv" (header + "1,0,0,0,0\n")
    fails [ good; "'class'"; "no such label column" ] (fun () -> Images.readCsv good 2 2 1 (Some "class")) |> ignore
    fails [ good; "index 7" ] (fun () -> Images.readCsv good 2 2 1 (Some "7")) |> ignore
    let numbers = csv "numbers.csv" "1,0,0,0,0\n"
    fails [ numbers; "header" ] (fun () -> Images.readCsv numbers 2 2 1 (Some "0")) |> ignore
    let headerOnly = csv "header.csv" header
    fails [ headerOnly; "no image rows" ] (fun () -> Images.readCsv headerOnly 2 2 1 (Some "label")) |> ignore
    let missing = Path.Combine(root, "missing.csv")
    fails [ missing; "not found" ] (fun () -> Images.readCsv missing 2 2 1 None) |> ignore
