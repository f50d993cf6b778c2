// Seagull from F#, against Core.Fs directly: the same fit as examples/QuickStart (C#) — an exactly
// swap-invariant network on the built-in target "spring", with test error and invariance.
//
// Run from the repository root (builds Core.Fs first); the optional argument is the number of epochs:
//   dotnet build Core.Fs -c Release && dotnet fsi examples/fsharp/quickstart.fsx [EPOCHS]
// Training is about 3x faster with DOTNET_TieredCompilation=0 in the environment: programs that use the package
// get the runtime setting that makes it so (bench/README.md), but dotnet fsi cannot know that.
#r "nuget: System.Numerics.Tensors, 10.0.0"
#r "../../Core.Fs/bin/Release/net10.0/Seagull.Core.dll"

open Seagull.Core

let epochs = match fsi.CommandLineArgs with [| _; n |] -> int n | _ -> 100

// f(u, v, w) = (|u − v| − 1)² + w·(u + v): swapping u and v leaves it unchanged.
let target = Targets.find "spring"
let data = Targets.generate target (Random.key 0) 3000
// Hold out 20 % for testing, with the key Seagull.Api's FitOptions.TestFraction uses for seed 0,
// so this script and the C# QuickStart train on the same rows and print the same numbers.
let train, test = Dataset.split (Random.fold (Random.key 0) 3) 0.2 data

// Seagull in the first layer, averaged over both orderings of u and v: exactly invariant.
let spec = Architectures.symmetrized target.Symmetry (Architectures.options [ 64; 64 ] [ Activation.seagull; Activation.tanh ])
let settings = { Regressor.defaults with Training = { Train.defaults with Epochs = epochs; Seed = 0 } }

let model, result = Regressor.fit spec settings train
let metrics = (Evaluation.evaluate model test).Targets.[0]
let check = Evaluation.check model 1000 0   // f(x) vs f(x̃) on 1000 random inputs, bitwise

printfn "%s" (Network.describe spec)
printfn $"trained {result.EpochsRun} epochs in {result.Seconds:F2} s"
printfn $"test MSE {metrics.Mse:F5}  R² {metrics.R2:F4}  invariance error {metrics.InvarianceError:G3}  exactly invariant: {check.ExactlyInvariant}"
