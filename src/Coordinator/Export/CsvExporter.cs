using System.Globalization;
using System.Text;
using Sweep.Coordinator.Store;
using Sweep.Physics.Models;

namespace Sweep.Coordinator.Export;

/// <summary>
/// Writes one <c>MODEL.csv</c> per model in long format: one row per point (bias points included)
/// with its coordinates, status and every exported observable; "nan" where not a number.
/// </summary>
public static class CsvExporter
{
    public static string Write(RunStore store, ExportLayout layout, string directory) =>
        layout.WriteFile(directory, ".csv", file => Write(store, layout, file));

    private static void Write(RunStore store, ExportLayout layout, Stream file)
    {
        var plan = layout.Plan;
        using (var writer = new StreamWriter(file, new UTF8Encoding(false), 1 << 20, leaveOpen: true))
        {
            writer.Write(string.Join(',', layout.Dimensions.Append("status").Concat(plan.ObservableNames)));
            writer.Write('\n');

            int observables = plan.ObservableNames.Length;
            int largest = layout.LargestChunk;
            var values = new double[observables][];
            for (int o = 0; o < observables; o++)
            {
                values[o] = new double[largest];
            }

            var columns = plan.Model.Parameters.Select(_ => new double[plan.ChunkSize]).ToArray();
            var axisColumns = plan.Axes.Select(a => plan.Model.ParameterIndex(a.Parameter)).ToArray();
            var row = new StringBuilder();
            long local = 0;
            foreach (var (chunk, evaluations) in layout.Chunks())
            {
                var (start, count) = plan.ChunkRange(local++);
                plan.FillParameters(start, count, columns);
                for (int o = 0; o < observables; o++)
                {
                    layout.Read(store, chunk, o, values[o].AsSpan(0, evaluations));
                }

                byte[] status = layout.ReadStatus(store, chunk, evaluations);
                for (int k = 0; k < evaluations; k++)
                {
                    int point = k / plan.InnerLength;
                    row.Clear();
                    foreach (int p in axisColumns)
                    {
                        row.Append(Number(columns[p][point])).Append(',');
                    }

                    if (plan.InnerGrid is { } grid)
                    {
                        row.Append(Number(grid[k % plan.InnerLength])).Append(',');
                    }

                    row.Append(status[k] == ExportLayout.Missing ? "missing" : ((PointStatus)status[k]).ToWireName());
                    for (int o = 0; o < observables; o++)
                    {
                        row.Append(',').Append(Number(values[o][k]));
                    }

                    writer.Write(row.Append('\n'));
                }
            }
        }
    }

    private static string Number(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "nan";
}
