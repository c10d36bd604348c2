using System.Diagnostics.Metrics;

namespace Sweep.Monitoring.Process;

/// <summary>
/// The process and .NET runtime metrics every role exports, under the names Prometheus' own client
/// libraries use (<c>process_cpu_seconds_total</c>, <c>process_resident_memory_bytes</c>, …), so
/// that existing dashboards and alerts read them; GC metrics under <c>dotnet_gc_</c>.
/// </summary>
public static class ProcessInstruments
{
    public static void Register(Meter meter)
    {
        var self = System.Diagnostics.Process.GetCurrentProcess();
        double started = self.StartTime.ToUniversalTime().Subtract(DateTime.UnixEpoch).TotalSeconds;

        meter.CreateObservableCounter("process_cpu_seconds", () => self.TotalProcessorTime.TotalSeconds,
            description: "Total user and system CPU time spent in seconds.");
        meter.CreateObservableGauge("process_resident_memory_bytes", () => Refreshed(self).WorkingSet64,
            description: "Resident memory size in bytes.");
        meter.CreateObservableGauge("process_virtual_memory_bytes", () => Refreshed(self).VirtualMemorySize64,
            description: "Virtual memory size in bytes.");
        meter.CreateObservableGauge("process_start_time_seconds", () => started,
            description: "Start time of the process since unix epoch in seconds.");
        meter.CreateObservableGauge("process_open_fds", OpenFileDescriptors,
            description: "Number of open file descriptors.");
        meter.CreateObservableGauge("process_threads", () => Refreshed(self).Threads.Count,
            description: "Number of OS threads in the process.");

        meter.CreateObservableCounter("dotnet_gc_collections", () => new[]
        {
            new Measurement<long>(GC.CollectionCount(0), new KeyValuePair<string, object?>("generation", "gen0")),
            new Measurement<long>(GC.CollectionCount(1), new KeyValuePair<string, object?>("generation", "gen1")),
            new Measurement<long>(GC.CollectionCount(2), new KeyValuePair<string, object?>("generation", "gen2")),
        }, description: "Garbage collections since the process started, by generation (a gen2 collection also counts as gen1 and gen0).");
        meter.CreateObservableGauge("dotnet_gc_heap_size_bytes", () => GC.GetGCMemoryInfo().HeapSizeBytes,
            description: "Managed heap size after the last garbage collection, in bytes.");
        meter.CreateObservableCounter("dotnet_gc_allocated_bytes", () => GC.GetTotalAllocatedBytes(),
            description: "Bytes allocated on the managed heap since the process started.");
        meter.CreateObservableCounter("dotnet_gc_pause_seconds", () => GC.GetTotalPauseDuration().TotalSeconds,
            description: "Time the runtime was paused for garbage collection, in seconds.");
        meter.CreateObservableGauge("dotnet_threadpool_threads", () => (long)ThreadPool.ThreadCount,
            description: "Threads in the .NET thread pool.");
    }

    private static System.Diagnostics.Process Refreshed(System.Diagnostics.Process process)
    {
        process.Refresh();
        return process;
    }

    private static IEnumerable<Measurement<long>> OpenFileDescriptors()
    {
        // Linux only (the containers and clusters this runs on); elsewhere the series is simply absent.
        if (Directory.Exists("/proc/self/fd"))
        {
            yield return new Measurement<long>(Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount());
        }
    }
}
