module Seagull.Tests.CsvTests

open System
open System.IO
open Xunit
open FsCheck
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing

// ---- helpers ------------------------------------------------------------------------------------------

let private bits (xs: float[]) = Array.map Checks.bits xs

let private tempDir =
    let d = Path.Combine(Path.GetTempPath(), "seagull-data-tests", Guid.NewGuid().ToString "N")
    Directory.CreateDirectory d |> ignore
    d

let private csvFile (name: string) (text: string) =
    let path = Path.Combine(tempDir, name)
    File.WriteAllText(path, text)
    path

let private roles u v w y =
    { U = Csv.parseColumnList u; V = Csv.parseColumnList v; W = Csv.parseColumnList w
      Y = (if y = "" then [] else [ ColumnRef.parse y ]) }

let private good = "u1,u2,v1,v2,w1,y\n1,2,3,4,5,6\n7,8,9,10,11,12\n13,14,15,16,17,18\n"
let private goodRoles = roles "u1,u2" "v1,v2" "w1" ""
let private goodRoles1 = roles "u1" "v1" "" ""

// ---- CSV: loading --------------------------------------------------------------------------------------

[<Fact>]
let ``csv loads roles by name and by index`` () =
    let path = csvFile "good.csv" ("id,u1,u2,v1,v2,w1,y\n" + "a,1,2,3,4,5,6\n\"b,c\", 7 ,8,9,10,11,12\n\n\n")
    let ds = Csv.load path goodRoles
    Assert.Equal(2, ds.Rows)
    Assert.True(ds.Symmetry.Equals(Symmetry.blocks 2 1))
    Assert.Equal<string[]>([| "y" |], ds.TargetNames)
    Assert.Equal<float[]>([| 1.; 2.; 3.; 4.; 5.; 7.; 8.; 9.; 10.; 11. |], ds.X)
    Assert.Equal<float[]>([| 6.; 12. |], ds.Y)
    Assert.Equal<string[]>([| "u1"; "u2"; "v1"; "v2"; "w1" |], ds.InputNames)
    let byIndex = Csv.load path (roles "1,2" "3,4" "" "6")
    Assert.True(byIndex.Symmetry.Equals(Symmetry.blocks 2 0))
    Assert.Equal<float[]>([| 6.; 12. |], byIndex.Y)
    Assert.Equal<ColumnRef list>([ Name "a"; Index 0; Name "x1" ], Csv.parseColumnList " a,0 , x1")

[<Fact>]
let ``csv columns named by numbers are found by name, other numbers are positions`` () =
    let path = csvFile "numbers.csv" "1,0,20,y
1,2,3,4
5,6,7,8
"
    // "0" and "1" name columns (at positions 1 and 0); "2" names none, so it is position 2 (named "20")
    let ds = Csv.load path (roles "0" "1" "2" "y")
    Assert.Equal<string[]>([| "0"; "1"; "20" |], ds.InputNames)
    Assert.Equal<float[]>([| 2.; 1.; 3.; 6.; 5.; 7. |], ds.X)
    // a number that names two columns is a position, as it would be without them
    let twice = csvFile "twice.csv" "1,1,5,y\n1,2,3,4\n5,6,7,8\n"
    let ds2 = Csv.load twice (roles "1" "2" "" "y")
    Assert.Equal<string[]>([| "1"; "5" |], ds2.InputNames)
    Assert.Equal<float[]>([| 2.; 3.; 6.; 7. |], ds2.X)

[<Fact>]
let ``csv quoted fields follow RFC 4180`` () =
    let path = csvFile "quoted.csv" "\"u, one\",\"v \"\"x\"\"\",\"y\"\r\n\"1\",2,3\r\n4,\"5\",\"6\"\r\n"
    let ds = Csv.load path (roles "u, one" "" "" "" |> fun r -> { r with U = [ Name "u, one" ]; V = [ Name "v \"x\"" ] })
    Assert.Equal<float[]>([| 1.; 2.; 4.; 5. |], ds.X)
    Assert.Equal<string[]>([| "u, one"; "v \"x\"" |], ds.InputNames)

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 20)>]
let ``csv fields with quotes, commas and line breaks round-trip through files larger than the read buffer`` (seed: int) =
    // ~200 kB, so records, quoted fields, doubled quotes and CRLF pairs straddle the 64 K-character buffer.
    let r = Random.uniforms (Random.key seed) 30_000 0.0 1.0
    let piece i =
        match int (r.[i] * 6.0) with
        | 0 -> "plain"
        | 1 -> "a, comma"
        | 2 -> "say \"hi\""
        | 3 -> "two\nlines"   // (a CRLF inside quotes reads as LF, as the line ends of Windows files)
        | 4 -> " padded "
        | _ -> ""
    let rows = [| for i in 0 .. 2999 -> [| piece (10 * i); (float i).ToString(Globalization.CultureInfo.InvariantCulture); piece (10 * i + 1) |] |]
    let path = Path.Combine(tempDir, $"big-{Guid.NewGuid():N}.csv")
    Csv.writeText path [| "note"; "u1"; "other" |] rows
    let back = Csv.loadForModel path [| "u1" |] []
    File.Delete path
    back.RowCount = rows.Length && back.Fields = rows && back.Inputs = Array.init rows.Length float

