using BenchmarkDotNet.Running;
using ReviewConsole.Benchmarks.Flags;
using ReviewConsole.Benchmarks.ReviewerLoop;
using ReviewConsole.Benchmarks.Statistics;

// `intake` runs the end-to-end intake throughput benchmark (publish, start, post, baseline); `loop`
// the reviewer loop in headless Chromium at two database sizes; `stats PATH` times the statistics on a database copy; anything else goes to
// BenchmarkDotNet (e.g. `--filter '*FlagQueueBenchmarks*'`).
if (args.Length > 0 && args[0] == "intake")
{
    return await IntakeThroughput.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "intake-inproc")
{
    return await IntakeInProcess.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "loop")
{
    return await ReviewerLoopBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "stats")
{
    return await StatisticsTiming.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(FlagQueueBenchmarks).Assembly).Run(args);
return 0;
