using System.Diagnostics;

namespace Sweep.Cli.Tests;

/// <summary>
/// deploy/slurm run as Slurm would run them: each array task's script with the SLURM_ARRAY_*
/// variables set, then the merge job's; submit.sh against a stand-in sbatch that records what it
/// was asked to queue; the distributed job with stand-ins for scontrol, srun and sweep that record
/// the cluster's command lines and the certificate the job made for itself. (No Slurm controller runs here; the scripts are plain bash under sbatch.)
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
    public void The_distributed_job_makes_its_own_certificate_starts_the_coordinator_as_the_seed_and_one_worker_per_node()
    {
        using var run = new RunHarness(Spec);
        var (environment, calls, tls, port) = DistributedJob(run);
        var (code, log) = Bash(Slurm("sweep-distributed.sbatch"), run, environment);
        Assert.True(code == 0, log);
        string[] lines = File.ReadAllLines(calls);
        string certificate = $"--tls-cert {tls}/sweep-cluster.pfx --tls-password-file {tls}/password";

        // The first node is the seed: it listens on its own address and advertises it.
        Assert.Contains($"coordinator argv: coordinator {run.SpecPath} --listen 127.0.0.1:{port} --public-host 127.0.0.1 {certificate} --output runs/spec --progress json --progress-interval 60 --metrics-port 9465", lines);
        Assert.Contains("coordinator modes: 700 600 600", lines);
        Assert.Contains(lines, l => l.StartsWith("srun --nodes=2 --ntasks-per-node=1", StringComparison.Ordinal));
        foreach (string node in new[] { "127.0.0.1", "node-b" })
        {
            Assert.Contains($"worker argv: worker --seed 127.0.0.1:{port} --listen 0.0.0.0:0 --public-host {node} {certificate} --concurrency 3 --metrics-port 9464", lines);
            Assert.Contains($"worker {node} got SIGTERM", lines); // when the coordinator is done, srun's SIGTERM reaches every worker
        }

        Assert.Equal(3, lines.Count(l => l.EndsWith(" modes: 700 600 600", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.Contains("password-in-", StringComparison.Ordinal)); // never in argv or the environment
        Assert.False(Directory.Exists(tls), "the job's certificate outlived the job");
    }

    [Fact]
    public void The_distributed_job_passes_on_a_failing_coordinators_exit_code_and_starts_no_workers()
    {
        using var run = new RunHarness(Spec);
        var (environment, calls, tls, _) = DistributedJob(run);
        environment["FAKE_COORDINATOR_EXIT"] = "65";
        var (code, log) = Bash(Slurm("sweep-distributed.sbatch"), run, environment);
        Assert.True(code == 65, log);
        Assert.DoesNotContain(File.ReadAllLines(calls), l => l.StartsWith("srun", StringComparison.Ordinal) || l.StartsWith("worker", StringComparison.Ordinal));
        Assert.False(Directory.Exists(tls));
    }

    /// <summary>Stand-ins for scontrol (two nodes: 127.0.0.1 and node-b), srun (runs its command once per
    /// node, as SLURMD_NODENAME, and forwards SIGTERM) and sweep (records its arguments, the modes of the
    /// certificate's directory and files, and whether the password is in its argv or environment; the
    /// coordinator listens on its --listen port for 3 s, a worker waits for SIGTERM).</summary>
    private static (Dictionary<string, string> Environment, string Calls, string Tls, int Port) DistributedJob(RunHarness run)
    {
        string bin = Directory.CreateDirectory(run.RunDir("bin")).FullName, calls = run.RunDir("calls");
        int port = TestPorts.Free(20000, 32768); // within the script's range (20000 + job id % 20000), below the ephemeral ports
        int job = port - 20000 + 40000; // the script's port is 20000 + job id % 20000
        Script(bin, "scontrol", "printf '127.0.0.1\\nnode-b\\n'");
        Script(bin, "srun", $$"""
            echo "srun $*" >> '{{calls}}'
            while [ "${1#--}" != "$1" ]; do shift; done
            for node in 127.0.0.1 node-b; do SLURMD_NODENAME=$node "$@" & done
            trap 'kill -TERM $(jobs -p) 2>/dev/null' TERM
            wait || true
            wait
            """);
        Script(bin, "sweep", $$"""
            role=$1 cert= password_file= listen=
            while [ $# -gt 0 ]; do
              case "$1" in --tls-cert) cert=$2 ;; --tls-password-file) password_file=$2 ;; --listen) listen=$2 ;; esac
              shift
            done
            password="$(head -n 1 "$password_file")"
            {
              echo "$role argv: ${ARGV#* }"
              echo "$role modes: $(stat -c %a "$(dirname "$cert")") $(stat -c %a "$cert") $(stat -c %a "$password_file")"
              case "$ARGV" in *"$password"*) echo "$role password-in-argv" ;; esac
              env | grep -qF "$password" && echo "$role password-in-environment"
            } >> '{{calls}}'
            if [ "$role" = coordinator ]; then
              [ -n "${FAKE_COORDINATOR_EXIT:-}" ] && exit "$FAKE_COORDINATOR_EXIT"
              exec /usr/bin/python3 -c 'import socket, sys, time; s = socket.create_server((sys.argv[1], int(sys.argv[2]))); time.sleep(3)' "${listen%:*}" "${listen##*:}"
            fi
            trap 'echo "worker $SLURMD_NODENAME got SIGTERM" >> '"'{{calls}}'"'; exit 0' TERM
            while :; do sleep 0.1; done
            """, recordArgv: true);
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}", ["HOME"] = run.Root, ["SWEEP"] = Path.Combine(bin, "sweep"),
            ["MAKE_CERT"] = Path.Combine(ModelsCommandTests.RepositoryRoot(), "deploy", "tls", "make-cluster-cert.sh"),
            ["SLURM_JOB_ID"] = $"{job}", ["SLURM_JOB_NODELIST"] = "127.0.0.1,node-b", ["SLURM_JOB_NUM_NODES"] = "2", ["SLURM_CPUS_PER_TASK"] = "3",
            ["RUN_DIR"] = "runs/spec",
        };
        return (environment, calls, Path.Combine(run.Root, ".sweep", "jobs", $"{job}"), port);
    }

    private static void Script(string bin, string name, string body, bool recordArgv = false)
    {
        string path = Path.Combine(bin, name);
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + (recordArgv ? "ARGV=\"$0 $*\"\n" : "") + body + "\n");
        Process.Start("chmod", ["+x", path])!.WaitForExit();
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
