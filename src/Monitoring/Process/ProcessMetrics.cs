using System.IO.Enumeration;
using System.Reflection;
using Prometheus;

namespace Sweep.Monitoring.Process;

/// <summary>
/// The process and .NET runtime metrics every role exports, under the names Prometheus' own client
/// libraries use (<c>process_cpu_seconds_total</c>, <c>process_resident_memory_bytes</c>,
/// <c>process_open_fds</c>, …), so that existing dashboards and alerts read them; GC metrics under
/// <c>dotnet_gc_</c>. prometheus-net's own <c>DotNetStats</c> is left off: it names resident memory
/// <c>process_working_set_bytes</c> and file descriptors <c>process_open_handles</c>, has no GC
/// pause time, and its source calls it sample data rather than a serious collector.
/// Read from procfs as the Go client reads them: one <c>/proc/self/stat</c> and a count of open
/// descriptors per scrape (a <see cref="System.Diagnostics.Process"/> refresh with its thread list
/// and a stat per descriptor cost five times more). Without procfs only CPU, memory, start time and
/// GC are exported.
/// </summary>
public static class ProcessMetrics
{
    private const string Stat = "/proc/self/stat", Descriptors = "/proc/self/fdinfo";

    public static void Register(MetricsHost host)
    {
        var factory = host.Factory;
        bool procfs = File.Exists(Stat);
        var cpu = factory.CreateCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.");
        var resident = factory.CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
        var virtualMemory = procfs ? factory.CreateGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.") : null;
        var threads = procfs ? factory.CreateGauge("process_threads", "Number of OS threads in the process.") : null;
        var openFds = procfs ? factory.CreateGauge("process_open_fds", "Number of open file descriptors.") : null;
        factory.CreateGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.")
            .SetToTimeUtc(System.Diagnostics.Process.GetCurrentProcess().StartTime);

        // The build, as Prometheus' own servers export theirs: joined on by queries that ask what runs where.
        string[] version = (typeof(ProcessMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+', 2);
        factory.CreateGauge("sweep_build_info", "Always 1: the version, git revision and .NET runtime of this build.", ["version", "revision", "dotnet_version"])
            .WithLabels(version[0], version.Length > 1 ? version[1] : "", Environment.Version.ToString()).Set(1);

        var collections = factory.CreateCounter("dotnet_gc_collections_total",
            "Garbage collections since the process started, by generation (a gen2 collection also counts as gen1 and gen0).", ["generation"]);
        var heap = factory.CreateGauge("dotnet_gc_heap_size_bytes", "Managed heap size after the last garbage collection, in bytes.");
        var allocated = factory.CreateCounter("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since the process started.");
        var pause = factory.CreateCounter("dotnet_gc_pause_seconds_total", "Time the runtime was paused for garbage collection, in seconds.");
        var poolThreads = factory.CreateGauge("dotnet_threadpool_threads", "Threads in the .NET thread pool.");

        host.BeforeScrape(() =>
        {
            cpu.IncTo(Environment.CpuUsage.TotalTime.TotalSeconds);
            if (procfs && ReadStat() is { } stat)
            {
                resident.Set(stat.ResidentPages * (double)Environment.SystemPageSize);
                virtualMemory!.Set(stat.VirtualBytes);
                threads!.Set(stat.Threads);
                openFds!.Set(CountDescriptors());
            }
            else
            {
                resident.Set(Environment.WorkingSet);
            }

            for (int generation = 0; generation <= 2; generation++)
            {
                collections.WithLabels($"gen{generation}").IncTo(GC.CollectionCount(generation));
            }

            heap.Set(GC.GetGCMemoryInfo().HeapSizeBytes);
            allocated.IncTo(GC.GetTotalAllocatedBytes());
            pause.IncTo(GC.GetTotalPauseDuration().TotalSeconds);
            poolThreads.Set(ThreadPool.ThreadCount);
        });
    }

    /// <summary>proc(5): after the command name in parentheses (which may hold spaces) come the fields
    /// from 3 (state) on; 20 is num_threads, 23 vsize in bytes, 24 rss in pages.</summary>
    internal static (long Threads, long VirtualBytes, long ResidentPages)? ReadStat()
    {
        string text;
        try
        {
            text = File.ReadAllText(Stat);
        }
        catch (IOException)
        {
            return null;
        }

        string[] fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[20 - 3]), long.Parse(fields[23 - 3]), long.Parse(fields[24 - 3]));
    }

    /// <summary>Counts the entries of <c>/proc/self/fdinfo</c>: one per open descriptor as in
    /// <c>/proc/self/fd</c>, but plain files, where .NET would stat each symbolic link's target.</summary>
    private static int CountDescriptors() =>
        new FileSystemEnumerable<byte>(Descriptors, (ref _) => 0, new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true }).Count();
}