[<Fact>]
let ``csv is read as UTF-8 unless a byte-order mark says otherwise, and bytes that are not UTF-8 are an error`` () =
    let utf16 = Path.Combine(tempDir, "utf16.csv")
    File.WriteAllText(utf16, "Énergie,u1,v1\n1,2,3\n4,5,6\n", Text.Encoding.Unicode)
    let ds = Csv.load utf16 (roles "u1" "v1" "" "Énergie")
    Assert.Equal<string[]>([| "Énergie" |], ds.TargetNames)
    let latin1 = Path.Combine(tempDir, "latin1.csv")
    File.WriteAllBytes(latin1, Array.concat [ [| 0xC9uy |]; Text.Encoding.ASCII.GetBytes "nergie,u1,v1\n1,2,3\n4,5,6\n" ])
    Checks.expectOneLineError [ "latin1.csv' line 1: byte 0xC9 is not UTF-8" ] (fun () -> Csv.load latin1 (roles "u1" "v1" "" "0")) |> ignore
    // far into a file larger than the read buffer, after a UTF-8 byte-order mark: the line is the byte's own
    let deep = Path.Combine(tempDir, "deep.csv")
    let body = [| for i in 1 .. 5000 -> if i = 3001 then "1,2,caf\u00e9" else "1,2,3" |] |> String.concat "\n"
    let bytes = Text.Encoding.UTF8.GetBytes("\uFEFFu1,v1,y\n" + body + "\n")
    let at = Array.findIndex ((=) 0xC3uy) bytes
    bytes.[at] <- 0xE9uy   // é in Windows-1252 instead of UTF-8's C3 A9
    File.WriteAllBytes(deep, bytes)
    Checks.expectOneLineError [ "deep.csv' line 3002: byte 0xE9 is not UTF-8" ] (fun () -> Csv.load deep (roles "u1" "v1" "" "")) |> ignore
    // old Mac files end lines with a lone CR: the line of a bad byte counts them as the parser does
    let mac = Path.Combine(tempDir, "mac.csv")
    let macBytes = Text.Encoding.ASCII.GetBytes("u1,v1,y\r1,2,3\r4,5,6\r7,8,9\r1,2,X\r")
    macBytes.[macBytes.Length - 2] <- 0x8Euy
    File.WriteAllBytes(mac, macBytes)
    Checks.expectOneLineError [ "mac.csv' line 5: byte 0x8E is not UTF-8" ] (fun () -> Csv.load mac goodRoles1) |> ignore
    // a UTF-16 file (by its mark) with a lone surrogate is not valid UTF-16, not "bad UTF-8"
    let utf16bad = Path.Combine(tempDir, "utf16bad.csv")
    File.WriteAllBytes(utf16bad, Array.concat [ [| 0xFFuy; 0xFEuy |]; Text.Encoding.Unicode.GetBytes "u1,v1,y\n1,2,3\n"; [| 0x00uy; 0xD8uy |]; Text.Encoding.Unicode.GetBytes ",2,3\n" ])
    Checks.expectOneLineError [ "not valid utf-16 text" ] (fun () -> Csv.load utf16bad goodRoles1) |> ignore
    // the byte-order marks of UTF-8, UTF-16 (both orders) and UTF-32 are read, and are not part of the first name
    for encoding in [ Text.UTF8Encoding(true) :> Text.Encoding; Text.UnicodeEncoding(false, true); Text.UnicodeEncoding(true, true); Text.UTF32Encoding(false, true) ] do
        let marked = Path.Combine(tempDir, $"bom-{encoding.WebName}.csv")
        File.WriteAllText(marked, "u1,v1,y\n1,2,3\n4,5,6\n", encoding)
        Assert.Equal<string[]>([| "u1"; "v1" |], (Csv.load marked goodRoles1).InputNames)

