using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ReviewConsole.Benchmarks.Flags.FlagQueueBenchmarks).Assembly).Run(args);
