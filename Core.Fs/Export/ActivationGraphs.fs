namespace Seagull.Core

open System

/// Every activation Seagull can export as ONNX operators, each computed by the formula Seagull's own kernel uses
/// (`Tensor/Kernels.fs`, `Tensor/VectorMath.fs`, `Model/LearnedActivation.fs`), so that the stable forms stay stable:
/// log(1 + z²) switches to 2·log|z| where z² would overflow, softplus and log cosh go through log1p of a decaying
/// exponential, and even functions are computed from |z| or z² so that ONNX Runtime keeps them exactly even.
[<RequireQualifiedAccess>]
module internal ActivationGraphs =
    /// log(1 + u) for u ≥ 0 as Seagull computes it (Goldberg: log(w)·u/(w − 1), w = 1 + u; u itself where w rounds to 1).
    let private log1p (b: GraphBuilder) (dtype: Dtype) (u: string) =
        let one = b.Scalar(dtype, 1.0)
        let w = b.Op("Add", [ one; u ])
        let d = b.Op("Sub", [ w; one ])
        let general = b.Op("Mul", [ b.Op("Log", [ w ]); b.Op("Div", [ u; d ]) ])
        b.Op("Where", [ b.Op("Equal", [ w; one ]); u; general ])

    /// 1 / (1 + e^{−z}) as e^{−|z|} / (1 + e^{−|z|}) below 0 (Seagull's sigmoid: e^{−z} never overflows).
    let private sigmoid (b: GraphBuilder) (dtype: Dtype) (z: string) =
        let one = b.Scalar(dtype, 1.0)
        let e = b.Op("Exp", [ b.Op("Neg", [ b.Op("Abs", [ z ]) ]) ])
        let numerator = b.Op("Where", [ b.Op("GreaterOrEqual", [ z; b.Scalar(dtype, 0.0) ]); one; e ])
        b.Op("Div", [ numerator; b.Op("Add", [ one; e ]) ])

    /// log(1 + z²): log(w) + (u − (w − 1))/w with u = z², w = 1 + u (restoring what rounding 1 + u lost), and
    /// 2·log|z| beyond |z| = 1e18 (float32) or 1e150 (float64), where z² would overflow.
    let private seagull (b: GraphBuilder) (dtype: Dtype) (z: string) =
        let one = b.Scalar(dtype, 1.0)
        let a = b.Op("Abs", [ z ])
        let huge = b.Op("Greater", [ a; b.Scalar(dtype, (match dtype with Float32 -> 1e18 | Float64 -> 1e150)) ])
        let u = b.Op("Mul", [ z; z ])
        let w = b.Op("Add", [ one; u ])
        let l = b.Op("Log", [ b.Op("Where", [ huge; a; w ]) ])
        let correction = b.Op("Div", [ b.Op("Sub", [ u; b.Op("Sub", [ w; one ]) ]); w ])
        b.Op("Where", [ huge; b.Op("Add", [ l; l ]); b.Op("Add", [ l; correction ]) ])

    /// GELU's tanh approximation, operation by operation as Seagull's kernel rounds it.
    let private gelu (b: GraphBuilder) (dtype: Dtype) (z: string) =
        let square = b.Op("Mul", [ z; z ])
        let cube = b.Op("Mul", [ square; z ])
        let sum = b.Op("Add", [ z; b.Op("Mul", [ b.Scalar(dtype, 0.044715); cube ]) ])
        let t = b.Op("Tanh", [ b.Op("Mul", [ b.Scalar(dtype, Math.Sqrt(2.0 / Math.PI)); sum ]) ])
        b.Op("Mul", [ b.Op("Mul", [ b.Scalar(dtype, 0.5); z ]); b.Op("Add", [ b.Scalar(dtype, 1.0); t ]) ])

    let private builtIn (b: GraphBuilder) (dtype: Dtype) (name: string) (z: string) : string option =
        let k v = b.Scalar(dtype, v)
        let op o inputs = b.Op(o, inputs)
        match name with
        | "identity" -> Some z
        | "seagull" -> Some (seagull b dtype z)
        | "square" -> Some (op "Mul" [ z; z ])
        | "abs" -> Some (op "Abs" [ z ])
        | "gaussian" -> Some (op "Exp" [ op "Neg" [ op "Mul" [ z; z ] ] ])
        | "logcosh" ->
            // |z| + log1p(e^{−2|z|}) − log 2
            let a = op "Abs" [ z ]
            let l = log1p b dtype (op "Exp" [ op "Mul" [ a; k -2.0 ] ])
            Some (op "Sub" [ op "Add" [ a; l ]; k (Math.Log 2.0) ])
        | "cos" -> Some (op "Cos" [ op "Abs" [ z ] ])
        | "tanh" -> Some (op "Tanh" [ z ])
        | "relu" -> Some (op "Relu" [ z ])
        | "leakyrelu" -> Some (op "Where" [ op "Greater" [ z; k 0.0 ]; z; op "Mul" [ k 0.01; z ] ])
        | "sigmoid" -> Some (sigmoid b dtype z)
        | "softplus" ->
            // max(z, 0) + log1p(e^{−|z|})
            Some (op "Add" [ op "Max" [ z; k 0.0 ]; log1p b dtype (op "Exp" [ op "Neg" [ op "Abs" [ z ] ] ]) ])
        | "elu" -> Some (op "Where" [ op "Greater" [ z; k 0.0 ]; z; op "Sub" [ op "Exp" [ z ]; k 1.0 ] ])
        | "silu" -> Some (op "Mul" [ sigmoid b dtype z; z ])
        | "gelu" -> Some (gelu b dtype z)
        | _ -> None

    /// The learnable shapes σ(z; α), in float64 as Seagull computes them (`LearnedKernels`), α one per column.
    let private learned (b: GraphBuilder) (name: string) (alpha: string) (z: string) : string option =
        let k v = b.Scalar(Float64, v)
        let op o inputs = b.Op(o, inputs)
        let az = op "Mul" [ alpha; z ]
        let s = op "Mul" [ az; az ]
        match name with
        | "gaussian-learned" -> Some (op "Exp" [ op "Neg" [ s ] ])
        | "seagull-learned" ->
            let t = op "Mul" [ z; z ]
            let a2 = op "Mul" [ alpha; alpha ]
            let u = op "Add" [ k 1.0; s ]
            // log(1 + s)/s by Kahan's rule: 1 where 1 + s rounds to 1.
            let log1pOver = op "Where" [ op "Equal" [ u; k 1.0 ]; k 1.0; op "Div" [ op "Log" [ u ]; op "Sub" [ u; k 1.0 ] ] ]
            let logs = op "Add" [ op "Log" [ op "Abs" [ alpha ] ]; op "Log" [ op "Abs" [ z ] ] ]
            let overflowed = op "Div" [ op "Mul" [ k 2.0; logs ]; a2 ]
            let large = op "Where" [ op "Equal" [ s; k Double.PositiveInfinity ]; overflowed; op "Div" [ op "Log" [ u ]; a2 ] ]
            let moderate = op "Where" [ op "Less" [ s; k 1.0 ]; op "Mul" [ t; log1pOver ]; large ]
            Some (op "Where" [ op "Equal" [ s; k 0.0 ]; t; moderate ])
        | _ -> None

    /// A custom activation's formula, case by case as `Expression.evaluate` computes it.
    let rec private expression (b: GraphBuilder) (dtype: Dtype) (e: Expression) (z: string) : string =
        let at e = expression b dtype e z
        let op o inputs = b.Op(o, inputs)
        let k v = b.Scalar(dtype, v)
        match e with
        | Expression.Z -> z
        | Expression.Add (x, y) -> op "Add" [ at x; at y ]
        | Expression.AddScalar (s, x) -> op "Add" [ at x; k s ]
        | Expression.Subtract (x, y) -> op "Sub" [ at x; at y ]
        | Expression.Negate x -> op "Mul" [ at x; k -1.0 ]
        | Expression.Multiply (x, y) -> op "Mul" [ at x; at y ]
        | Expression.Scale (s, x) -> op "Mul" [ at x; k s ]
        | Expression.Divide (x, y) -> op "Div" [ at x; at y ]
        | Expression.ScalarDivide (s, x) -> op "Div" [ k s; at x ]
        | Expression.Function (f, x) ->
            let t = at x
            match f with
            | Log -> op "Log" [ t ]
            | Exp -> op "Exp" [ t ]
            | Sqrt -> op "Sqrt" [ t ]
            | Sin -> op "Sin" [ t ]
            | Cos -> op "Cos" [ t ]
            // The built-ins' formulas (tanh, sigmoid, relu, z² are `Tensor.map` of their kernels).
            | Tanh -> op "Tanh" [ t ]
            | Abs -> op "Abs" [ t ]
            | Square -> op "Mul" [ t; t ]
            | Sigmoid -> sigmoid b dtype t
            | Relu -> op "Relu" [ t ]

    /// Checks that an activation has an ONNX form, or raises a one-line error naming it.
    let require (a: Activation) : unit =
        if not (Activation.isBuiltIn a) && a.Expression.IsNone then
            Fail.with' $"cannot export activation '{a.Name}' to ONNX: it is an F# function, which has no ONNX form; make it from a formula (Activation.ofExpression, or Activation.Custom in C#)"

    /// σ(z) as nodes, z of `dtype`; `alpha` is the name of the layer's α (a float64 constant) for a learnable activation.
    let emit (b: GraphBuilder) (dtype: Dtype) (a: Activation) (alpha: string option) (z: string) : string =
        require a
        match a.Learnable, alpha, a.Expression with
        | Some _, Some alpha, _ ->
            // Seagull computes the learnable shapes in float64 and rounds once to the network's precision.
            let z64 = if dtype = Float64 then z else b.Cast(z, Float64)
            match learned b a.Name alpha z64 with
            | Some y -> if dtype = Float64 then y else b.Cast(y, dtype)
            | None -> Fail.with' $"cannot export activation '{a.Name}' to ONNX: an unknown learnable shape"
        | Some _, None, _ -> Fail.with' $"cannot export activation '{a.Name}' to ONNX: its layer has no α"
        | None, _, Some e -> expression b dtype e z
        | None, _, None ->
            match builtIn b dtype a.Name z with
            | Some y -> y
            | None -> Fail.with' $"cannot export activation '{a.Name}' to ONNX: no ONNX form is known for it"
