using System.CommandLine;
using Sweep.Engine;
using Sweep.Engine.Transport;

namespace Sweep.Worker;

/// <summary>The broker options of <c>sweep coordinator</c> and <c>sweep worker</c>, and how they resolve
/// (see <see cref="BrokerAddress.Resolve"/>); a missing or bad address is a usage error.</summary>
public sealed class BrokerOptions
{
    private readonly Option<string?> _url = new("--broker") { Description = $"Broker URL without a password (else use ${BrokerAddress.EnvironmentVariable} or --broker-file)" };
    private readonly Option<string?> _file = new("--broker-file") { Description = "File holding the broker URL (e.g. a mounted secret)" };

    public BrokerOptions(Command command)
    {
        command.Options.Add(_url);
        command.Options.Add(_file);
    }

    public BrokerAddress Resolve(ParseResult parse)
    {
        try
        {
            return BrokerAddress.Resolve(parse.GetValue(_url), parse.GetValue(_file));
        }
        catch (BrokerAddressException ex)
        {
            throw new UsageException(ex.Message);
        }
    }
}
