namespace Seagull.Core

open System

/// The comparison's catalogue: the full default grid, the quick grid, and the network variants with how each
/// builds its network and fit settings. `Experiment` runs them.
[<RequireQualifiedAccess>]
module CompareVariants =
    /// The full default grid (the reference's protocol).
    let defaults =
        { Targets = []
          Variants = []
          Activation = "seagull"
          Hidden = [ 64; 64 ]
          HiddenShapes = []
          Seeds = 5
          Epochs = 200
          TrainSamples = 8000
          TestSamples = 4000
          BatchSize = 128
          LearningRate = 1e-3
          LearningRates = []
          Penalty = 1.0
          Jobs = Environment.ProcessorCount
          Precision = Float32
          Data = None
          DataSet = None
          CustomActivations = [] }

    /// A small grid that runs in seconds and still trains every variant enough (the baseline well below the
    /// variance) that its ratios point the way the full grid's do: two targets where the full grid's ratios are
    /// clear, the baseline, Seagull first and two exactly invariant designs.
    let quick =
        { defaults with
            Targets = [ "coulomb"; "gaussian_pair" ]
            Variants = [ "mlp-tanh"; "mlp-seagull"; "pooled"; "symmetrized" ]
            Seeds = 2
            Epochs = 60
            TrainSamples = 8000
            TestSamples = 2000 }

    let internal tanhLayers (s: CompareSettings) = s.Hidden |> List.map (fun _ -> Activation.tanh)
    /// The activation the Seagull variants use: a custom one of that name, else the built-in.
    let internal activationOf (s: CompareSettings) =
        let name = if isNull s.Activation then "" else s.Activation.Trim()
        match s.CustomActivations |> List.tryFind (fun a -> String.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)) with
        | Some custom -> custom
        | None when s.CustomActivations.IsEmpty -> Activation.find s.Activation
        | None ->
            match Activation.tryFind name with
            | Some builtin -> builtin
            | None ->
                let customs = s.CustomActivations |> List.map (fun a -> a.Name) |> String.concat ", "
                let known = Activation.catalogue |> List.map (fun a -> a.Name) |> String.concat ", "
                Fail.with' $"unknown activation '{name}'; custom: {customs}; built in: {known}"

    /// An architecture's default activations (`Architectures.defaultActivations`, shared with the CLI and the C# API),
    /// with the comparison's even activation in Seagull's place.
    let private defaultsFor (architecture: string) (s: CompareSettings) =
        Architectures.defaultActivations architecture s.Hidden.Length
        |> List.map (fun a -> if a.Name = Activation.seagull.Name then activationOf s else a)
    let private spec (architecture: string) (acts: CompareSettings -> Activation list) (symmetry: Symmetry) (outputs: int) (s: CompareSettings) =
        Architectures.build architecture symmetry
            { Hidden = s.Hidden; Activations = acts s; Even = activationOf s; Pooling = PoolSumAbsDiff; Outputs = outputs; Precision = s.Precision }

    /// The default variants, baseline first.
    let all : VariantDefinition list =
        let same _ o = o
        // weight: passes over the network per training sample (see `VariantDefinition.Weight`).
        let trained name weight description spec options = { Name = name; Description = description; Spec = spec; Options = options; Kind = Trained; Weight = weight }
        [ trained "mlp-tanh" 1.0 "plain MLP, tanh in every hidden layer (baseline)" (spec "mlp" tanhLayers) same
          trained "mlp-seagull" 1.0 "MLP with the even activation in the first hidden layer (the paper's design)" (spec "mlp" (defaultsFor "mlp")) same
          trained "mlp-seagull-learned" 1.0 "MLP with the learnable Seagull log(1 + (αz)²)/α² (α per neuron, from 1) in the first hidden layer, tanh after"
            (spec "mlp" (fun s -> Activation.seagullLearned :: List.tail (tanhLayers s))) same
          trained "split" 1.0 "first layer [tanh(A(u+v)+Cw+b) ; even(B(u−v))], exactly invariant" (spec "split" (defaultsFor "split")) same
          trained "pooled" 2.0 "first layer even activation on x and x̃, next layer sees a+ã and |a−ã|, exactly invariant" (spec "pooled" (defaultsFor "pooled")) same
          trained "symmetrized" 2.0 "(g(x)+g(x̃))/2 around mlp-seagull, exactly invariant" (spec "symmetrized" (defaultsFor "symmetrized")) same
          trained "augment" 2.0 "mlp-tanh trained on x and x̃" (spec "mlp" tanhLayers) (fun _ o -> { o with Augment = true })
          trained "penalty" 2.0 "mlp-tanh with loss + λ·mean((g(x)−g(x̃))²)" (spec "mlp" tanhLayers) (fun s o -> { o with Penalty = s.Penalty })
          { Name = "symmetrize-after"
            Description = "mlp-seagull trained once, then (g(x)+g(x̃))/2 around it without retraining, exactly invariant"
            // The network it measures: the same tree `symmetrized` trains.
            Spec = spec "symmetrized" (defaultsFor "symmetrized")
            Options = same
            Kind = Derived ("mlp-seagull", Regressor.symmetrize)
            // Measured in its source's unit: a test-set evaluation, no training.
            Weight = 0.0 }
          { Name = "auto"
            Description = "chooses among split, pooled, symmetrized and symmetrized around the learnable Seagull by a validation split of the training data, exactly invariant"
            // The network it reports its size by: the default design (the one it chooses most often).
            Spec = spec "symmetrized" (defaultsFor "symmetrized")
            Options = same
            // The same networks as the variants of those names.
            Kind =
                Chooses (fun symmetry outputs s ->
                    [ for name in [ "split"; "pooled"; "symmetrized" ] do yield name, spec name (defaultsFor name) symmetry outputs s
                      yield "symmetrized-learned", spec "symmetrized" (fun s -> Activation.seagullLearned :: List.tail (tanhLayers s)) symmetry outputs s ])
            // Four trial fits on 80 % of the rows (1, 2, 2 and 2 passes) and the chosen one (about 2) on all of them.
            Weight = 0.8 * 7.0 + 2.0 } ]

    /// The baseline every variant is compared with.
    let baseline = "mlp-tanh"
