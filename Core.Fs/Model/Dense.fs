namespace Seagull.Core

open System

/// The dense layer's parameters and its fused forward and backward pass: what `Network.init` and
/// `Network.apply` do at each `Dense` node.
[<RequireQualifiedAccess>]
module internal DenseLayer =
    /// Parameters of a dense layer fanIn → fanOut, drawn like PyTorch's `nn.Linear` default: weights
    /// and bias uniform on ±1/√fanIn. `withBias = false` leaves the bias out (bias-free even branch).
    let init (key: Key) (dtype: Dtype) (fanIn: int) (fanOut: int) (withBias: bool) : Params =
        let bound = if fanIn > 0 then 1.0 / Math.Sqrt(float fanIn) else 0.0
        let kw, kb = Random.split key
        let weight = Tensor.ofArray dtype [| fanIn; fanOut |] (Random.uniforms kw (fanIn * fanOut) -bound bound)
        if withBias then
            let bias = Tensor.ofArray dtype [| fanOut |] (Random.uniforms kb fanOut -bound bound)
            Params.group [ "weight", Leaf weight; "bias", Leaf bias ]
        else Params.group [ "weight", Leaf weight ]

    // The weight (and bias) of a dense layer of `width` outputs on `fanIn` inputs, their shapes checked: parameters
    // drawn for another network must not be used as if they fitted this one.
    let private weightAndBias (fanIn: int) (width: int) (bias: bool) (p: Params) =
        let fits (t: Tensor) (shape: int[]) = RawTensor.shapesEqual t.Raw.Shape shape
        let expected = if bias then $"weight {fanIn}×{width} and bias {width}" else $"weight {fanIn}×{width}"
        match p, bias with
        | Group [ "weight", Leaf w; "bias", Leaf b ], true when fits w [| fanIn; width |] && fits b [| width |] -> w, Some b
        | Group [ "weight", Leaf w ], false when fits w [| fanIn; width |] -> w, None
        | _ -> Fail.with' $"network parameters: a dense layer needs {expected}; the parameters were drawn for another network"

    /// σ(x·W + b) for a dense layer of `width` outputs, with or without `bias`, as ONE tape entry with an analytic
    /// backward pass when σ is a built-in activation: the fused hot path of training. Custom activations are
    /// composed and differentiated generally.
    let apply (width: int) (activation: Activation) (bias: bool) (p: Params) (x: Tensor) : Tensor =
        let w, b = weightAndBias x.Raw.Shape.[1] width bias p
        match activation.Kernel, b with
        | Some fused, Some b ->
            let kernel = fused.Kernel
            let z = RawTensor.affine x.Raw w.Raw b.Raw
            let y = RawTensor.forward kernel z
            Tensor.record y [| x; w; b |] (fun g needs ->
                let gz = RawTensor.backward kernel z y g
                [| (if needs.[0] then RawTensor.matmulWith false true gz w.Raw else Unchecked.defaultof<_>)
                   (if needs.[1] then RawTensor.matmulWith true false x.Raw gz else Unchecked.defaultof<_>)
                   (if needs.[2] then RawTensor.sumAxis 0 gz else Unchecked.defaultof<_>) |])
        | _, Some b -> activation.Apply (Tensor.matmul x w + b)
        | _, None -> activation.Apply (Tensor.matmul x w)