[<Fact>]
let ``csv error: a NUL character in a number`` () =
    let path = csvFile "nul.csv" "u1,v1,y\n1,2,3\n4,5,6\u0000\n"
    Checks.expectOneLineError [ "line 3, column 'y': '6?' is not a number (it holds a NUL character" ] (fun () -> Csv.load path goodRoles1) |> ignore
    let other = csvFile "soh.csv" "u1,v1,y\n1,2,3\n4,5,1.5\u0001\n"
    Checks.expectOneLineError [ "line 3, column 'y'"; "control character U+0001" ] (fun () -> Csv.load other goodRoles1) |> ignore
    // white space around a number, tabs included, is not an error (quoted, so it is kept)
    Assert.Equal<float[]>([| 3.; 6. |], (Csv.load (csvFile "tab.csv" "u1,v1,y\n1,2,\"3\t\"\n4,5,\" 6\"\n") goodRoles1).Y)

[<Fact>]
let ``column lists take names with commas in double quotes`` () =
    Assert.Equal<string list>([ "a"; "b,c"; "d" ], Csv.splitList "a, \"b,c\" ,d")
    Assert.Equal<string list>([ "say \"hi\""; " padded " ], Csv.splitList "\"say \"\"hi\"\"\",\" padded \"")
    Assert.Equal<string list>([ "a"; ""; "b" ], Csv.splitList "a,,b")
    Assert.Equal<string list>([], Csv.splitList "  ")
    // listItem writes what splitList reads back
    let names = [ "u1"; "u,1"; "say \"hi\""; " padded "; "@a" ]
    Assert.Equal<string list>(names, Csv.splitList (String.Join(",", names |> List.map Csv.listItem)))
    Assert.Equal("u1", Csv.listItem "u1")
    Assert.Equal("\"u,1\"", Csv.listItem "u,1")
    Checks.expectOneLineError [ "list 'a,\"b': a quote is not closed" ] (fun () -> Csv.splitList "a,\"b") |> ignore
    Checks.expectOneLineError [ "unexpected 'x' after a quoted item" ] (fun () -> Csv.splitList "\"a\"x,b") |> ignore
    let path = csvFile "commas.csv" "\"u,1\",\"v,1\",y\n1,2,3\n4,5,6\n"
    let ds = Csv.load path { U = Csv.parseColumnList "\"u,1\""; V = Csv.parseColumnList "\"v,1\""; W = []; Y = [] }
    Assert.Equal<string[]>([| "u,1"; "v,1" |], ds.InputNames)

[<System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)>]
extern int private mkfifo(string path, uint32 mode)

[<Fact>]
let ``csv is read once, so a pipe loses nothing (--data <(zcat data.csv.gz))`` () =
    if not (OperatingSystem.IsWindows()) then
        let path = Path.Combine(tempDir, $"pipe-{Guid.NewGuid():N}.csv")
        Assert.Equal(0, mkfifo(path, 0o600u))
        // UTF-8 with a byte-order mark: the bytes read to look for the mark must not be lost either
        let writer = Threading.Tasks.Task.Run(fun () -> File.WriteAllText(path, "u1,v1,y\n1,2,3\n4,5,6\n", Text.UTF8Encoding(true)))
        // A reader that opened the pipe twice would wait for a second writer for ever: bounded here.
        let load = Threading.Tasks.Task.Run(fun () -> Csv.load path goodRoles1)
        Assert.True(load.Wait(TimeSpan.FromSeconds 60.0) && writer.Wait(TimeSpan.FromSeconds 60.0), "reading the pipe did not finish")
        let ds = load.Result
        Assert.Equal<string[]>([| "u1"; "v1" |], ds.InputNames)
        Assert.Equal<float[]>([| 3.; 6. |], ds.Y)
        // a byte that is not UTF-8 in a pipe: refused without reading the pipe again (it would wait for ever)
        let bad = Path.Combine(tempDir, $"pipe-{Guid.NewGuid():N}.csv")
        Assert.Equal(0, mkfifo(bad, 0o600u))
        let badWriter = Threading.Tasks.Task.Run(fun () -> File.WriteAllBytes(bad, Array.append (Text.Encoding.ASCII.GetBytes "u1,v1,y\n1,2,") [| 0xE9uy; 10uy |]))
        let failing = Threading.Tasks.Task.Run(fun () -> try Csv.load bad goodRoles1 |> ignore; "" with :? SeagullException as e -> e.Message)
        Assert.True(failing.Wait(TimeSpan.FromSeconds 60.0) && badWriter.Wait(TimeSpan.FromSeconds 60.0), "the bad pipe was not refused")
        Assert.Contains("is not UTF-8 text", failing.Result)

