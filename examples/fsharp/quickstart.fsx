// Seagull from F#, against Core.Fs directly: fit an exactly swap-invariant network to a built-in
// partially exchangeable target and report test error and invariance.
//
// Run from the repository root (builds Core.Fs first):
//   dotnet build Core.Fs -c Release && dotnet fsi examples/fsharp/quickstart.fsx
#r "nuget: System.Numerics.Tensors, 10.0.0"
#r "../../Core.Fs/bin/Release/net10.0/Seagull.Core.dll"

open System.Threading
open Seagull

// f(u, v, w) = (|u − v| − 1)² + w·(u + v): swapping u and v leaves it unchanged.
let target = Targets.find "spring"
let data = Targets.generate target (Random.key 0) 3000
let train, test = Dataset.split (Random.key 1) 0.25 data

// Seagull in the first layer, averaged over both orderings of u and v: exactly invariant.
let spec = NetworkSpec.create Symmetrized target.Blocks [ 64; 64 ] [ Activation.seagull; Activation.tanh ]
let options = { Train.defaults with Epochs = 40; Seed = 0 }

let model, result = Regressor.fit spec options train None None ignore CancellationToken.None
let metrics = Regressor.evaluate model test
let check = Regressor.check model 1000 0

printfn "%s" (NetworkSpec.describe spec)
printfn "trained %d epochs in %.2f s" result.EpochsRun result.Seconds
printfn "test MSE %.5f  R² %.4f  invariance error %g  exactly invariant: %b" metrics.Mse metrics.R2 metrics.InvarianceError check.ExactlyInvariant
