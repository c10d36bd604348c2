using System.Diagnostics.Metrics;

namespace Sweep.Monitoring.Collection;

/// <summary>
/// Listens to one <see cref="Meter"/> and turns its measurements into <see cref="MetricFamily"/>s
/// on demand (a scrape). Counters and up-down counters are summed per label set; observable
/// instruments are read at collection time (a label set an observable stops reporting disappears);
/// histograms are bucketed by the bounds the instrument advises (else Prometheus' defaults).
/// Instrument names are already Prometheus names in base units; counters get the <c>_total</c> suffix.
/// Every series carries <paramref name="constantLabels"/> first (the process role).
/// </summary>
public sealed class MeterCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<InstrumentState> _states = [];
    private readonly KeyValuePair<string, string>[] _constantLabels;
    private readonly Lock _collecting = new();

    public MeterCollector(Meter meter, IEnumerable<KeyValuePair<string, string>> constantLabels)
    {
        _constantLabels = constantLabels.ToArray();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, meter))
            {
                return;
            }

            var state = InstrumentState.For(instrument, _constantLabels);
            lock (_states)
            {
                _states.Add(state);
            }

            listener.EnableMeasurementEvents(instrument, state);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>The current value of every instrument that has at least one series.</summary>
    public IReadOnlyList<MetricFamily> Collect()
    {
        lock (_collecting)
        {
            InstrumentState[] states;
            lock (_states)
            {
                states = _states.ToArray();
            }

            foreach (var state in states)
            {
                state.BeginCollection();
            }

            _listener.RecordObservableInstruments();
            return states.Select(s => s.Snapshot()).Where(f => f.Series.Count > 0).ToArray();
        }
    }

    public void Dispose() => _listener.Dispose();
}
