using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Sweep.Engine.Cluster;

namespace Sweep.Worker.Cluster;

/// <summary>A worker node's connection to one coordinator node's result stream (<see cref="ResultStream"/>), opened at
/// the first frame; after a failed write it is disposed and a new one is made. One write at a time.</summary>
public sealed class ResultStreamClient(string host, int port, X509Certificate2? certificate) : IDisposable
{
    private Stream? _stream;

    public string Endpoint => $"{host}:{port}";

    /// <summary>Writes the parts of one frame, one after another; throws if the connection cannot be made or breaks.</summary>
    public async Task WriteAsync(params ReadOnlyMemory<byte>[] parts)
    {
        _stream ??= await ConnectAsync();
        foreach (var part in parts)
        {
            await _stream.WriteAsync(part);
        }
    }

    public void Dispose() => _stream?.Dispose();

    private async Task<Stream> ConnectAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(ResultStream.HandshakeTimeout);
            await socket.ConnectAsync(host, port, timeout.Token);
            return await ResultStream.ConnectAsync(new NetworkStream(socket, ownsSocket: true), host, certificate, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
