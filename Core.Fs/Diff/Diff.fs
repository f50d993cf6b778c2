namespace Seagull.Core

open System

/// Reverse-mode differentiation. Each call builds a private tape, so calls are pure and thread-safe.
///
/// Example: `Diff.grad (fun x -> Tensor.sum (x * x)) x` is `2 * x`.
[<RequireQualifiedAccess>]
module Diff =
    let private accumulate (grads: RawTensor[]) (i: int) (g: RawTensor) =
        grads.[i] <- if obj.ReferenceEquals(grads.[i], null) then g else RawTensor.add grads.[i] g

    /// f's value at `xs` and its gradient with respect to each input. `f` must return one element.
    let valueAndGradMany (f: Tensor[] -> Tensor) (xs: Tensor[]) : Tensor * Tensor[] =
        let tape = Tape()
        let leaves = xs |> Array.map (fun x -> Tensor(x.Raw, tape, tape.Add { Parents = [||]; Backward = fun _ -> [||] }))
        let y = f leaves
        if y.Count <> 1 then
            Fail.with' $"grad: the function must return a single number, got shape {RawTensor.shapeText y.Raw.Shape}"
        let grads: RawTensor[] = Array.zeroCreate tape.Entries.Count
        if obj.ReferenceEquals(y.Tape, tape) then
            accumulate grads y.Id (RawTensor.full y.Dtype y.Raw.Shape 1.0)
            for i in y.Id .. -1 .. 0 do
                let g = grads.[i]
                if not (obj.ReferenceEquals(g, null)) then
                    let entry = tape.Entries.[i]
                    if entry.Parents.Length > 0 then
                        let inputGrads = entry.Backward g
                        for j in 0 .. entry.Parents.Length - 1 do
                            let p = entry.Parents.[j]
                            if p >= 0 then accumulate grads p inputGrads.[j]
        let gradOf (i: int) (x: Tensor) =
            let g = grads.[leaves.[i].Id]
            if obj.ReferenceEquals(g, null) then Tensor.zeros x.Dtype x.Raw.Shape
            else Tensor.ofRaw (RawTensor.reshape x.Raw.Shape (RawTensor.convert x.Dtype g))
        Tensor.detach y, xs |> Array.mapi gradOf

    /// f's value at x and its gradient (same shape as x).
    let valueAndGrad (f: Tensor -> Tensor) (x: Tensor) : Tensor * Tensor =
        let y, gs = valueAndGradMany (fun xs -> f xs.[0]) [| x |]
        y, gs.[0]

    /// The gradient of a scalar function of a tensor.
    let grad (f: Tensor -> Tensor) (x: Tensor) : Tensor = snd (valueAndGrad f x)

    /// Central finite differences with step `h`·max(1, |xᵢ|): the reference gradients are checked against.
    let numericalGradWith (h: float) (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        let values = Tensor.toArray x
        let shape = x.Raw.Shape
        let at (v: float[]) = Tensor.toScalar (f (Tensor.ofArray x.Dtype shape v))
        let g =
            Array.init values.Length (fun i ->
                let step = h * max 1.0 (Math.Abs values.[i])
                let plus = Array.copy values
                let minus = Array.copy values
                plus.[i] <- values.[i] + step
                minus.[i] <- values.[i] - step
                (at plus - at minus) / (2.0 * step))
        Tensor.ofArray x.Dtype shape g

    /// Central finite differences with a step of 1e-6 (float64) or 1e-3 (float32).
    let numericalGrad (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        numericalGradWith (if x.Dtype = Float64 then 1e-6 else 1e-3) f x