[<Fact>]
let ``csv error: file not found`` () =
    let path = Path.Combine(tempDir, "missing.csv")
    Checks.expectOneLineError [ path; "not found" ] (fun () -> Csv.load path goodRoles) |> ignore

[<Fact>]
let ``csv error: empty file`` () =
    let path = csvFile "empty.csv" "\n  \n"
    Checks.expectOneLineError [ path; "line 1"; "empty"; "header" ] (fun () -> Csv.load path goodRoles) |> ignore

[<Fact>]
let ``csv error: missing header`` () =
    let path = csvFile "noheader.csv" "1,2,3\n4,5,6\n"
    Checks.expectOneLineError [ path; "line 1"; "column '1'"; "header" ] (fun () -> Csv.load path (roles "0" "1" "" "2")) |> ignore

[<Fact>]
let ``csv error: ragged rows`` () =
    let path = csvFile "ragged.csv" (good + "1,2,3,4,5\n")
    Checks.expectOneLineError [ path; "line 5 has 5 fields, the header has 6"; "column 'y'" ] (fun () -> Csv.load path goodRoles) |> ignore
    let path2 = csvFile "ragged2.csv" "u1,v1,y\n1,2,3\n1,2,3,4\n"
    Checks.expectOneLineError [ path2; "line 3 has 4 fields"; "column 'y'" ] (fun () -> Csv.load path2 (roles "u1" "v1" "" "")) |> ignore

[<Fact>]
let ``csv error: non-numeric cell`` () =
    let path = csvFile "text.csv" (good.Replace("9,10", "9,ten"))
    Checks.expectOneLineError [ path; "line 3"; "column 'v2'"; "'ten' is not a number" ] (fun () -> Csv.load path goodRoles) |> ignore
    let path2 = csvFile "comma.csv" (good.Replace("13,", "\"1,3\","))
    Checks.expectOneLineError [ path2; "line 4"; "column 'u1'"; "'1,3'" ] (fun () -> Csv.load path2 goodRoles) |> ignore
    let path3 = csvFile "blank.csv" (good.Replace("7,8", "7, "))
    Checks.expectOneLineError [ path3; "line 3"; "column 'u2'"; "empty" ] (fun () -> Csv.load path3 goodRoles) |> ignore

[<Fact>]
let ``csv error: NaN and infinite cells`` () =
    for bad in [ "Infinity"; "-Infinity"; "1e999" ] do
        let path = csvFile "inf.csv" (good.Replace("11,12", $"11,{bad}"))
        Checks.expectOneLineError [ path; "line 3"; "column 'y'"; "not a finite number" ] (fun () -> Csv.load path goodRoles) |> ignore
    // NaN marks a missing value: refused, with how to skip such rows
    let path = csvFile "nan.csv" (good.Replace("11,12", "11,NaN"))
    Checks.expectOneLineError [ path; "line 3"; "column 'y'"; "'NaN' marks a missing value"; "--drop-missing"; "dropMissing: true" ] (fun () -> Csv.load path goodRoles) |> ignore

// ---- CSV: missing values -------------------------------------------------------------------------------

let private dropping = { DropMissing = true }

[<Fact>]
let ``csv drop-missing skips the rows with a missing value in a column used and counts them`` () =
    // line 3: empty u2; line 4: NA in the target; line 5: an unused column empty; then every marker
    let text =
        "id,u1,u2,v1,v2,w1,y\na,1,2,3,4,5,6\nb,7, ,9,10,11,12\nc,13,14,15,16,17,NA\n,19,20,21,22,23,24\n"
        + "d,1,2,3,4,5,n/a\ne,1,2,3,4,nan,6\nf,1,2,-NaN,4,5,6\ng,NULL,2,3,4,5,6\nh,25,26,27,28,29,30\n"
    let path = csvFile "gaps.csv" text
    let loaded = Csv.loadWith dropping path goodRoles
    Assert.Equal(6, loaded.DroppedRows)
    Assert.Equal(3, loaded.Data.Rows)
    // a row's inputs go with it when its target is missing
    Assert.Equal<float[]>([| 1.; 2.; 3.; 4.; 5.; 19.; 20.; 21.; 22.; 23.; 25.; 26.; 27.; 28.; 29. |], loaded.Data.X)
    Assert.Equal<float[]>([| 6.; 24.; 30. |], loaded.Data.Y)
    // nothing to drop: the count says so
    Assert.Equal(0, (Csv.loadWith dropping (csvFile "complete.csv" good) goodRoles).DroppedRows)
    // without the option, the first missing value is an error that says how to skip such rows
    Checks.expectOneLineError [ path; "line 3"; "column 'u2'"; "the cell is empty"; "--drop-missing" ] (fun () -> Csv.load path goodRoles) |> ignore
    Assert.Equal(0, (Csv.loadWith CsvReadOptions.Default (csvFile "complete2.csv" good) goodRoles).DroppedRows)

