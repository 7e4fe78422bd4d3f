using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;

namespace RnnGen.Benchmarks;

/// <summary>
/// The plain mode: times each workload with a stopwatch and prints the JSON line of WORKLOADS.md,
/// the same shape the PyTorch twin script prints, so the two can be run one after the other on
/// the same machine and compared line by line.
/// </summary>
public static class PlainRunner
{
    public static void Run(IEnumerable<Workload> workloads, bool quick)
    {
        var table = new List<string>();
        foreach (var workload in workloads)
        {
            var r = Measure(workload, quick);
            Console.WriteLine(Json(workload, r));
            table.Add(string.Format(CultureInfo.InvariantCulture, "{0,-14} {1,12:F2} {2,12:F2} {3,8:F2} {4,8}",
                workload.Name, r.MedianUs, r.MedianUs / workload.Batch, Gflops(workload, r), r.AllocatedPerCall));
        }
        Console.Error.WriteLine();
        Console.Error.WriteLine($"{"workload",-14} {"µs/call",12} {"µs/seq",12} {"GFLOP/s",8} {"alloc B",8}");
        foreach (var line in table) Console.Error.WriteLine(line);
    }

    private sealed record Result(double MedianUs, double P10Us, double P90Us, long AllocatedPerCall);

    private static Result Measure(Workload workload, bool quick)
    {
        Action call = workload.Create();

        // Warm up past tiered compilation (tier 0, OSR, then tier 1 with dynamic PGO).
        var warm = Stopwatch.StartNew();
        int warmCalls = 0;
        while (warmCalls < 50 || warm.Elapsed.TotalSeconds < (quick ? 0.3 : 1.0))
        {
            call();
            warmCalls++;
        }
        double perCall = warm.Elapsed.TotalSeconds / warmCalls;

        // Allocated bytes per call, after warm-up.
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) call();
        long allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / 20;

        // Samples of k calls each, k chosen so one sample lasts at least ~200 µs (W3 steps take well under 1 µs).
        int k = Math.Max(1, (int)Math.Ceiling(200e-6 / perCall));
        var samples = new List<double>();
        var total = Stopwatch.StartNew();
        double budget = quick ? 0.5 : 2.0;
        while (samples.Count < 30 || (total.Elapsed.TotalSeconds < budget && samples.Count < 100_000))
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < k; i++) call();
            samples.Add((Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency / k);
        }
        samples.Sort();
        return new Result(Percentile(samples, 0.5), Percentile(samples, 0.1), Percentile(samples, 0.9), allocated);
    }

    private static double Percentile(List<double> sorted, double q)
    {
        double at = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(at), hi = (int)Math.Ceiling(at);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
    }

    private static double Gflops(Workload w, Result r) => w.FlopPerSeq / (r.MedianUs / w.Batch) / 1e3;

    private static string Json(Workload w, Result r)
    {
        var sb = new StringBuilder();
        sb.Append('{');
        Append(sb, "workload", w.Name).Append(',');
        Append(sb, "runtime", "rnngen " + typeof(IRnnModel).Assembly.GetName().Version!.ToString(3)).Append(',');
        sb.Append("\"threads\":1,");
        sb.Append(CultureInfo.InvariantCulture, $"\"batch\":{w.Batch},");
        sb.Append(CultureInfo.InvariantCulture, $"\"median_us_per_batch\":{Round(r.MedianUs)},");
        sb.Append(CultureInfo.InvariantCulture, $"\"median_us_per_seq\":{Round(r.MedianUs / w.Batch)},");
        sb.Append(CultureInfo.InvariantCulture, $"\"p10_us_per_batch\":{Round(r.P10Us)},");
        sb.Append(CultureInfo.InvariantCulture, $"\"p90_us_per_batch\":{Round(r.P90Us)},");
        sb.Append(CultureInfo.InvariantCulture, $"\"flop_per_seq\":{w.FlopPerSeq},");
        sb.Append(CultureInfo.InvariantCulture, $"\"gflops\":{Round(Gflops(w, r))},");
        sb.Append(CultureInfo.InvariantCulture, $"\"alloc_bytes_per_call\":{r.AllocatedPerCall}");
        sb.Append('}');
        return sb.ToString();
    }

    private static StringBuilder Append(StringBuilder sb, string key, string value) => sb.Append('"').Append(key).Append("\":\"").Append(value).Append('"');

    private static string Round(double v) => Math.Round(v, v >= 100 ? 1 : 4).ToString("R", CultureInfo.InvariantCulture);
}
