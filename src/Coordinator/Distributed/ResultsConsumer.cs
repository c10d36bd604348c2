using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf;
using Akka.Actor;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Sweep.Coordinator.Engine;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Engine.Transport;

namespace Sweep.Coordinator.Distributed;

/// <summary>
/// Feeds a run's results queue into the aggregator's mailbox and acknowledges each result only once
/// the aggregator has committed it (<see cref="Acknowledge"/>): at-least-once delivery, exactly-once
/// storage. Results are transient messages (<see cref="RunTopology"/>), so whenever the broker may
/// have dropped some — the connection was recovered after a broker restart, or the broker cancelled
/// this consumer because the queue was deleted or its node went down — it asks the coordinator to
/// send every in-flight chunk again, consuming again once the queue is back.
/// </summary>
public sealed class ResultsConsumer : AsyncDefaultBasicConsumer, IAsyncDisposable
{
    private static readonly TimeSpan ResubscribeInterval = TimeSpan.FromSeconds(1);

    private readonly IConnection _connection;
    private readonly RunTopology _topology;
    private readonly SweepPlan _plan;
    private readonly RunActors _actors;
    private readonly RunCounters _counters;
    private readonly TextWriter _log;
    private readonly ConcurrentDictionary<ChunkResult, ulong> _deliveries = new(ReferenceEqualityComparer.Instance);
    private readonly Channel<ulong> _acks = System.Threading.Channels.Channel.CreateUnbounded<ulong>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _sendAcks;
    private volatile bool _stopping;
    private string? _consumerTag;
    private Task _resubscribing = Task.CompletedTask;

    private ResultsConsumer(IChannel channel, IConnection connection, RunTopology topology, SweepPlan plan, RunActors actors,
        RunCounters counters, TextWriter log) : base(channel)
    {
        (_connection, _topology, _plan, _actors, _counters, _log) = (connection, topology, plan, actors, counters, log);
        _sendAcks = Task.Run(SendAcksAsync);
        connection.RecoverySucceededAsync += OnRecoveredAsync;
    }

    public static async Task<ResultsConsumer> StartAsync(IConnection connection, RunTopology topology, SweepPlan plan, RunActors actors,
        RunCounters counters, TextWriter log)
    {
        var channel = await connection.CreateChannelAsync();
        await channel.BasicQosAsync(0, (ushort)(2 * AggregatorActor.MaxBatch), global: false);
        var consumer = new ResultsConsumer(channel, connection, topology, plan, actors, counters, log);
        consumer._consumerTag = await channel.BasicConsumeAsync(topology.ResultQueue, autoAck: false, consumer);
        return consumer;
    }

    /// <summary>Called once the aggregator has committed <paramref name="result"/>: acknowledge its delivery.</summary>
    public void Acknowledge(ChunkResult result)
    {
        if (_deliveries.TryRemove(result, out ulong tag))
        {
            _acks.Writer.TryWrite(tag);
        }
    }

    public override async Task HandleBasicDeliverAsync(string consumerTag, ulong deliveryTag, bool redelivered, string exchange,
        string routingKey, IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        object message;
        try
        {
            message = WireMapping.ParseResult(body, ChunkEvaluator.ResultBuffers);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or MalformedMessageException)
        {
            _counters.Malformed();
            _log.WriteLine($"sweep: dropped a malformed message on the results queue: {ex.Message}");
            await Channel.BasicNackAsync(deliveryTag, multiple: false, requeue: false, cancellationToken);
            return;
        }

        switch (message)
        {
            case ChunkResult result when Fits(result):
                _deliveries[result] = deliveryTag;
                // The broker's prefetch (unacknowledged results) bounds what waits in the aggregator's mailbox.
                _actors.Aggregator.Tell(result);
                return;
            case ChunkFailed failed when failed.Item.RunId == _topology.RunId:
                _actors.Coordinator.Tell(failed);
                break;
            default:
                _counters.Malformed();
                _log.WriteLine("sweep: dropped a result that does not belong to this run or plan");
                if (message is ChunkResult stray)
                {
                    ChunkEvaluator.ResultBuffers.Return(stray.Values);
                }

                break;
        }

        await Channel.BasicAckAsync(deliveryTag, multiple: false, cancellationToken);
    }

    /// <summary>The broker cancelled this consumer (the queue was deleted, or its node is down).</summary>
    public override async Task HandleBasicCancelAsync(string consumerTag, CancellationToken cancellationToken = default)
    {
        await base.HandleBasicCancelAsync(consumerTag, cancellationToken);
        if (_stopping)
        {
            return;
        }

        _log.WriteLine("sweep: the broker cancelled the results consumer (queue deleted or its node down); " +
                       "consuming again once the queue is back, then re-sending the chunks in flight");
        _consumerTag = null;
        _resubscribing = Task.Run(ResubscribeAsync, CancellationToken.None);
    }

    private Task OnRecoveredAsync(object sender, AsyncEventArgs args)
    {
        _log.WriteLine("sweep: broker connection recovered; re-sending the chunks in flight (results the broker held may be lost)");
        _actors.Coordinator.Tell(new RedispatchInFlight("broker connection recovered"));
        return Task.CompletedTask;
    }

    private async Task ResubscribeAsync()
    {
        while (!_stopping)
        {
            try
            {
                // Declaring on a channel of its own: a failed declare closes the channel it ran on.
                await using (var declare = await _connection.CreateChannelAsync())
                {
                    await _topology.DeclareResultsAsync(declare);
                }

                _consumerTag = await Channel.BasicConsumeAsync(_topology.ResultQueue, autoAck: false, this);
                _actors.Coordinator.Tell(new RedispatchInFlight("results queue lost"));
                return;
            }
            catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.RabbitMQClientException or RabbitMQ.Client.Exceptions.OperationInterruptedException
                                           or IOException or TimeoutException)
            {
                await Task.Delay(ResubscribeInterval);
            }
        }
    }

    private async Task SendAcksAsync()
    {
        await foreach (ulong tag in _acks.Reader.ReadAllAsync())
        {
            try
            {
                await Channel.BasicAckAsync(tag, multiple: false);
            }
            catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.AlreadyClosedException or OperationCanceledException)
            {
                // The channel was lost: the broker redelivers the result (or lost it), and it is stored only once.
            }
        }
    }

    /// <summary>A result is stored only if it is exactly the chunk the plan defines.</summary>
    private bool Fits(ChunkResult result)
    {
        var item = result.Item;
        if (item.RunId != _topology.RunId || item.SpecHash != _plan.SpecHash || item.Chunk < 0 || item.Chunk >= _plan.TotalChunks)
        {
            return false;
        }

        var (model, local) = _plan.Locate(item.Chunk);
        var (start, count) = model.ChunkRange(local);
        return item.ModelIndex == model.Index && item.Start == start && item.Count == count
               && result.Evaluations == count * model.InnerLength && result.ObservableCount == model.ObservableIndices.Length;
    }

    /// <summary>Acknowledges what was stored, then stops consuming (results still queued stay for a restarted coordinator).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _connection.RecoverySucceededAsync -= OnRecoveredAsync;
        _acks.Writer.TryComplete();
        await _sendAcks;
        await _resubscribing;
        if (_consumerTag is { } tag)
        {
            try
            {
                await Channel.BasicCancelAsync(tag);
            }
            catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.AlreadyClosedException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
            }
        }

        await Channel.DisposeAsync();
    }
}
