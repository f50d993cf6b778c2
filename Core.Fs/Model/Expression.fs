namespace Seagull.Core

/// The elementwise functions a custom activation's formula can use (those of the C# `Expr`).
type ExpressionFunction =
    | Log
    | Exp
    | Sqrt
    | Sin
    | Cos
    | Tanh
    | Abs
    | Square
    | Sigmoid
    | Relu

/// A custom activation's formula as data: a tree over the argument z, constants and the functions above. An
/// activation made from one (`Activation.ofExpression`) computes by evaluating it, and can be written out in other
/// forms (an ONNX graph); an activation made from an F# function (`Activation.custom`) cannot.
///
/// Example: `Expression.Function (Log, Expression.AddScalar (1.0, Expression.Multiply (Expression.Z, Expression.Z)))` is log(1 + z·z).
[<RequireQualifiedAccess>]
type Expression =
    /// The argument z.
    | Z
    | Add of Expression * Expression
    /// s + e.
    | AddScalar of float * Expression
    | Subtract of Expression * Expression
    /// −e, computed as (−1)·e.
    | Negate of Expression
    | Multiply of Expression * Expression
    /// s · e.
    | Scale of float * Expression
    | Divide of Expression * Expression
    /// s / e.
    | ScalarDivide of float * Expression
    | Function of ExpressionFunction * Expression

/// Evaluating an `Expression` on tensors.
[<RequireQualifiedAccess>]
module Expression =
    /// The expression's value at every element of z (differentiable): each case is one `Tensor` operation, the ones
    /// the C# `Expr` operators call.
    /// Example: `Expression.evaluate (Expression.Function (Abs, Expression.Z)) z = Tensor.abs z`.
    let rec evaluate (e: Expression) (z: Tensor) : Tensor =
        let at e = evaluate e z
        match e with
        | Expression.Z -> z
        | Expression.Add (a, b) -> Tensor.add (at a) (at b)
        | Expression.AddScalar (s, a) -> Tensor.addScalar s (at a)
        | Expression.Subtract (a, b) -> Tensor.sub (at a) (at b)
        | Expression.Negate a -> Tensor.neg (at a)
        | Expression.Multiply (a, b) -> Tensor.mul (at a) (at b)
        | Expression.Scale (s, a) -> Tensor.scale s (at a)
        | Expression.Divide (a, b) -> Tensor.div (at a) (at b)
        | Expression.ScalarDivide (s, a) -> let t = at a in Tensor.div (Tensor.full t.Dtype [||] s) t
        | Expression.Function (f, a) ->
            let t = at a
            match f with
            | Log -> Tensor.log t
            | Exp -> Tensor.exp t
            | Sqrt -> Tensor.sqrt t
            | Sin -> Tensor.sin t
            | Cos -> Tensor.cos t
            | Tanh -> Tensor.tanh t
            | Abs -> Tensor.abs t
            | Square -> Tensor.square t
            | Sigmoid -> Tensor.sigmoid t
            | Relu -> Tensor.relu t