[<Fact>]
let ``csv drop-missing still refuses text that is not a number, and too few rows`` () =
    // in a row that has a missing value too: a mistake (a unit, a word) is not a gap
    let path = csvFile "typo.csv" (good.Replace("7,8,9,10", "7,,9,10 m"))
    Checks.expectOneLineError [ path; "line 3"; "column 'v2'"; "'10 m' is not a number" ] (fun () -> Csv.loadWith dropping path goodRoles) |> ignore
    let infinite = csvFile "infinite.csv" (good.Replace("11,12", "11,Infinity"))
    Checks.expectOneLineError [ infinite; "line 3"; "not a finite number" ] (fun () -> Csv.loadWith dropping infinite goodRoles) |> ignore
    let few = csvFile "few.csv" "u1,v1,y\n1,2,3\n4,,6\n7,8,\n"
    Checks.expectOneLineError [ few; "only 1 row is left after dropping 2 of 3 rows with missing values"; "at least 2" ] (fun () -> Csv.loadWith dropping few goodRoles1) |> ignore
    let none = csvFile "none.csv" "u1,v1,y\nNA,2,3\n4,NA,6\n"
    Checks.expectOneLineError [ none; "no rows are left after dropping 2 of 2" ] (fun () -> Csv.loadWith dropping none goodRoles1) |> ignore

[<Fact>]
let ``csv drop-missing: the hashed load drops the same rows`` () =
    let path = csvFile "hashed.csv" "u1,v1,y\n1,2,3\n4,,6\n7,8,9\n"
    let loaded, sha = Csv.loadWithSha256 dropping path goodRoles1
    Assert.Equal(1, loaded.DroppedRows)
    Assert.Equal<float[]>((Csv.loadWith dropping path goodRoles1).Data.X, loaded.Data.X)
    Assert.Equal(Convert.ToHexStringLower(Security.Cryptography.SHA256.HashData(File.ReadAllBytes path)), sha)

// ---- CSV: another separator -----------------------------------------------------------------------------

[<Fact>]
let ``csv error: a semicolon- or tab-separated file is named for what it is, with how to convert it`` () =
    let semicolons = csvFile "semi.csv" "sample_id;run_label;xa;xb;y\n1;a;1,5;2,5;3\n2;b;1;2;3\n"
    let expected = [ semicolons; "line 1"; "looks semicolon-separated"; "comma-separated files with a point as the decimal mark"; "tr ';,' ',.' <"; "semi-comma.csv"; "decimal commas" ]
    Checks.expectOneLineError expected (fun () -> Csv.load semicolons (roles "xa" "xb" "" "")) |> ignore
    // predict and evaluate read the header the same way
    Checks.expectOneLineError expected (fun () -> Csv.loadForModel semicolons [| "xa"; "xb" |] []) |> ignore
    let tabs = csvFile "tabs.csv" "u1\tv1\ty\n1\t2\t3\n4\t5\t6\n"
    let message = Checks.expectOneLineError [ tabs; "looks tab-separated"; "tr '\\t,' ',.' <" ] (fun () -> Csv.load tabs goodRoles1)
    Assert.DoesNotContain("\t", message)   // the tabs of the header are shown as \t
    // a header of several comma-separated fields may hold a semicolon in a name
    Assert.Equal<string[]>([| "u;1"; "v1" |], (Csv.load (csvFile "seminame.csv" "u;1,v1,y\n1,2,3\n4,5,6\n") (roles "u;1" "v1" "" "")).InputNames)
    // one plain field is the usual error
    let plain = csvFile "onecolumn.csv" "u1\n1\n2\n"
    Checks.expectOneLineError [ plain; "no such column for v" ] (fun () -> Csv.load plain goodRoles1) |> ignore

