namespace Seagull.Testing

open Seagull.Core

/// A network with the seed its parameters are drawn with and a batch of inputs (rows × the symmetry's width,
/// row-major). It prints on one line, in FsCheck's messages too: the architecture, the network, the symmetry, the
/// seed and the input rows as `u | v | w` in round-trip form, e.g.
/// `mlp 2→1(tanh)→1 float64 (u:1 v:1 w:0) seed=0 rows=1: [0.5 | -1 |]`.
[<StructuredFormatDisplay("{Display}")>]
type NetworkCase =
    { Spec: NetworkSpec; Seed: int; Rows: int; Inputs: float[] }
    /// The one-line description (`ToString`).
    member this.Display =
        let name = match Architectures.recognise this.Spec with Some (name, _) -> name + " " | None -> ""
        let width = this.Spec.Symmetry.Width
        let rows =
            [ for r in 0 .. this.Rows - 1 -> Show.row this.Spec.Symmetry this.Spec.Precision this.Inputs.[r * width .. (r + 1) * width - 1] ]
            |> String.concat "; "
        $"{name}{Network.describe this.Spec} ({this.Spec.Symmetry}) seed={this.Seed} rows={this.Rows}: [{rows}]"
    /// Whether the network is exactly invariant by construction (`Network.isExactlyInvariant`).
    member this.IsExactlyInvariant = Network.isExactlyInvariant this.Spec
    /// The inputs as a rows × width tensor of the network's precision.
    member this.InputTensor = Tensor.ofArray this.Spec.Precision [| this.Rows; this.Spec.Symmetry.Width |] this.Inputs
    override this.ToString() = this.Display
