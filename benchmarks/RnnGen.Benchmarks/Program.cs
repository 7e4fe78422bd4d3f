using System;
using System.Linq;
using BenchmarkDotNet.Running;
using RnnGen.Benchmarks;

// dotnet run -c Release --project benchmarks/RnnGen.Benchmarks -- --plain [--quick] [--only w1-infer-b1,w3-lstm-h8]
//     one JSON line per workload (WORKLOADS.md), a table on standard error
// dotnet run -c Release --project benchmarks/RnnGen.Benchmarks -- --filter '*'
//     BenchmarkDotNet (any of its arguments)
if (args.Contains("--plain"))
{
    int only = Array.IndexOf(args, "--only");
    var workloads = only >= 0 && only + 1 < args.Length
        ? args[only + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Registry.Get).ToList()
        : Registry.All.ToList();
    PlainRunner.Run(workloads, quick: args.Contains("--quick"));
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(WorkloadBenchmarks).Assembly).Run(args);
return 0;
