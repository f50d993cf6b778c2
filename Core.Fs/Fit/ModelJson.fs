namespace Seagull.Core

open System
open System.Text.Json

/// Reading the JSON of a model file: every accessor fails with a one-line message naming the file and the
/// field ("model file 'm.json' is missing 'network.layers'").
type internal JsonReader(name: string) =
    /// Raises "model file '<name>' <why>".
    member _.Fail(why: string) : 'a = Fail.with' $"model file '{name}' {why}"

    member r.Prop (e: JsonElement) (path: string) (key: string) : JsonElement =
        if e.ValueKind <> JsonValueKind.Object then r.Fail $"has a non-object '{path.TrimEnd('.')}'"
        match e.TryGetProperty key with
        | true, v -> v
        | _ -> r.Fail $"is missing '{path}{key}'"

    member r.Str (e: JsonElement) (path: string) (key: string) : string =
        let v = r.Prop e path key
        if v.ValueKind <> JsonValueKind.String then r.Fail $"has a non-text '{path}{key}'"
        v.GetString()

    member r.Num (e: JsonElement) (path: string) (key: string) : float =
        let v = r.Prop e path key
        if v.ValueKind <> JsonValueKind.Number then r.Fail $"has a non-numeric '{path}{key}'"
        v.GetDouble()

    member r.Bool (e: JsonElement) (path: string) (key: string) : bool =
        match (r.Prop e path key).ValueKind with
        | JsonValueKind.True -> true
        | JsonValueKind.False -> false
        | _ -> r.Fail $"has a non-boolean '{path}{key}'"

    /// A count or width: a whole number in int's range (1.9 must not load as 1, 2^40 not as int's maximum).
    member r.Whole (what: string) (v: float) : int =
        if Math.Round v <> v || v < float Int32.MinValue || v > float Int32.MaxValue then r.Fail $"has '{what}' = {Fail.number v}, not a whole number"
        int v

    member r.Int (e: JsonElement) (path: string) (key: string) : int = r.Whole $"{path}{key}" (r.Num e path key)

    member r.Array (e: JsonElement) (path: string) (key: string) (f: JsonElement -> 'a) : 'a[] =
        r.Items (r.Prop e path key) $"{path}{key}" f

    member r.Items (v: JsonElement) (what: string) (f: JsonElement -> 'a) : 'a[] =
        if v.ValueKind <> JsonValueKind.Array then r.Fail $"has a non-list '{what}'"
        [| for x in v.EnumerateArray() -> f x |]

    member r.Number (x: JsonElement) : float = if x.ValueKind = JsonValueKind.Number then x.GetDouble() else r.Fail "has a non-numeric list entry"
    member r.Text (x: JsonElement) : string = if x.ValueKind = JsonValueKind.String then x.GetString() else r.Fail "has a non-text list entry"

    /// The one property of an object such as `{ "dense": { … } }`: its name and value.
    member r.Tagged (e: JsonElement) (what: string) : string * JsonElement =
        if e.ValueKind <> JsonValueKind.Object then r.Fail $"has a non-object {what}"
        match [ for p in e.EnumerateObject() -> p.Name, p.Value ] with
        | [ one ] -> one
        | _ -> r.Fail $"has a {what} that is not one tagged object (such as {{ \"dense\": {{…}} }})"

/// The symmetry and the layer tree as JSON: written by `ModelFile.toJson`, read back by `ModelFile.ofJson`.
module internal ModelJson =
    let private axisName (a: MirrorAxis) = match a with LeftRight -> "left-right" | TopBottom -> "top-bottom"

    let writeSymmetry (w: Utf8JsonWriter) (s: Symmetry) =
        w.WriteStartObject()
        match s.Shape with
        | Blocks (d, k) ->
            w.WriteStartObject "blocks"
            w.WriteNumber("d", d)
            w.WriteNumber("k", k)
            w.WriteEndObject()
        | Mirror (axis, width, height, channels) ->
            w.WriteStartObject "mirror"
            w.WriteString("axis", axisName axis)
            w.WriteNumber("width", width)
            w.WriteNumber("height", height)
            w.WriteNumber("channels", channels)
            w.WriteEndObject()
        | Permutation p ->
            w.WriteStartArray "permutation"
            for j in p do w.WriteNumberValue j
            w.WriteEndArray()
        w.WriteEndObject()

    let readSymmetry (r: JsonReader) (path: string) (e: JsonElement) : Symmetry =
        let tag, v = r.Tagged e $"'{path}'"
        let inner = $"{path}.{tag}."
        try
            match tag with
            | "blocks" -> Symmetry.blocks (r.Int v inner "d") (r.Int v inner "k")
            | "mirror" ->
                let axis =
                    match r.Str v inner "axis" with
                    | "left-right" -> LeftRight
                    | "top-bottom" -> TopBottom
                    | other -> r.Fail $"has an unknown mirror axis '{other}' at '{inner}axis' (left-right or top-bottom)"
                Symmetry.mirror axis (r.Int v inner "width") (r.Int v inner "height") (r.Int v inner "channels")
            | "permutation" -> Symmetry.ofPermutation (r.Items v $"{path}.permutation" (fun x -> r.Whole $"{path}.permutation" (r.Number x)))
            | other -> r.Fail $"has an unknown symmetry '{other}' at '{path}' (blocks, mirror or permutation)"
        with :? SeagullException as e when not (e.Message.StartsWith "model file") -> r.Fail $"has an invalid symmetry at '{path}': {e.Message}"

    let rec writeLayer (w: Utf8JsonWriter) (layer: Layer) =
        let list (name: string) (layers: Layer list) =
            w.WriteStartArray name
            for l in layers do writeLayer w l
            w.WriteEndArray()
        let child (name: string) (l: Layer) =
            w.WritePropertyName name
            writeLayer w l
        let symmetry (s: Symmetry) =
            w.WritePropertyName "symmetry"
            writeSymmetry w s
        w.WriteStartObject()
        match layer with
        | Dense (width, activation, bias) ->
            w.WriteStartObject "dense"
            w.WriteNumber("width", width)
            w.WriteString("activation", activation.Name)
            w.WriteBoolean("bias", bias)
            w.WriteEndObject()
        | Chain layers -> list "chain" layers
        | Parallel layers -> list "parallel" layers
        | Split (s, sum, difference, next) ->
            w.WriteStartObject "split"
            symmetry s
            child "sum" sum
            child "difference" difference
            child "next" next
            w.WriteEndObject()
        | SwapPool (s, inner, pooling, next) ->
            w.WriteStartObject "swapPool"
            symmetry s
            child "inner" inner
            w.WriteString("pooling", Layer.poolingName pooling)
            child "next" next
            w.WriteEndObject()
        | Symmetrize (s, inner) ->
            w.WriteStartObject "symmetrize"
            symmetry s
            child "inner" inner
            w.WriteEndObject()
        w.WriteEndObject()

    /// A layer tree; `activation` resolves an activation's name (or fails naming it).
    let rec readLayer (r: JsonReader) (activation: string -> Activation) (path: string) (e: JsonElement) : Layer =
        let tag, v = r.Tagged e $"layer at '{path}'"
        let at = $"{path}.{tag}"
        let sub (key: string) = readLayer r activation $"{at}.{key}" (r.Prop v $"{at}." key)
        let list () = r.Items v at id |> Array.mapi (fun i x -> readLayer r activation $"{at}[{i}]" x) |> List.ofArray
        match tag with
        | "dense" -> Dense (r.Int v $"{at}." "width", activation (r.Str v $"{at}." "activation"), r.Bool v $"{at}." "bias")
        | "chain" -> Chain (list ())
        | "parallel" -> Parallel (list ())
        | "split" -> Split (readSymmetry r $"{at}.symmetry" (r.Prop v $"{at}." "symmetry"), sub "sum", sub "difference", sub "next")
        | "swapPool" ->
            // Names as they are written, not as a user may type them: a re-spelt name is an edit.
            let pooling =
                match r.Str v $"{at}." "pooling" with
                | name when name = Layer.poolingName PoolSum -> PoolSum
                | name when name = Layer.poolingName PoolSumAbsDiff -> PoolSumAbsDiff
                | name -> r.Fail $"has an invalid '{at}.pooling': '{name}' (sum or sum+absdiff)"
            SwapPool (readSymmetry r $"{at}.symmetry" (r.Prop v $"{at}." "symmetry"), sub "inner", pooling, sub "next")
        | "symmetrize" -> Symmetrize (readSymmetry r $"{at}.symmetry" (r.Prop v $"{at}." "symmetry"), sub "inner")
        | other -> r.Fail $"has an unknown layer '{other}' at '{path}' (dense, chain, parallel, split, swapPool or symmetrize)"

    /// The parameters of `spec` from the `stored` entries { path, shape, values }: every path and shape checked against
    /// the tree (`formerPath` maps the tree's paths to the file's) before anything is allocated, so an edited width
    /// is refused in one line, not drawn; float32 values must be float32 numbers.
    let readParameters (r: JsonReader) (spec: NetworkSpec) (formerPath: string -> string) (stored: JsonElement[]) : Params =
        let expected = Network.parameterShapes spec |> List.map (fun (path, shape) -> formerPath path, shape)
        if stored.Length <> expected.Length then r.Fail $"has {stored.Length} parameter tensors; the network needs {expected.Length}"
        let checkedShapes =
            List.zip expected (List.ofArray stored) |> List.map (fun ((path, shape), e) ->
                let p = r.Str e "parameters[]." "path"
                if p <> path then r.Fail $"has parameter '{p}' where '{path}' was expected"
                let given = r.Array e $"parameters[{path}]." "shape" r.Number |> Array.map (r.Whole $"parameters[{path}].shape")
                if given <> shape then r.Fail $"has parameter '{path}' of shape {RawTensor.shapeText given}; the network needs {RawTensor.shapeText shape}"
                path, shape, e)
        let precision = spec.Precision
        let tensors =
            checkedShapes |> List.map (fun (path, shape, e) ->
                let values = r.Array e $"parameters[{path}]." "values" r.Number
                let count = Array.fold (*) 1 shape
                if values.Length <> count then r.Fail $"has {values.Length} values for parameter '{path}' of {count}"
                if precision = Float32 then
                    match values |> Array.tryFind (fun v -> float (float32 v) <> v) with
                    | Some v -> r.Fail $"has {Fail.number v} in float32 parameter '{path}', which is not a float32 number (edited?)"
                    | None -> ()
                Tensor.ofArray precision shape values)
        Params.withLeaves (Network.init spec (Random.key 0)) tensors
