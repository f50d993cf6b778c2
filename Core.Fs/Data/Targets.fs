namespace Seagull.Core

open System

/// A built-in target function of x = (u, v, w), with its formula and block widths. Inputs are drawn
/// i.i.d. uniform on [−1, 1]. Every exchangeable target satisfies f(u,v,w) = f(v,u,w) (to rounding)
/// and is finite everywhere on its domain.
///
/// Example: `(Targets.find "coulomb").Evaluate [| 0.;0.;0.; 1.;0.;0.; 0.;0.;0. |]`.
type Target =
    { /// Short name used on the command line (for example `coulomb`).
      Name: string
      /// The formula in plain text (for example `1/√(|u−w|²+0.1) + 1/√(|v−w|²+0.1)`).
      Formula: string
      /// The block symmetry of the inputs: u, v ∈ R^D, w ∈ R^K.
      Symmetry: Symmetry
      /// True when f(u,v,w) = f(v,u,w) for all inputs; false for control targets.
      Exchangeable: bool
      /// The function of one input row in [u | v | w] order (length 2D + K).
      Evaluate: float[] -> float
      /// One sentence on what the target models.
      Description: string }

/// The built-in suite of targets and data generation from them.
module Targets =
    // ---- small vector helpers over a row: block `start` of width `n` -----------------------------
    let private dot (x: float[]) (a: int) (b: int) (n: int) =
        let mutable s = 0.0
        for i in 0 .. n - 1 do s <- s + x.[a + i] * x.[b + i]
        s

    /// |block a − block b|².
    let private dist2 (x: float[]) (a: int) (b: int) (n: int) =
        let mutable s = 0.0
        for i in 0 .. n - 1 do
            let d = x.[a + i] - x.[b + i]
            s <- s + d * d
        s

    /// w · (u + v) with u at 0, v at d, w at 2d (all width d).
    let private wDotSum (x: float[]) (d: int) =
        let mutable s = 0.0
        for i in 0 .. d - 1 do s <- s + x.[2 * d + i] * (x.[i] + x.[d + i])
        s

    let private make name formula d k exchangeable description (f: float[] -> float) =
        let symmetry = Symmetry.blocks d k
        let width = symmetry.Width
        let evaluate (row: float[]) =
            if isNull row || row.Length <> width then
                Fail.with' $"target '{name}': a row needs {width} inputs (D = {d}, K = {k}), got {(if isNull row then 0 else row.Length)}"
            f row
        { Name = name; Formula = formula; Symmetry = symmetry; Exchangeable = exchangeable
          Evaluate = evaluate; Description = description }

    // ---- the six targets of the PyTorch reference (u, v, w ∈ R³), formulas as there -----------
    let private coulomb =
        make "coulomb" "1/√(|u−w|²+0.1) + 1/√(|v−w|²+0.1)" 3 3 true
            "Potential at w of two equal softened point charges at u and v."
            (fun x -> 1.0 / sqrt (dist2 x 0 6 3 + 0.1) + 1.0 / sqrt (dist2 x 3 6 3 + 0.1))

    let private triangleArea =
        make "triangle_area" "½|(v−u)×(w−u)|" 3 3 true
            "Area of the triangle with corners u, v and w."
            (fun x ->
                let a i = x.[3 + i] - x.[i]
                let b i = x.[6 + i] - x.[i]
                let c0 = a 1 * b 2 - a 2 * b 1
                let c1 = a 2 * b 0 - a 0 * b 2
                let c2 = a 0 * b 1 - a 1 * b 0
                0.5 * sqrt (c0 * c0 + c1 * c1 + c2 * c2))

    let private angle =
        make "angle" "arccos( (u−w)·(v−w) / ((|u−w|+1e−9)(|v−w|+1e−9)) ), cosine clipped to [−1,1]" 3 3 true
            "Angle at the vertex w between the bonds to u and to v (π/2 when a bond has zero length)."
            (fun x ->
                let mutable ab = 0.0
                let mutable aa = 0.0
                let mutable bb = 0.0
                for i in 0 .. 2 do
                    let a = x.[i] - x.[6 + i]
                    let b = x.[3 + i] - x.[6 + i]
                    ab <- ab + a * b
                    aa <- aa + a * a
                    bb <- bb + b * b
                let c = ab / ((sqrt aa + 1e-9) * (sqrt bb + 1e-9))
                acos (max -1.0 (min 1.0 c)))

    let private pairDot =
        make "pair_dot" "(u·w)(v·w)" 3 3 true
            "Product of the projections of u and of v on w."
            (fun x -> dot x 0 6 3 * dot x 3 6 3)

    let private gaussianPair =
        make "gaussian_pair" "exp(−|u−v|²)·cos(w·(u+v))" 3 3 true
            "A Gaussian pair correlation modulated by a plane wave of wave vector w at the pair's centre."
            (fun x -> exp (-(dist2 x 0 3 3)) * cos (wDotSum x 3))

    let private spring =
        make "spring" "(|u−v|−1)² + w·(u+v)" 3 3 true
            "Energy of a unit-length spring between u and v in a uniform field w."
            (fun x ->
                let s = sqrt (dist2 x 0 3 3) - 1.0
                s * s + wDotSum x 3)

    // ---- further targets: other block widths ------------------------------------------------------
    let private planarCharges =
        make "planar_charges" "−½ln(|u−w|²+0.1) − ½ln(|v−w|²+0.1)" 2 2 true
            "Two-dimensional electrostatics: potential at w of two equal line charges at u and v in the plane."
            (fun x -> -0.5 * log (dist2 x 0 4 2 + 0.1) - 0.5 * log (dist2 x 2 4 2 + 0.1))

    let private morse =
        make "morse" "(1 − exp(−2(|u−v|−0.8)))²" 3 0 true
            "Morse potential of a diatomic molecule with atoms at u and v (bond length 0.8); no w."
            (fun x ->
                let e = 1.0 - exp (-2.0 * (sqrt (dist2 x 0 3 3) - 0.8))
                e * e)

    let private beadPair =
        make "bead_pair" "((u−v)² − 0.5)² + w(u+v)" 1 1 true
            "Two beads on a line in a double-well pair potential, pushed by a uniform force w."
            (fun x ->
                let d = x.[0] - x.[1]
                let s = d * d - 0.5
                s * s + x.[2] * (x.[0] + x.[1]))

    let private mirrorSymmetry =
        make "mirror_symmetry" "exp(−|u−v|²/8) + w₁(Σu+Σv)/16 + w₂(|u|²+|v|²)/16" 8 2 true
            "Symmetry score of a 16-pixel strip (u: left half, v: right half read mirrored) plus exposure terms w."
            (fun x ->
                let mutable total = 0.0
                let mutable energy = 0.0
                for i in 0 .. 7 do
                    total <- total + (x.[i] + x.[8 + i])
                    energy <- energy + (x.[i] * x.[i] + x.[8 + i] * x.[8 + i])
                exp (-(dist2 x 0 8 8) / 8.0) + x.[16] * total / 16.0 + x.[17] * energy / 16.0)

    // ---- control: not exchangeable -------------------------------------------------------------------
    let private controlAsymmetric =
        make "control_asymmetric" "1/√(|u−w|²+0.1) + ½/√(|v−w|²+0.1)" 3 3 false
            "Control, not exchangeable: the coulomb target with unequal charges 1 at u and ½ at v."
            (fun x -> 1.0 / sqrt (dist2 x 0 6 3 + 0.1) + 0.5 / sqrt (dist2 x 3 6 3 + 0.1))

    /// The six targets of the PyTorch reference (u, v, w ∈ R³), in its order.
    /// Example: `Targets.reference |> List.map (fun t -> t.Name)` starts with "coulomb".
    let reference : Target list = [ coulomb; triangleArea; angle; pairDot; gaussianPair; spring ]

    /// Every built-in target: the reference six, then the others, then the control.
    /// Example: `Targets.all |> List.length`.
    let all : Target list =
        reference @ [ planarCharges; morse; beadPair; mirrorSymmetry; controlAsymmetric ]

    /// The exchangeable targets (all but the controls).
    /// Example: `Targets.exchangeable |> List.forall (fun t -> t.Exchangeable)`.
    let exchangeable : Target list = all |> List.filter (fun t -> t.Exchangeable)

    /// The target with this name (case-insensitive, surrounding spaces ignored), if any.
    /// Example: `Targets.tryFind "Spring"` is `Some spring`.
    let tryFind (name: string) : Target option =
        if isNull name then None
        else all |> List.tryFind (fun t -> String.Equals(t.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))

    /// The target with this name; raises `SeagullException` "unknown target 'x'; known: a, b, …".
    /// Example: `Targets.find "angle"`.
    let find (name: string) : Target =
        match tryFind name with
        | Some t -> t
        | None -> Fail.with' $"""unknown target '{name}'; known: {all |> List.map (fun t -> t.Name) |> String.concat ", "}"""

    /// Checks that `jobs` data sets of `rows` generated rows each fit in memory and in one array per
    /// data set, before anything is allocated; raises `SeagullException` otherwise.
    /// Example: `Targets.requireRows (Targets.find "spring") 12000L 2`.
    let requireRows (target: Target) (rows: int64) (jobs: int) : unit =
        let width = int64 target.Symmetry.Width
        if rows * width > int64 Array.MaxLength then
            Fail.with' $"target '{target.Name}': {rows} rows × {width} inputs are too many for one array (at most {Array.MaxLength} values)"
        // The rows, their standardised copy and the training tensors: about four copies of the data per job.
        let what = if jobs = 1 then $"{rows} rows of '{target.Name}'" else $"{jobs} jobs of {rows} rows of '{target.Name}'"
        Memory.require what (int64 jobs * rows * (width + 1L) * 8L * 4L)

    /// Draws `rows` input rows i.i.d. uniform on [−1, 1] from `key` and evaluates the target: a data set
    /// with input names u1..uD, v1..vD, w1..wK and target name "y". The same key gives the same data.
    /// Example: `Targets.generate (Targets.find "spring") (Random.key 0) 8000`.
    let generate (target: Target) (key: Key) (rows: int) : Dataset =
        if rows < 1 then Fail.with' $"target '{target.Name}': cannot generate {rows} rows; need at least 1"
        requireRows target (int64 rows) 1
        let width = target.Symmetry.Width
        let x = Random.uniforms key (rows * width) -1.0 1.0
        let y = Array.init rows (fun i -> target.Evaluate (Array.sub x (i * width) width))
        y |> Array.iteri (fun i v ->
            if not (Double.IsFinite v) then
                Fail.with' $"target '{target.Name}': row {i + 1} evaluated to {v}; a target must be finite")
        Dataset.ofArrays target.Symmetry x y