[<Fact>]
let ``csv error: unknown column lists the available ones`` () =
    let path = csvFile "unknown.csv" good
    Checks.expectOneLineError [ path; "line 1"; "column 'q1'"; "available: 'u1', 'u2', 'v1'" ] (fun () -> Csv.load path (roles "q1,u2" "v1,v2" "" "")) |> ignore
    Checks.expectOneLineError [ path; "line 1"; "column 'U1'"; "did you mean 'u1'" ] (fun () -> Csv.load path (roles "U1,u2" "v1,v2" "" "")) |> ignore
    let noY = csvFile "noy.csv" "a,b,c\n1,2,3\n4,5,6\n"
    Checks.expectOneLineError [ noY; "line 1"; "'y'"; "--y on the command line, ColumnRoles' y in C#"; "available: 'a', 'b', 'c'" ] (fun () -> Csv.load noY (roles "a" "b" "" "")) |> ignore

[<Fact>]
let ``csv error: duplicated header name when referenced`` () =
    let path = csvFile "dup.csv" "a,b,a,y\n1,2,3,4\n5,6,7,8\n"
    Checks.expectOneLineError [ path; "line 1"; "column 'a'"; "2 times" ] (fun () -> Csv.load path (roles "a" "b" "" "")) |> ignore
    // not referenced by name: fine by index unless both become inputs
    let ds = Csv.load path (roles "0" "b" "" "")
    Assert.Equal<float[]>([| 1.; 2.; 5.; 6. |], ds.X)
    Checks.expectOneLineError [ path; "line 1"; "column 'a'"; "same name" ] (fun () -> Csv.load path (roles "0" "2" "" "")) |> ignore

[<Fact>]
let ``csv error: a column in two roles`` () =
    let path = csvFile "roles.csv" good
    Checks.expectOneLineError [ path; "line 1"; "column 'u2'"; "both u and v" ] (fun () -> Csv.load path (roles "u1,u2" "u2,v2" "" "")) |> ignore
    Checks.expectOneLineError [ path; "line 1"; "column 'w1'"; "both w and y" ] (fun () -> Csv.load path (roles "u1" "v1" "w1" "w1")) |> ignore
    Checks.expectOneLineError [ path; "line 1"; "column 'u1'"; "2 times as u" ] (fun () -> Csv.load path (roles "u1,0" "v1,v2" "" "")) |> ignore

[<Fact>]
let ``csv error: u and v of different widths`` () =
    let path = csvFile "widths.csv" good
    Checks.expectOneLineError [ path; "line 1"; "u has 2 columns ('u1', 'u2') but v has 1 ('v1')" ] (fun () -> Csv.load path (roles "u1,u2" "v1" "" "")) |> ignore

[<Fact>]
let ``csv error: no u given`` () =
    let path = csvFile "nou.csv" good
    Checks.expectOneLineError [ path; "line 1"; "no u columns"; "'u1'" ] (fun () -> Csv.load path (roles "" "" "w1" "")) |> ignore

[<Fact>]
let ``csv error: index out of range`` () =
    let path = csvFile "range.csv" good
    Checks.expectOneLineError [ path; "line 1"; "index 6 is out of range"; "6 columns" ] (fun () -> Csv.load path (roles "0" "6" "" "")) |> ignore

[<Fact>]
let ``csv error: fewer than two data rows`` () =
    let path = csvFile "short.csv" "u1,v1,y\n1,2,3\n\n"
    Checks.expectOneLineError [ path; "line 2"; "only 1 data row"; "at least 2" ] (fun () -> Csv.load path (roles "u1" "v1" "" "")) |> ignore
    let path0 = csvFile "headeronly.csv" "u1,v1,y\n"
    Checks.expectOneLineError [ path0; "line 1"; "no data rows" ] (fun () -> Csv.load path0 (roles "u1" "v1" "" "")) |> ignore

[<Fact>]
let ``csv error: bad quoting`` () =
    let path = csvFile "openquote.csv" "u1,v1,y\n1,\"2,3\n4,5,6\n"
    Checks.expectOneLineError [ path; "line 2"; "column 'v1'"; "not closed" ] (fun () -> Csv.load path (roles "u1" "v1" "" "")) |> ignore
    let path2 = csvFile "strayquote.csv" "u1,v1,y\n1,2x\"3,4\n"
    Checks.expectOneLineError [ path2; "line 2"; "column 'v1'"; "quote" ] (fun () -> Csv.load path2 (roles "u1" "v1" "" "")) |> ignore

