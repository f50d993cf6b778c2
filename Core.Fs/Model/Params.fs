namespace Seagull.Core

open System

/// A parameter tree: named tensors, nested. A model *is* its parameters; gradients and optimizer
/// states are trees of the same shape.
///
/// Example: `Params.group [ "weight", Params.leaf w; "bias", Params.leaf b ]`.
type Params =
    | Leaf of Tensor
    | Group of (string * Params) list

/// Functions over parameter trees.
[<RequireQualifiedAccess>]
module Params =
    /// A tree with one tensor.
    let leaf (t: Tensor) = Leaf t
    /// A tree of named subtrees (order is kept).
    let group (children: (string * Params) list) = Group children

    /// The tensors in depth-first order, as an array (the optimizer's per-step view).
    let internal leafArray (p: Params) : Tensor[] =
        let rec count p =
            match p with
            | Leaf _ -> 1
            | Group children -> List.sumBy (snd >> count) children
        let result = Array.zeroCreate (count p)
        let mutable next = 0
        let rec fill p =
            match p with
            | Leaf t ->
                result.[next] <- t
                next <- next + 1
            | Group children -> for (_, c) in children do fill c
        fill p
        result

    /// The tensors in depth-first order.
    let leaves (p: Params) : Tensor list = List.ofArray (leafArray p)

    /// The paths ("layer1/weight") of the tensors, in the order of `leaves`.
    let paths (p: Params) : string list =
        let rec go prefix p =
            match p with
            | Leaf _ -> [ prefix ]
            | Group children -> children |> List.collect (fun (n, c) -> go (if prefix = "" then n else prefix + "/" + n) c)
        go "" p

    /// The same tree with each tensor transformed.
    let rec map (f: Tensor -> Tensor) (p: Params) : Params =
        match p with
        | Leaf t -> Leaf (f t)
        | Group children -> Group (children |> List.map (fun (n, c) -> n, map f c))

    /// Replaces the tensors in depth-first order with the given ones (the optimizer's per-step form).
    let internal withLeafArray (p: Params) (tensors: Tensor[]) : Params =
        let mutable next = 0
        let result =
            map (fun _ ->
                if next >= tensors.Length then Fail.with' "withLeaves: too few tensors"
                next <- next + 1
                tensors.[next - 1]) p
        if next <> tensors.Length then Fail.with' "withLeaves: too many tensors"
        result

    /// Replaces the tensors in depth-first order with the given ones.
    let withLeaves (p: Params) (tensors: Tensor list) : Params = withLeafArray p (Array.ofList tensors)

    /// The number of scalar parameters.
    let count (p: Params) = leaves p |> List.sumBy (fun t -> t.Count)

    /// All parameters in one contiguous vector (depth-first order, row-major within a tensor).
    let flatten (p: Params) : float[] = leaves p |> List.map Tensor.toArray |> Array.concat

    /// The inverse of `flatten`: the template gives shapes and precisions, `values` the numbers.
    let unflatten (template: Params) (values: float[]) : Params =
        if values.Length <> count template then
            Fail.with' $"unflatten: {values.Length} values for {count template} parameters"
        let mutable offset = 0
        template |> map (fun t ->
            let piece = Array.sub values offset t.Count
            offset <- offset + t.Count
            Tensor.ofArray t.Dtype t.Shape piece)

    /// A tree of zeros shaped like `p`.
    let zerosLike (p: Params) = map (fun t -> Tensor.zeros t.Dtype t.Shape) p

    /// Bitwise equality of shapes and values.
    let equal (p: Params) (q: Params) =
        paths p = paths q && List.forall2 (fun (a: Tensor) (b: Tensor) -> a.Equals b) (leaves p) (leaves q)

    /// f's value at `p` and its gradient: a tree of the same shape as `p`.
    ///
    /// Example: `let loss, g = Params.valueAndGrad (fun p -> Loss.mse (net p x) y) p`.
    let valueAndGrad (f: Params -> Tensor) (p: Params) : float * Params =
        let xs = leafArray p
        let value, grads = Diff.valueAndGradMany (fun ts -> f (withLeafArray p ts)) xs
        Tensor.toScalar value, withLeafArray p grads
