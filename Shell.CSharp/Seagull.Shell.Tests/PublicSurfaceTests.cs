using System.Reflection;
using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>No F# type (FSharp.Core) and no core type (Seagull.Core) appears anywhere in Seagull.Api's public surface.</summary>
public class PublicSurfaceTests
{
    private static readonly Assembly Api = typeof(SwapInvariantRegressor).Assembly;

    private static bool Forbidden(Type t)
    {
        var assembly = t.Assembly.GetName().Name;
        if (assembly is "FSharp.Core" or "Seagull.Core") return true;
        if (t.Namespace?.StartsWith("Microsoft.FSharp", StringComparison.Ordinal) == true) return true;
        if (t.IsGenericType && t.GetGenericTypeDefinition().FullName?.StartsWith("System.Tuple`", StringComparison.Ordinal) == true) return true;
        return false;
    }

    /// <summary>Every type a signature mentions, unwrapped: array elements, by-refs, pointers and generic arguments.</summary>
    private static IEnumerable<Type> Mentioned(Type t)
    {
        yield return t;
        if (t.HasElementType)
            foreach (var e in Mentioned(t.GetElementType()!)) yield return e;
        if (t.IsGenericType)
            foreach (var a in t.GetGenericArguments())
                foreach (var e in Mentioned(a)) yield return e;
    }

    private static IEnumerable<(string Where, Type Type)> Signatures()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in Api.GetExportedTypes())
        {
            if (type.BaseType is { } b) yield return ($"{type} base", b);
            foreach (var i in type.GetInterfaces()) yield return ($"{type} interface", i);
            foreach (var m in type.GetMembers(all))
            {
                switch (m)
                {
                    case FieldInfo f when f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly:
                        yield return ($"{type}.{f.Name}", f.FieldType);
                        break;
                    case PropertyInfo p when p.GetAccessors(nonPublic: true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly):
                        yield return ($"{type}.{p.Name}", p.PropertyType);
                        foreach (var ip in p.GetIndexParameters()) yield return ($"{type}.{p.Name}[{ip.Name}]", ip.ParameterType);
                        break;
                    case MethodBase mb when mb.IsPublic || mb.IsFamily || mb.IsFamilyOrAssembly:
                        if (mb is MethodInfo mi) yield return ($"{type}.{mi.Name} returns", mi.ReturnType);
                        foreach (var p in mb.GetParameters()) yield return ($"{type}.{mb.Name}({p.Name})", p.ParameterType);
                        break;
                    case EventInfo e:
                        yield return ($"{type}.{e.Name}", e.EventHandlerType!);
                        break;
                }
            }
        }
    }

    [Fact]
    public void No_FSharp_or_core_type_appears_in_a_public_signature()
    {
        var offenders = Signatures()
            .SelectMany(s => Mentioned(s.Type).Where(Forbidden).Select(t => $"{s.Where}: {t.FullName}"))
            .Distinct()
            .ToList();
        Assert.True(offenders.Count == 0, "F# or core types in the public API:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_check_would_see_an_FSharp_type()
    {
        // Guards the test above against checking nothing: the core's own API is full of F# types.
        var core = Api.GetReferencedAssemblies().Single(a => a.Name == "Seagull.Core");
        var fsharp = Api.GetReferencedAssemblies().Single(a => a.Name == "FSharp.Core");
        Assert.True(Forbidden(Assembly.Load(core).GetExportedTypes().First()));
        Assert.True(Forbidden(Assembly.Load(fsharp).GetType("Microsoft.FSharp.Collections.FSharpList`1")!));
        Assert.True(Forbidden(typeof(Tuple<int, int>)));
        Assert.False(Forbidden(typeof((int, int))));
        Assert.True(Signatures().Count() > 200);
    }

    [Fact]
    public void Every_public_type_lives_in_the_Seagull_Api_namespace()
    {
        var stray = Api.GetExportedTypes().Where(t => t.Namespace != "Seagull.Api").Select(t => t.FullName).ToList();
        Assert.Empty(stray);
    }

    [Fact]
    public void The_core_keeps_to_its_own_namespace_so_it_cannot_shadow_the_api()
    {
        // C# looks up a name in the enclosing namespaces before the using directives: a core type in the
        // namespace `Seagull` would hide `Seagull.Api.Targets` (and the others) from any code in `Seagull.*`.
        var core = Assembly.Load(Api.GetReferencedAssemblies().Single(a => a.Name == "Seagull.Core"));
        var stray = core.GetExportedTypes()
            .Where(t => t.Namespace is not { } ns || !(ns == "Seagull.Core" || ns.StartsWith("Seagull.Core.")))
            .Select(t => t.FullName).ToList();
        Assert.Empty(stray);
        Assert.True(core.GetExportedTypes().Length > 20);
    }

    [Fact]
    public void The_cli_reaches_the_core_only_through_the_api()
    {
        var cli = typeof(Seagull.Cli.Cli).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("Seagull.Api", cli);
        Assert.DoesNotContain("Seagull.Core", cli);
        Assert.DoesNotContain("FSharp.Core", cli);
    }
}