[<Fact>]
let ``loadForModel finds columns by name, target optional`` () =
    let path = csvFile "predict.csv" "w1,extra,v1,u1\n5,x,3,1\n6,y,4,2\n"
    let p = Csv.loadForModel path [| "u1"; "v1"; "w1" |] [ Name "y" ]
    Assert.Equal(2, p.RowCount)
    Assert.Equal<float[]>([| 1.; 3.; 5.; 2.; 4.; 6. |], p.Inputs)
    Assert.True(p.Observed.IsNone)
    let q = Csv.loadForModel path [| "u1"; "v1" |] [ Name "w1" ]
    Assert.Equal<float[]>([| 5.; 6. |], q.Observed.Value)
    Assert.Equal<float[]>([| 5.; 6. |], (Csv.loadForModel path [| "u1"; "v1" |] [ Index 0 ]).Observed.Value)
    Checks.expectOneLineError [ path; "column 'u1'"; "one of the model's inputs" ] (fun () -> Csv.loadForModel path [| "u1"; "v1"; "w1" |] [ Name "u1" ]) |> ignore
    Checks.expectOneLineError [ path; "index 9 is out of range" ] (fun () -> Csv.loadForModel path [| "u1"; "v1" |] [ Index 9 ]) |> ignore
    Checks.expectOneLineError [ path; "line 1"; "column 'u2'"; "available" ] (fun () -> Csv.loadForModel path [| "u2" |] []) |> ignore
    let empty = csvFile "predict-empty.csv" "u1,v1\n"
    Checks.expectOneLineError [ empty; "line 1"; "no data rows" ] (fun () -> Csv.loadForModel empty [| "u1"; "v1" |] []) |> ignore

// ---- CSV: writing ---------------------------------------------------------------------------------------

[<Fact>]
let ``csv write then load is exact`` () =
    let t = Targets.find "gaussian_pair"
    let ds0 = Targets.generate t (Random.key 11) 300
    let odd = [| 1e-300; -0.0; 5e-324; 1.7976931348623157e308; -123456.789e-20; 0.1; 1.0 / 3.0; Math.PI; -2.5; 7e22 |]
    let x = Array.copy ds0.X
    odd |> Array.iteri (fun i v -> x.[i * 3] <- v)
    let ds = { ds0 with X = x }
    let path = Path.Combine(tempDir, "sub", "roundtrip.csv")
    Csv.write path ds
    let back = Csv.load path (roles "u1,u2,u3" "v1,v2,v3" "w1,w2,w3" "y")
    Assert.Equal<int64[]>(bits ds.X, bits back.X)
    Assert.Equal<int64[]>(bits ds.Y, bits back.Y)
    Assert.Equal<string[]>(ds.InputNames, back.InputNames)
    Assert.Empty(Directory.GetFiles(Path.GetDirectoryName path, "*.tmp"))

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 100)>]
let ``writeColumns round-trips any finite doubles and awkward headers`` (values: NormalFloat[]) =
    let v = values |> Array.map (fun (NormalFloat f) -> f)
    let v = if v.Length < 2 then Array.append v [| 1.0; 2.0 |] else v
    let headers = [| "plain"; "with,comma"; " spaced "; "quo\"te" |]
    let cols = [| v; Array.map (fun x -> -x) v; Array.map (fun x -> x * 1e-200) v; Array.rev v |]
    let path = Path.Combine(tempDir, $"cols-{Guid.NewGuid():N}.csv")
    Csv.writeColumns path headers cols
    let p = Csv.loadForModel path headers []
    let back = Array.init 4 (fun j -> Array.init p.RowCount (fun i -> p.Inputs.[i * 4 + j]))
    File.Delete path
    Array.forall2 (fun a b -> bits a = bits b) cols back

[<Fact>]
let ``writeColumns refuses mismatched columns`` () =
    let path = Path.Combine(tempDir, "bad.csv")
    Checks.expectOneLineError [ path; "'b' has 1 values" ] (fun () -> Csv.writeColumns path [| "a"; "b" |] [| [| 1.; 2. |]; [| 1. |] |]) |> ignore
    Checks.expectOneLineError [ path; "2 headers for 1 columns" ] (fun () -> Csv.writeColumns path [| "a"; "b" |] [| [| 1. |] |]) |> ignore
    Assert.False(File.Exists path)

// ---- CSV: several targets --------------------------------------------------------------------------------

