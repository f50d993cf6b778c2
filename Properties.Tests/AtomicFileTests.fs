module Seagull.Tests.AtomicFileTests

open System
open System.IO
open Xunit
open Seagull.Core
open Seagull.Testing


let private leftovers (dir: string) = Directory.GetFiles(dir, "*.tmp", SearchOption.AllDirectories)

[<Fact>]
let ``a write replaces the file whole and leaves no temporary file`` () =
    Checks.withTempFolder (fun dir ->
        let path = Path.Combine(dir, "sub", "a.txt")
        AtomicFile.writeAllText path "first"
        AtomicFile.writeAllText path "second"
        Assert.Equal("second", File.ReadAllText path)
        Assert.Empty(leftovers dir))

[<Fact>]
let ``a failing writer leaves the old file as it was`` () =
    Checks.withTempFolder (fun dir ->
        let path = Path.Combine(dir, "a.txt")
        File.WriteAllText(path, "kept")
        Assert.Throws<InvalidOperationException>(fun () ->
            AtomicFile.writeWith path (fun s -> s.WriteByte 1uy; invalidOp "boom")) |> ignore
        Assert.Equal("kept", File.ReadAllText path)
        Assert.Empty(leftovers dir))

[<Fact>]
let ``a symbolic link is written through: the link stays, its target gets the bytes`` () =
    Checks.withTempFolder (fun dir ->
        let target = Path.Combine(dir, "target.txt")
        File.WriteAllText(target, "old")
        let link = Path.Combine(dir, "link.txt")
        File.CreateSymbolicLink(link, target) |> ignore
        AtomicFile.writeAllText link "new"
        Assert.NotNull(File.ResolveLinkTarget(link, false))
        Assert.Equal("new", File.ReadAllText target)
        Assert.Empty(leftovers dir))

[<Fact>]
let ``a device is written into, not replaced`` () =
    if File.Exists "/dev/null" then
        AtomicFile.writeAllText "/dev/null" "discarded"
        // Still a device: reading it gives nothing, however much was written.
        Assert.Equal("", File.ReadAllText "/dev/null")

[<Fact>]
let ``long file names: up to 255 characters written, longer refused alike by the check and the write`` () =
    Checks.withTempFolder (fun dir ->
        let long = Path.Combine(dir, String('m', 250) + ".json")
        AtomicFile.checkWritable long
        AtomicFile.writeAllText long "x" // its temporary name is shortened to fit
        Assert.Equal("x", File.ReadAllText long)
        let tooLong = Path.Combine(dir, String('m', 300) + ".json")
        for attempt in [ (fun () -> AtomicFile.checkWritable tooLong); (fun () -> AtomicFile.writeAllText tooLong "x") ] do
            Assert.Contains("longer than 255 bytes", (Assert.Throws<SeagullException>(attempt)).Message)
        Assert.Empty(leftovers dir))

[<Fact>]
let ``a replaced file keeps its permissions`` () =
    if not (OperatingSystem.IsWindows()) then
        Checks.withTempFolder (fun dir ->
            let path = Path.Combine(dir, "shared.json")
            File.WriteAllText(path, "old")
            let mode = UnixFileMode.UserRead ||| UnixFileMode.UserWrite ||| UnixFileMode.GroupRead
            File.SetUnixFileMode(path, mode)
            AtomicFile.writeAllText path "new"
            Assert.Equal("new", File.ReadAllText path)
            Assert.Equal(mode, File.GetUnixFileMode path))

[<Fact>]
let ``a link to a device is written into the device and stays a link`` () =
    if File.Exists "/dev/null" then
        Checks.withTempFolder (fun dir ->
            let link = Path.Combine(dir, "sink")
            File.CreateSymbolicLink(link, "/dev/null") |> ignore
            AtomicFile.writeAllText link "discarded"
            Assert.NotNull(File.ResolveLinkTarget(link, false))
            Assert.Equal("", File.ReadAllText "/dev/null")
            Assert.Empty(leftovers dir))

[<Fact>]
let ``checkWritable accepts what writeWith can write and refuses the rest, leaving nothing behind`` () =
    Checks.withTempFolder (fun dir ->
        AtomicFile.checkWritable (Path.Combine(dir, "new", "deeper", "m.json"))
        Assert.False(Directory.Exists(Path.Combine(dir, "new")))
        if File.Exists "/dev/null" then AtomicFile.checkWritable "/dev/null"
        let refuses (path: string) (reason: string) =
            let e = Assert.Throws<SeagullException>(fun () -> AtomicFile.checkWritable path)
            Assert.Contains(reason, e.Message)
            Assert.DoesNotContain("probe", e.Message)
        refuses dir "it is a folder"
        let file = Path.Combine(dir, "plain.txt")
        File.WriteAllText(file, "x")
        refuses (Path.Combine(file, "m.json")) $"'{file}' is a file, not a folder"
        refuses "/dev/no-such-device" "no such device"
        Assert.Equal<string[]>([| file |], Directory.GetFileSystemEntries dir))

[<Fact>]
let ``paths that cannot be written fail in one line naming the path and the reason`` () =
    Checks.withTempFolder (fun dir ->
        let fails (path: string) (reason: string) =
            let e = Assert.Throws<SeagullException>(fun () -> AtomicFile.writeAllText path "x")
            Assert.Contains($"cannot write '{path}'", e.Message)
            Assert.Contains(reason, e.Message)
            Assert.DoesNotContain(".tmp", e.Message)
            Assert.DoesNotContain("\n", e.Message)
        fails dir "it is a folder"
        fails (dir + string Path.DirectorySeparatorChar) "it names a folder"
        let file = Path.Combine(dir, "plain.txt")
        File.WriteAllText(file, "x")
        fails (Path.Combine(file, "inner", "a.txt")) $"'{file}' is a file, not a folder"
        Assert.Throws<SeagullException>(fun () -> AtomicFile.writeAllText " " "x") |> ignore
        Assert.Empty(leftovers dir))

[<Fact>]
let ``work that cannot fit in memory is refused in one line, before it starts`` () =
    Memory.require "a little" 1000L
    let e = Assert.Throws<SeagullException>(fun () -> Memory.require "the whole universe" (Int64.MaxValue / 2L))
    Assert.StartsWith("the whole universe: about ", e.Message)
    Assert.Contains("GB of memory needed, more than the", e.Message)
    let e = Assert.Throws<SeagullException>(fun () -> Targets.generate (Targets.find "spring") (Random.key 0) 2_000_000_000 |> ignore)
    Assert.Contains("too many for one array", e.Message)
    Targets.requireRows (Targets.find "spring") 12_000L 2
    let e = Assert.Throws<SeagullException>(fun () -> Targets.requireRows (Targets.find "spring") 100_000_000L 100_000)
    Assert.StartsWith("100000 jobs of 100000000 rows of 'spring': about ", e.Message)

[<Fact>]
let ``numbers in messages are round-trip digits, or NaN and signed infinities`` () =
    Assert.Equal("-0.001", Fail.number -0.001)
    Assert.Equal("0.30000000000000004", Fail.number (0.1 + 0.2))
    Assert.Equal("NaN", Fail.number nan)
    Assert.Equal("∞", Fail.number infinity)
    Assert.Equal("-∞", Fail.number -infinity)
