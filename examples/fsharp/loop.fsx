// The training loop written out, against Core.Fs directly: a gradient and an Adam step per iteration on
// the whole of a small data set, then the check that the trained network is exactly swap-invariant.
//
// Run from the repository root (builds Core.Fs first):
//   dotnet build Core.Fs -c Release && dotnet fsi examples/fsharp/loop.fsx
// From its `open` line on, this file is the README's F# example (.ci/examples checks that the two agree).
#r "nuget: System.Numerics.Tensors, 10.0.0"
#r "../../Core.Fs/bin/Release/net10.0/Seagull.Core.dll"

open Seagull.Core

let target = Targets.find "spring"                        // f(u, v, w) = f(v, u, w), u, v, w ∈ R³
let data = Targets.generate target (Random.key 0) 1000
let x, y = Tensor.ofArray Float32 [| 1000; 9 |] data.X, Tensor.ofArray Float32 [| 1000; 1 |] data.Y
let net = Architectures.symmetrized target.Symmetry Architectures.defaults   // exactly invariant
let loss p = Loss.mse (Network.apply net p x) y

let step (p, state) i =
    let value, grads = Params.valueAndGrad loss p
    if i % 100 = 0 then printfn $"step {i}: loss {value:F4}"
    let state, p = Optimizer.step Optimizer.adamDefault state p grads
    p, state

let initial = Network.init net (Random.key 0)
let trained, _ = List.fold step (initial, Optimizer.init initial) [ 1 .. 300 ]
let f x = Tensor.toArray (Network.apply net trained x)
printfn $"bitwise invariant: {(Symmetry.compare (f x) (f (Symmetry.swap target.Symmetry x))).Bitwise}"
