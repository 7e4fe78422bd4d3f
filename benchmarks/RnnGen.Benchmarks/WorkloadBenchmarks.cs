using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>
/// BenchmarkDotNet over the same workloads as the plain mode, with allocation counts
/// (<c>dotnet run -c Release --project benchmarks/RnnGen.Benchmarks -- --filter '*'</c>).
/// </summary>
[MemoryDiagnoser]
public class WorkloadBenchmarks
{
    private Action _call = () => { };

    public static IEnumerable<string> Names => Registry.All.Select(w => w.Name);

    [ParamsSource(nameof(Names))]
    public string Workload { get; set; } = "w1-infer-b1";

    [GlobalSetup]
    public void Setup() => _call = Registry.Get(Workload).Create();

    /// <summary>One call: a Predict, a TrainStep with Adam, or (W3) one Step.</summary>
    [Benchmark]
    public void Call() => _call();
}
