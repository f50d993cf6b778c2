using System.Reflection;
using Seagull.Api;
using Seagull.Reports;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>
/// A program that references only Seagull.Api carries no plotting library: ScottPlot, SkiaSharp and HarfBuzz (with
/// native files for every runtime, over 150 MB) come only with Seagull.Reports.
/// </summary>
public class PlottingDependencyTests
{
    private static bool IsPlotting(AssemblyName a) =>
        a.Name is { } n && (n.StartsWith("ScottPlot", StringComparison.Ordinal) || n.StartsWith("SkiaSharp", StringComparison.Ordinal)
                            || n.StartsWith("HarfBuzzSharp", StringComparison.Ordinal));

    /// <summary>The assemblies <paramref name="root"/> references, and through Seagull's own assemblies theirs
    /// (the framework and FSharp.Core cannot reach a plotting library, so they are not followed).</summary>
    private static List<AssemblyName> References(Assembly root)
    {
        var seen = new HashSet<string>();
        var found = new List<AssemblyName>();
        var next = new Queue<Assembly>([root]);
        while (next.TryDequeue(out var assembly))
            foreach (var r in assembly.GetReferencedAssemblies().Where(r => seen.Add(r.Name!)))
            {
                found.Add(r);
                if (r.Name!.StartsWith("Seagull.", StringComparison.Ordinal)) next.Enqueue(Assembly.Load(r));
            }
        return found;
    }

    [Fact]
    public void Seagull_Api_and_the_core_reference_no_plotting_library()
    {
        var references = References(typeof(SwapInvariantRegressor).Assembly);
        Assert.Contains(references, r => r.Name == "Seagull.Core");
        Assert.DoesNotContain(references, IsPlotting);
    }

    [Fact]
    public void The_check_would_see_the_plotting_library_of_Seagull_Reports()
    {
        var references = References(typeof(CompareReports).Assembly);
        Assert.Contains(references, r => r.Name == "ScottPlot");
        Assert.Contains(references, r => r.Name == "SkiaSharp");
    }
}
