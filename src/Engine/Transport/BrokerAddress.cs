namespace Sweep.Engine.Transport;

/// <summary>
/// Where the broker is: an amqp(s):// URL from <c>--broker-file</c> (a file holding the URL, e.g. a
/// mounted Kubernetes secret), else <c>SWEEP_BROKER_URL</c>, else <c>--broker</c>. Credentials in
/// argv are visible to every user of the machine, so a URL with a password there is refused.
/// <see cref="Redacted"/> is the only form that is ever logged.
/// </summary>
public sealed record BrokerAddress(Uri Url)
{
    public const string EnvironmentVariable = "SWEEP_BROKER_URL";

    /// <summary>The URL with any password replaced by ***, for messages and logs.</summary>
    public string Redacted => Redact(Url);

    public string Host => $"{Url.Host}:{(Url.IsDefaultPort ? (Url.Scheme == "amqps" ? 5671 : 5672) : Url.Port)}";

    public static BrokerAddress Resolve(string? argument, string? file)
    {
        string? text = file is not null ? ReadFile(file)
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : argument;
        if (text is null)
        {
            throw new BrokerAddressException($"no broker: set {EnvironmentVariable}, or pass --broker-file FILE or --broker amqp://HOST");
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("amqp" or "amqps"))
        {
            throw new BrokerAddressException($"broker address '{RedactText(text)}' is not an amqp:// or amqps:// URL");
        }

        if (file is null && Environment.GetEnvironmentVariable(EnvironmentVariable) is not { Length: > 0 } && url.UserInfo.Contains(':'))
        {
            throw new BrokerAddressException($"--broker '{Redact(url)}' carries a password on the command line, where any user can read it; " +
                                             $"put the URL in {EnvironmentVariable} or a file for --broker-file");
        }

        return new BrokerAddress(url);
    }

    public static string Redact(Uri url) =>
        url.UserInfo.Contains(':') ? url.GetLeftPart(UriPartial.Scheme) + url.UserInfo.Split(':')[0] + ":***@" + url.Authority + url.PathAndQuery : url.ToString();

    private static string RedactText(string text) => Uri.TryCreate(text, UriKind.Absolute, out var url) ? Redact(url) : "(unparseable)";

    private static string ReadFile(string file)
    {
        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BrokerAddressException($"cannot read --broker-file '{file}': {ex.Message}");
        }
    }
}

/// <summary>No usable broker address (exit code 64).</summary>
public sealed class BrokerAddressException(string message) : Exception(message);

/// <summary>The broker cannot be reached (exit code 69). The message names the host, never credentials.</summary>
public sealed class BrokerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
