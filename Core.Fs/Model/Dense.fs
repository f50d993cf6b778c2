namespace Seagull.Core

open System

/// The dense layer's parameters and its fused forward and backward pass: what `Network.init` and
/// `Network.apply` do at each `Dense` node.
[<RequireQualifiedAccess>]
module internal DenseLayer =
    /// Parameters of a dense layer fanIn → fanOut, drawn like PyTorch's `nn.Linear` default: weights
    /// and bias uniform on ±1/√fanIn. `withBias = false` leaves the bias out (bias-free even branch). A learnable
    /// activation adds "alpha", one per output at its initial value, drawn by no key: the weights and the bias
    /// are the bits they are with any other activation.
    let init (key: Key) (dtype: Dtype) (fanIn: int) (fanOut: int) (withBias: bool) (activation: Activation) : Params =
        let bound = if fanIn > 0 then 1.0 / Math.Sqrt(float fanIn) else 0.0
        let kw, kb = Random.split key
        let weight = Tensor.ofArray dtype [| fanIn; fanOut |] (Random.uniforms kw (fanIn * fanOut) -bound bound)
        let alpha =
            match activation.Learnable with
            | Some shape -> [ "alpha", Leaf (Tensor.full dtype [| fanOut |] shape.Initial) ]
            | None -> []
        if withBias then
            let bias = Tensor.ofArray dtype [| fanOut |] (Random.uniforms kb fanOut -bound bound)
            Params.group ([ "weight", Leaf weight; "bias", Leaf bias ] @ alpha)
        else Params.group ([ "weight", Leaf weight ] @ alpha)

    // The weight, bias and α of a dense layer of `width` outputs on `fanIn` inputs, their shapes checked: parameters
    // drawn for another network must not be used as if they fitted this one.
    let private parts (fanIn: int) (width: int) (bias: bool) (learnable: bool) (p: Params) =
        let fits (t: Tensor) (shape: int[]) = RawTensor.shapesEqual t.Raw.Shape shape
        let expected =
            (if bias then $"weight {fanIn}×{width} and bias {width}" else $"weight {fanIn}×{width}")
            + (if learnable then $" and alpha {width}" else "")
        let withAlpha (rest: (string * Params) list) =
            match rest, learnable with
            | [], false -> Some None
            | [ "alpha", Leaf a ], true when fits a [| width |] -> Some (Some a)
            | _ -> None
        let found =
            match p, bias with
            | Group (("weight", Leaf w) :: ("bias", Leaf b) :: rest), true when fits w [| fanIn; width |] && fits b [| width |] ->
                withAlpha rest |> Option.map (fun a -> w, Some b, a)
            | Group (("weight", Leaf w) :: rest), false when fits w [| fanIn; width |] -> withAlpha rest |> Option.map (fun a -> w, None, a)
            | _ -> None
        match found with
        | Some parts -> parts
        | _ -> Fail.with' $"network parameters: a dense layer needs {expected}; the parameters were drawn for another network"

    /// σ(x·W + b) for a dense layer of `width` outputs, with or without `bias`, as ONE tape entry with an analytic
    /// backward pass when σ is a built-in activation: the fused hot path of training. A learnable activation is that
    /// fused affine map (the identity's kernel) followed by σ(z; α) as a second entry; custom activations are
    /// composed and differentiated generally.
    let rec apply (width: int) (activation: Activation) (bias: bool) (p: Params) (x: Tensor) : Tensor =
        let w, b, alpha = parts x.Raw.Shape.[1] width bias activation.Learnable.IsSome p
        match activation.Kernel, b, alpha with
        | _, _, Some alpha ->
            let affine = Params.group ([ "weight", Leaf w ] @ (match b with Some b -> [ "bias", Leaf b ] | None -> []))
            Activation.applyWith activation alpha (apply width Activation.identity bias affine x)
        | Some fused, Some b, None ->
            let kernel = fused.Kernel
            let z = RawTensor.affine x.Raw w.Raw b.Raw
            let y = RawTensor.forward kernel z
            Tensor.record y [| x; w; b |] (fun g needs ->
                let gz = RawTensor.backward kernel z y g
                [| (if needs.[0] then RawTensor.matmulWith false true gz w.Raw else Unchecked.defaultof<_>)
                   (if needs.[1] then RawTensor.matmulWith true false x.Raw gz else Unchecked.defaultof<_>)
                   (if needs.[2] then RawTensor.sumAxis 0 gz else Unchecked.defaultof<_>) |])
        | _, Some b, None -> activation.Apply (Tensor.matmul x w + b)
        | _, None, None -> activation.Apply (Tensor.matmul x w)
