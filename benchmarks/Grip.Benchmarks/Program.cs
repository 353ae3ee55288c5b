using BenchmarkDotNet.Running;
using Grip.Benchmarks.Fleet;

// `fleet` runs the publish-cost measurement against real Pushpins (docs/performance.md); anything
// else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "fleet")
{
    return await FleetPublishCost.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
