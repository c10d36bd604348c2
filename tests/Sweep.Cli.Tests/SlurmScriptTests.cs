using System.Diagnostics;

namespace Sweep.Cli.Tests;

/// <summary>
/// deploy/slurm run as Slurm would run them: each array task's script with the SLURM_ARRAY_*
/// variables set, then the merge job's; submit.sh against a stand-in sbatch that records what it
/// was asked to queue. (No Slurm controller runs here; the scripts are plain bash under sbatch.)
/// </summary>
public class SlurmScriptTests
{
    private const string Spec = """
        name: campaign
        models: [magnon-junction, mtj]
        axes:
          h: {log: [1.0e-3, 1.0], n: 6}
          T: {lin: [0.1, 2.0], n: 5}
          J_T: {values: [0.1, 0.3]}
          S: {values: [50]}
          alpha_p: {values: [0.05, 0.1]}
        bias: {lin: [-6, 6], n: 21, unit: h}
        observables: [L11, Ns, i]
        chunk: 3
        """;

    private static string Slurm(string script) => Path.Combine(ModelsCommandTests.RepositoryRoot(), "deploy", "slurm", script);

    [Fact]
    public void Array_tasks_then_the_merge_job_reproduce_the_unsharded_run_bitwise_even_with_a_requeued_task()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("full").ExitCode);
        string root = run.RunDir("runs");
        foreach (int task in new[] { 0, 1, 2, 3, 1 }) // task 1 requeued after it completed: it resumes its own shard
        {
            var (code, log) = Bash(Slurm("sweep-array.sbatch"), run, new()
            {
                ["SLURM_ARRAY_TASK_ID"] = $"{task}", ["SLURM_ARRAY_TASK_COUNT"] = "4", ["SLURM_ARRAY_TASK_MIN"] = "0", ["SLURM_CPUS_PER_TASK"] = "1",
                ["RUN_ROOT"] = root,
            });
            Assert.True(code == 0, log);
            Assert.Contains($"shard {task}/4", log);
            Assert.True(Directory.Exists(Path.Combine(root, $"shard-{task}-of-4")), log);
        }

        var merge = Bash(Slurm("sweep-merge.sbatch"), run, new() { ["SHARDS"] = "4", ["RUN_ROOT"] = root });
        Assert.True(merge.ExitCode == 0, merge.Log);
        Assert.True(File.Exists(Path.Combine(root, "merged", "export", "mtj.npz")), merge.Log);
        Assert.Equal(run.ExportNpz("full"), run.ExportNpz(Path.Combine("runs", "merged")));
    }

    [Fact]
    public void The_array_script_refuses_to_run_outside_an_array_job()
    {
        using var run = new RunHarness(Spec);
        var (code, log) = Bash(Slurm("sweep-array.sbatch"), run, []);
        Assert.NotEqual(0, code);
        Assert.Contains("SLURM_ARRAY_TASK_ID", log);
    }

    [Fact]
    public void Submit_queues_the_array_and_a_merge_job_that_waits_for_all_of_it()
    {
        using var run = new RunHarness(Spec);
        string bin = Directory.CreateDirectory(run.RunDir("bin")).FullName, calls = run.RunDir("sbatch-calls");
        // A stand-in sbatch: records its arguments and the exported variables, answers a job id as --parsable does.
        File.WriteAllText(Path.Combine(bin, "sbatch"), $$"""
            #!/usr/bin/env bash
            n=$(( $(cat '{{calls}}' 2>/dev/null | wc -l) + 1 ))
            echo "$* | SPEC=$SPEC SHARDS=$SHARDS RUN_ROOT=$RUN_ROOT" >> '{{calls}}'
            echo "$((7000 + n));cluster1"
            """);
        Process.Start("chmod", ["+x", Path.Combine(bin, "sbatch")])!.WaitForExit();

        var (code, log) = Bash(Slurm("submit.sh"), run, new() { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" },
            run.SpecPath, "8", "--partition=short");
        Assert.True(code == 0, log);
        string[] queued = File.ReadAllLines(calls);
        Assert.Equal(2, queued.Length);
        Assert.Contains("--array=0-7 --partition=short", queued[0]);
        Assert.EndsWith($"sweep-array.sbatch | SPEC={run.SpecPath} SHARDS=8 RUN_ROOT=runs/spec", queued[0]);
        Assert.Contains("--dependency=afterok:7001 --kill-on-invalid-dep=yes --partition=short", queued[1]);
        Assert.Contains("sweep-merge.sbatch", queued[1]);
        Assert.Contains("merge:  job 7002 after all shards succeed", log);

        Assert.Equal(64, Bash(Slurm("submit.sh"), run, [], run.SpecPath, "zero").ExitCode);
    }

    [Fact]
    public void Every_slurm_script_is_valid_bash()
    {
        foreach (string script in Directory.GetFiles(Path.GetDirectoryName(Slurm("submit.sh"))!))
        {
            var process = Process.Start(new ProcessStartInfo("bash", ["-n", script]) { RedirectStandardError = true })!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{script}: {error}");
        }
    }

    /// <summary>Runs a script with bash in the harness's directory, SPEC and SWEEP (the built program) set.</summary>
    private static (int ExitCode, string Log) Bash(string script, RunHarness run, Dictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = run.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("SLURM_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["SPEC"] = run.SpecPath;
        info.Environment["SWEEP"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "sweep.dll")}";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }
}
