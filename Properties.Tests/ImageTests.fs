/// Image shapes, the mirror of image sets against Symmetry's swap, and the synthetic image set.
module Seagull.Tests.ImageTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing

/// Asserts that `work` raises a one-line SeagullException whose message holds every one of `parts`.
let private fails (parts: string list) (work: unit -> 'a) =
    let e = Assert.Throws<SeagullException>(fun () -> work () |> ignore)
    for p in parts do
        Assert.True(e.Message.Contains(p: string), $"expected '{p}' in: {e.Message}")
    Assert.DoesNotContain("\n", e.Message)

// ---- shapes --------------------------------------------------------------------------------------------

[<Fact>]
let ``parseShape reads WxH and WxHxC and refuses anything else`` () =
    Assert.Equal((28, 28, 1), Images.parseShape "28x28")
    Assert.Equal((32, 16, 3), Images.parseShape " 32x16x3 ")
    Assert.Equal((32, 32, 3), Images.parseShape "32×32×3")
    Assert.Equal((5, 7, 1), Images.parseShape "5X7")
    for bad in [ ""; "28"; "28x"; "x28"; "28x28x3x1"; "0x28"; "28x-1"; "a x b"; "28,28"; "1.5x2"; "99999x99999x999" ] do
        fails [ "image shape" ] (fun () -> Images.parseShape bad) |> ignore

// ---- mirror --------------------------------------------------------------------------------------------

/// A few images of W×H×C (odd and even sizes) with distinct values, and an axis.
let private mirrorCase =
    gen {
        let! axis = Gen.elements [ LeftRight; TopBottom ]
        let! width = Gen.choose (1, 7)
        let! height = Gen.choose (1, 7)
        let! channels = Gen.choose (1, 3)
        let! count = Gen.choose (0, 3)
        let size = width * height * channels
        let pixels = Array.init (count * size) (fun i -> float32 i / float32 (max 1 (count * size)))
        let set =
            { Width = width; Height = height; Channels = channels; Pixels = pixels; Count = count
              Labels = Some (Array.init count id); ClassNames = Array.init (max 2 count) string; Names = Array.init count string }
        return axis, set
    }

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``mirroring twice is the identity, and once is Symmetry's swap of the rows`` () =
    Prop.forAll (Arb.fromGen mirrorCase) (fun (axis, set) ->
        let once = Images.mirror axis set
        let twice = Images.mirror axis once
        Assert.Equal<float32[]>(set.Pixels, twice.Pixels)
        Assert.Equal(set.Labels, once.Labels)
        Assert.Equal<string[]>(set.Names, once.Names)
        let mirrorable = match axis with LeftRight -> set.Width >= 2 | TopBottom -> set.Height >= 2
        if mirrorable then
            let s = Symmetry.mirror axis set.Width set.Height set.Channels
            let swapped = Symmetry.swapRows s (Array.map float set.Pixels)
            Assert.Equal<float[]>(swapped, Array.map float once.Pixels)
        else Assert.Equal<float32[]>(set.Pixels, once.Pixels))

[<Fact>]
let ``mirror LeftRight reverses each row of a 3-wide image`` () =
    let set =
        { Width = 3; Height = 2; Channels = 1; Pixels = [| 1.f; 2.f; 3.f; 4.f; 5.f; 6.f |]; Count = 1
          Labels = None; ClassNames = [||]; Names = [| "0" |] }
    Assert.Equal<float32[]>([| 3.f; 2.f; 1.f; 6.f; 5.f; 4.f |], (Images.mirror LeftRight set).Pixels)
    Assert.Equal<float32[]>([| 4.f; 5.f; 6.f; 1.f; 2.f; 3.f |], (Images.mirror TopBottom set).Pixels)

// ---- synthetic -----------------------------------------------------------------------------------------

[<Fact>]
let ``synthetic images are deterministic, in [0, 1], balanced, and a longer set begins with a shorter one`` () =
    let a = Images.synthetic 7 2000 16 16
    let b = Images.synthetic 7 2000 16 16
    Assert.Equal<float32[]>(a.Pixels, b.Pixels)
    Assert.Equal<int[]>(a.Labels.Value, b.Labels.Value)
    Assert.Equal((16, 16, 1, 2000), (a.Width, a.Height, a.Channels, a.Count))
    Assert.Equal<string[]>([| "square"; "ring"; "bar"; "cross" |], a.ClassNames)
    Assert.True(a.Pixels |> Array.forall (fun p -> p >= 0.0f && p <= 1.0f))
    let other = Images.synthetic 8 2000 16 16
    Assert.NotEqual<float32[]>(a.Pixels, other.Pixels)
    let counts = a.Labels.Value |> Array.countBy id |> Map.ofArray
    for k in 0 .. 3 do
        let n = counts |> Map.tryFind k |> Option.defaultValue 0
        Assert.True(n > 400 && n < 600, $"class {k}: {n} of 2000")
    let prefix = Images.synthetic 7 10 16 16
    Assert.Equal<float32[]>(prefix.Pixels, a.Pixels.[.. 10 * 256 - 1])
    // mirrored, the same classes in the same numbers
    let mirrored = Images.mirror LeftRight a
    Assert.Equal<int[]>(a.Labels.Value, mirrored.Labels.Value)
    Assert.NotEqual<float32[]>(a.Pixels, mirrored.Pixels)
    let odd = Images.synthetic 1 50 9 13
    Assert.Equal(50 * 9 * 13, odd.Pixels.Length)
    fails [ "at least 8" ] (fun () -> Images.synthetic 0 10 7 16) |> ignore
    fails [ "count" ] (fun () -> Images.synthetic 0 0 16 16) |> ignore

[<Fact>]
let ``synthetic shapes are symmetric: without noise each class's mean image is its own mirror`` () =
    // The mean over many images of a class is left-right symmetric up to sampling noise: the class does not
    // depend on left or right.
    let set = Images.synthetic 3 4000 12 12
    let size = 144
    for k in 0 .. 3 do
        let members = set.Labels.Value |> Array.indexed |> Array.filter (fun (_, l) -> l = k) |> Array.map fst
        let mean = Array.init size (fun j -> members |> Array.averageBy (fun i -> float set.Pixels.[i * size + j]))
        let flipped = Array.init size (fun j -> let r, c = j / 12, j % 12 in mean.[r * 12 + 11 - c])
        let worst = Array.map2 (fun x y -> abs (x - y)) mean flipped |> Array.max
        Assert.True(worst < 0.06, $"class {set.ClassNames.[k]}: mean image differs from its mirror by {worst}")
