// The format-2 fixture of a layer tree that no named architecture makes (two target columns, float64), for
// the C# tests of Architecture.Custom. Remake from the repository root after building Core.Fs in Release:
//   dotnet fsi Shell.CSharp/Seagull.Shell.Tests/Fixtures/make-custom-tree.fsx
#r "nuget: System.Numerics.Tensors, 10.0.0"
#r "../../../Core.Fs/bin/Release/net10.0/Seagull.Core.dll"
open Seagull.Core
let s = Symmetry.blocks 2 1
let tree =
    Chain [ Parallel [ Symmetrize (s, Chain [ Dense (6, Activation.seagull, true); Dense (3, Activation.tanh, true) ])
                       SwapPool (s, Dense (4, Activation.relu, true), PoolSum, Chain []) ]
            Dense (2, Activation.identity, true) ]
let spec = Network.validate { Symmetry = s; Layers = tree; Precision = Float64 }
let rows = 200
let x = Random.uniforms (Random.key 5) (rows * 5) -1.0 1.0
let y = Array.init rows (fun i ->
            let r = x.[i * 5 .. i * 5 + 4]
            [| r.[0] * r.[2] + r.[1] * r.[3] + r.[4]; (r.[0] - r.[1]) ** 2.0 + (r.[2] - r.[3]) ** 2.0 |]) |> Array.concat
let ds = Dataset.create s [| "a1"; "a2"; "b1"; "b2"; "c" |] [| "p"; "q" |] x y
let model, _ = Regressor.fit spec { Regressor.defaults with Training = { Train.defaults with Epochs = 5 } } ds
ModelFile.save (__SOURCE_DIRECTORY__ + "/custom-tree.json") { model with Source = "make-custom-tree.fsx" }
Csv.write (__SOURCE_DIRECTORY__ + "/custom-tree.data.csv") (Dataset.take [| 0 .. 9 |] ds)
let p = Regressor.predict model (Dataset.take [| 0 .. 9 |] ds).X
System.IO.File.WriteAllLines((__SOURCE_DIRECTORY__ + "/custom-tree.predictions.txt"), p |> Array.map (fun v -> v.ToString "R"))
printfn "%s invariant=%b" (Network.describe spec) (Network.isExactlyInvariant spec)
