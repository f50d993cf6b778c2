namespace Seagull.Core

open System.Collections.Generic

/// The values of a constant tensor of a graph (a weight, a bias, α, a standardisation vector, a column list).
type GraphValues =
    /// Real numbers stored in the precision given (float64 values that the precision holds exactly).
    | RealValues of Dtype * float[]
    /// 64-bit integers (the column indices of a Gather).
    | IntegerValues of int64[]

/// A named constant tensor of a graph (an ONNX initializer).
type GraphConstant = { Name: string; Shape: int[]; Values: GraphValues }

/// One operator of a graph: its ONNX operator type, the names of its inputs and outputs, and its integer attributes
/// (the only kind Seagull's graphs need: Cast's `to`, the `axis` of Concat, Gather and Softmax).
type GraphNode = { Operator: string; Inputs: string list; Output: string; Attributes: (string * int64) list }

/// A whole model as an ONNX graph, described as plain data: what `OnnxFile` (Seagull.Onnx) writes as protobuf.
/// One float32 input of `InputWidth` columns and any number of rows; float32 outputs of rows × their width.
type GraphDescription =
    { /// The ONNX operator set the nodes are of (the default domain).
      Opset: int
      Input: string
      InputWidth: int
      /// Output names and widths, in order.
      Outputs: (string * int) list
      Nodes: GraphNode list
      Constants: GraphConstant list
      /// The model's metadata_props: key and value.
      Metadata: (string * string) list
      /// One line: what the graph computes (the network's description).
      Description: string }

/// ONNX's element type numbers (TensorProto.DataType) for the ones Seagull's graphs use.
[<RequireQualifiedAccess>]
module internal OnnxType =
    let float32 = 1L
    let int64 = 7L
    let float64 = 11L
    let ofDtype (d: Dtype) = match d with Float32 -> float32 | Float64 -> float64

/// Collects the nodes and constants of one graph as it is translated: fresh names for intermediate values, and each
/// constant once however often it is used (the weights of a network applied to x and to x̃ are stored once).
/// Private to one translation; the translation as a whole is a pure function of the model.
type internal GraphBuilder() =
    let nodes = ResizeArray<GraphNode>()
    let constants = ResizeArray<GraphConstant>()
    let constantNames = HashSet<string>()
    let mutable counter = 0

    member _.Nodes = List.ofSeq nodes
    member _.Constants = List.ofSeq constants

    /// A node `op(inputs)` with attributes; returns the name of its output.
    member _.Op(op: string, inputs: string list, ?attributes: (string * int64) list) : string =
        counter <- counter + 1
        let output = $"{op.ToLowerInvariant()}_{counter}"
        nodes.Add { Operator = op; Inputs = inputs; Output = output; Attributes = defaultArg attributes [] }
        output

    /// A node whose output has a given name (a graph output).
    member _.Named(op: string, inputs: string list, output: string, ?attributes: (string * int64) list) : string =
        nodes.Add { Operator = op; Inputs = inputs; Output = output; Attributes = defaultArg attributes [] }
        output

    /// A constant tensor under a name; the first one given a name is kept.
    member _.Constant(name: string, shape: int[], values: GraphValues) : string =
        if constantNames.Add name then constants.Add { Name = name; Shape = shape; Values = values }
        name

    /// A scalar (rank 0) constant of a precision, named by its bits so that each value is stored once.
    member this.Scalar(dtype: Dtype, value: float) : string =
        let bits =
            match dtype with
            | Float32 -> $"f32_{System.BitConverter.SingleToInt32Bits(float32 value):x8}"
            | Float64 -> $"f64_{System.BitConverter.DoubleToInt64Bits value:x16}"
        this.Constant($"const_{bits}", [||], RealValues (dtype, [| (match dtype with Float32 -> float (float32 value) | Float64 -> value) |]))

    /// Casts a value to a precision.
    member this.Cast(x: string, dtype: Dtype) : string = this.Op("Cast", [ x ], [ "to", OnnxType.ofDtype dtype ])
