namespace Seagull.Core

open System

/// One candidate of `--arch auto`: its validation score and the seconds its trial fit took.
type AutoScore =
    { Name: string
      /// Standardised MSE on the validation part (the mean over targets); +∞ when the fit gave no finite error.
      ValidationMse: float
      Seconds: float }

/// What `--arch auto` did: the candidate it chose, every candidate's validation score, and the training time of
/// the trial fits and of the final one together.
type AutoChoice =
    { Chosen: string
      Scores: AutoScore list
      TotalSeconds: float }

/// `--arch auto`: chooses among the exactly invariant designs by a validation split of the training data, then
/// trains the chosen one on all of the training data.
[<RequireQualifiedAccess>]
module Auto =
    /// The share of the training rows the trial fits are scored on.
    let validationFraction = 0.2

    /// The candidates: the exactly invariant named architectures with their default activations (Seagull first;
    /// split: tanh on u+v and Seagull on u−v) at the options' widths, outputs and precision, `symmetrized-learned`
    /// (symmetrized around the learnable Seagull first, tanh after), plus any `extra`.
    let candidates (symmetry: Symmetry) (options: ArchitectureOptions) (extra: (string * NetworkSpec) list) : (string * NetworkSpec) list =
        let layers = options.Hidden.Length
        [ for name in [ "split"; "pooled"; "symmetrized" ] do
              yield name, Architectures.build name symmetry { options with Activations = Architectures.defaultActivations name layers }
          // The learnable Seagull in the first layer of the symmetrized design.
          yield "symmetrized-learned",
                Architectures.symmetrized symmetry { options with Activations = Activation.seagullLearned :: List.replicate (layers - 1) Activation.tanh } ]
        @ extra

    /// Trains every candidate on (1 − `validationFraction`) of `train` (rows drawn with the training seed), scores it
    /// on the rest, and fits the best (the lowest validation MSE; ties: the first) on all of `train`. Every fit uses
    /// `settings`. Returns the final model and fit, and the choice.
    /// Example: `let model, result, choice = Auto.fit (Auto.candidates s options []) Regressor.defaults train`.
    let fit (candidates: (string * NetworkSpec) list) (settings: FitSettings) (train: Dataset) : Model * TrainResult * AutoChoice =
        if candidates.IsEmpty then Fail.with' "auto: no candidate architectures"
        if train.Rows < 4 then Fail.with' $"auto: choosing by a validation split needs at least 4 training rows, there are {train.Rows}"
        let fitRows, validationRows = Dataset.splitRows (Random.fold (Random.key settings.Training.Seed) 17) validationFraction train.Rows
        let fitPart, validationPart = Dataset.take fitRows train, Dataset.take validationRows train
        let scores =
            candidates |> List.map (fun (name, spec) ->
                let model, result = Regressor.fit spec settings fitPart
                let mse = (Evaluation.measure model validationPart).StandardizedMse
                { Name = name; ValidationMse = (if Double.IsFinite mse then mse else Double.PositiveInfinity); Seconds = result.Seconds })
        let best = scores |> List.minBy (fun s -> s.ValidationMse)
        let spec = candidates |> List.find (fun (name, _) -> name = best.Name) |> snd
        let model, result = Regressor.fit spec settings train
        model, result, { Chosen = best.Name; Scores = scores; TotalSeconds = (scores |> List.sumBy (fun s -> s.Seconds)) + result.Seconds }