[<Fact>]
let ``csv with several target columns loads them in the order given, by name or position`` () =
    let path = csvFile "two-targets.csv" "b,u1,a,v1,w1,id\n10,1,-1,2,3,x\n20,4,-2,5,6,y\n30,7,-3,8,9,z\n"
    let ds = Csv.load path { U = [ Name "u1" ]; V = [ Name "v1" ]; W = [ Name "w1" ]; Y = [ Name "a"; Name "b" ] }
    Assert.Equal<string[]>([| "a"; "b" |], ds.TargetNames)
    Assert.Equal(2, Dataset.targets ds)
    Assert.Equal<float[]>([| -1.; 10.;  -2.; 20.;  -3.; 30. |], ds.Y)
    Assert.Equal<float[]>([| -1.; -2.; -3. |], Dataset.target ds 0)
    Assert.Equal<float[]>([| 1.; 2.; 3.; 4.; 5.; 6.; 7.; 8.; 9. |], ds.X)
    // the other order, and by position
    let reversed = Csv.load path { U = [ Name "u1" ]; V = [ Name "v1" ]; W = [ Name "w1" ]; Y = [ Index 0; Index 2 ] }
    Assert.Equal<string[]>([| "b"; "a" |], reversed.TargetNames)
    Assert.Equal<float[]>([| 10.; -1.;  20.; -2.;  30.; -3. |], reversed.Y)
    // a column is one target once, and never an input too
    Checks.expectOneLineError [ "column 'a'"; "2 times as y" ] (fun () -> Csv.load path { U = [ Name "u1" ]; V = [ Name "v1" ]; W = []; Y = [ Name "a"; Name "a" ] }) |> ignore
    Checks.expectOneLineError [ "column 'w1'"; "both w and y" ] (fun () -> Csv.load path { U = [ Name "u1" ]; V = [ Name "v1" ]; W = [ Name "w1" ]; Y = [ Name "a"; Name "w1" ] }) |> ignore
    Checks.expectOneLineError [ "column 'nope'" ] (fun () -> Csv.load path { U = [ Name "u1" ]; V = [ Name "v1" ]; W = []; Y = [ Name "a"; Name "nope" ] }) |> ignore
    Checks.expectOneLineError [ "line 3"; "column 'b'"; "'x' is not a number" ] (fun () ->
        Csv.load (csvFile "bad-second-target.csv" "u1,v1,a,b\n1,2,3,4\n5,6,7,x\n") { U = [ Name "u1" ]; V = [ Name "v1" ]; W = []; Y = [ Name "a"; Name "b" ] }) |> ignore

[<Fact>]
let ``a data set of several targets is written and read back exactly, and loadForModel reads its targets`` () =
    let ds =
        Dataset.create (Symmetry.blocks 1 1) [| "u1"; "v1"; "w1" |] [| "first"; "second" |]
            [| 1.0; 2.0; 3.0;  0.1; 1.0 / 3.0; Math.PI |] [| 1e-300; -0.0;  7e22; 0.1 + 0.2 |]
    let path = Path.Combine(tempDir, "two-roundtrip.csv")
    Csv.write path ds
    Assert.Equal("u1,v1,w1,first,second", (File.ReadAllLines path).[0])
    Assert.Equal(File.ReadAllText path, Csv.toText ds)
    let back = Csv.load path { U = [ Name "u1" ]; V = [ Name "v1" ]; W = [ Name "w1" ]; Y = [ Name "first"; Name "second" ] }
    Assert.Equal<int64[]>(bits ds.X, bits back.X)
    Assert.Equal<int64[]>(bits ds.Y, bits back.Y)
    Assert.Equal<string[]>(ds.TargetNames, back.TargetNames)
    // for a model: both targets, row-major; none of them in the file gives none; one missing is an error
    let p = Csv.loadForModel path [| "u1"; "v1"; "w1" |] [ Name "first"; Name "second" ]
    Assert.Equal<int64[]>(bits ds.Y, bits p.Observed.Value)
    Assert.True((Csv.loadForModel path [| "u1"; "v1"; "w1" |] [ Name "third"; Name "fourth" ]).Observed.IsNone)
    Assert.True((Csv.loadForModel path [| "u1"; "v1"; "w1" |] []).Observed.IsNone)
    Checks.expectOneLineError [ "column 'third'" ] (fun () -> Csv.loadForModel path [| "u1"; "v1"; "w1" |] [ Name "first"; Name "third" ]) |> ignore
