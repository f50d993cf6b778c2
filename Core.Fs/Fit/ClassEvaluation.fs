namespace Seagull.Core

open System

/// The accuracy of a classifier on the rows of one true class.
type ClassAccuracy =
    { Name: string
      /// Rows whose true class this is.
      Rows: int
      /// Of those, the rows predicted as this class.
      Correct: int
      /// Correct / Rows (NaN for a class with no rows).
      Accuracy: float }

/// How well a classifier does on labelled data, and what the swap does to its answers.
type ClassificationMetrics =
    { Rows: int
      /// The fraction of rows whose predicted class (the largest logit) is the true class.
      Accuracy: float
      /// The mean over rows of −log p(true class), p the softmax of the logits (computed from log-sum-exp).
      CrossEntropy: float
      /// The accuracy on the swapped rows x̃ (for images: the mirror images), with the same labels.
      SwappedAccuracy: float
      /// The fraction of rows whose predicted class changes under the swap.
      Disagreement: float
      /// max over rows and classes of |logit(x) − logit(x̃)|; 0 with `Bitwise` for an exactly invariant model.
      InvarianceError: float
      /// True when every logit of every row has the same bits for x and x̃.
      Bitwise: bool
      PerClass: ClassAccuracy[]
      /// Confusion.[t].[p]: rows of true class t predicted as class p.
      Confusion: int[][]
      ClassNames: string[] }

/// Measuring classifiers: accuracy, cross-entropy, per-class accuracy, the confusion matrix, and under the
/// swap the disagreement and the largest logit difference.
[<RequireQualifiedAccess>]
module ClassEvaluation =
    /// The metrics of logits (rows × classes) and those of the swapped rows against the true labels.
    let ofLogits (classNames: string[]) (labels: int[]) (logits: float[]) (swappedLogits: float[]) : ClassificationMetrics =
        let classes = classNames.Length
        let rows = labels.Length
        if logits.Length <> rows * classes || swappedLogits.Length <> logits.Length then
            Fail.with' $"evaluation: {logits.Length} logits for {rows} rows of {classes} classes"
        let predicted = Classifier.argmax classes logits
        let swapped = Classifier.argmax classes swappedLogits
        let confusion = Array.init classes (fun _ -> Array.zeroCreate classes)
        let mutable correct = 0
        let mutable swappedCorrect = 0
        let mutable changed = 0
        let mutable crossEntropy = 0.0
        for i in 0 .. rows - 1 do
            let t = labels.[i]
            if t < 0 || t >= classes then Fail.with' $"evaluation: row {i + 1} has label {t}, outside the {classes} classes"
            confusion.[t].[predicted.[i]] <- confusion.[t].[predicted.[i]] + 1
            if predicted.[i] = t then correct <- correct + 1
            if swapped.[i] = t then swappedCorrect <- swappedCorrect + 1
            if swapped.[i] <> predicted.[i] then changed <- changed + 1
            crossEntropy <- crossEntropy + (Loss.logSumExp logits (i * classes) classes - logits.[i * classes + t])
        let invariance = Symmetry.compare logits swappedLogits
        let fraction k = if rows = 0 then nan else float k / float rows
        { Rows = rows
          Accuracy = fraction correct
          CrossEntropy = (if rows = 0 then nan else crossEntropy / float rows)
          SwappedAccuracy = fraction swappedCorrect
          Disagreement = fraction changed
          InvarianceError = invariance.Error
          Bitwise = invariance.Bitwise
          PerClass =
            Array.init classes (fun c ->
                let n = Array.sum confusion.[c]
                { Name = classNames.[c]; Rows = n; Correct = confusion.[c].[c]
                  Accuracy = (if n = 0 then nan else float confusion.[c].[c] / float n) })
          Confusion = confusion
          ClassNames = Array.copy classNames }

    /// The metrics of a classifier on a classification data set (`Classifier.dataset`) whose classes are among
    /// the model's (`Classifier.align`).
    /// Example: `let m = ClassEvaluation.evaluate model test in m.Accuracy, m.Disagreement`.
    let evaluate (model: Model) (data: Dataset) : ClassificationMetrics =
        if model.Task <> Classification then Fail.with' "this model is a regression model, not a classifier"
        let data = Classifier.align model.TargetNames data
        let logits = Classifier.logits model data.X
        let swappedLogits = Classifier.logits model (Symmetry.swapRows data.Symmetry data.X)
        ofLogits model.TargetNames (Classifier.labels data) logits swappedLogits

    /// The fraction of rows of a classification data set whose predicted class is the true one (no swap: half
    /// the work of `evaluate`).
    let accuracy (model: Model) (data: Dataset) : float =
        let data = Classifier.align model.TargetNames data
        let predicted = Classifier.predict model data.X
        let truth = Classifier.labels data
        let mutable correct = 0
        for i in 0 .. truth.Length - 1 do if predicted.[i] = truth.[i] then correct <- correct + 1
        if truth.Length = 0 then nan else float correct / float truth.Length
