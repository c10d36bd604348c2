using Sweep.Coordinator.Cli;

return SweepCli.Run(args, Console.Out, Console.Error, Console.In);
