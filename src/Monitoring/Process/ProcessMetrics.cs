using Prometheus;

namespace Sweep.Monitoring.Process;

/// <summary>
/// The process and .NET runtime metrics every role exports, under the names Prometheus' own client
/// libraries use (<c>process_cpu_seconds_total</c>, <c>process_resident_memory_bytes</c>,
/// <c>process_open_fds</c>, …), so that existing dashboards and alerts read them; GC metrics under
/// <c>dotnet_gc_</c>. prometheus-net's own <c>DotNetStats</c> is left off: it names resident memory
/// <c>process_working_set_bytes</c> and file descriptors <c>process_open_handles</c>, and has no
/// GC pause time (its source calls it sample data rather than a serious collector).
/// </summary>
public static class ProcessMetrics
{
    public static void Register(MetricsHost host)
    {
        var self = System.Diagnostics.Process.GetCurrentProcess();
        var factory = host.Factory;
        var cpu = factory.CreateCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.");
        var resident = factory.CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
        var virtualMemory = factory.CreateGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.");
        var threads = factory.CreateGauge("process_threads", "Number of OS threads in the process.");
        // Linux only (the containers and clusters this runs on); elsewhere the series is simply absent.
        var openFds = Directory.Exists("/proc/self/fd") ? factory.CreateGauge("process_open_fds", "Number of open file descriptors.") : null;
        factory.CreateGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.").SetToTimeUtc(self.StartTime);

        var collections = factory.CreateCounter("dotnet_gc_collections_total",
            "Garbage collections since the process started, by generation (a gen2 collection also counts as gen1 and gen0).", ["generation"]);
        var heap = factory.CreateGauge("dotnet_gc_heap_size_bytes", "Managed heap size after the last garbage collection, in bytes.");
        var allocated = factory.CreateCounter("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since the process started.");
        var pause = factory.CreateCounter("dotnet_gc_pause_seconds_total", "Time the runtime was paused for garbage collection, in seconds.");
        var poolThreads = factory.CreateGauge("dotnet_threadpool_threads", "Threads in the .NET thread pool.");

        var refreshing = new Lock(); // Process is not thread-safe, and two scrapes may overlap
        host.BeforeScrape(() =>
        {
            lock (refreshing)
            {
                self.Refresh();
                cpu.IncTo(self.TotalProcessorTime.TotalSeconds);
                resident.Set(self.WorkingSet64);
                virtualMemory.Set(self.VirtualMemorySize64);
                threads.Set(self.Threads.Count);
            }

            openFds?.Set(Directory.EnumerateFileSystemEntries("/proc/self/fd").Count());
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
}
