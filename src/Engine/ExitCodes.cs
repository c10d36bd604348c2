namespace Sweep.Engine;

/// <summary>Process exit codes (BSD sysexits) of both executables, as documented in the README and <c>sweep --help</c>.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>EX_USAGE: the command line is wrong (unknown command, option, model or parameter name).</summary>
    public const int Usage = 64;

    /// <summary>EX_DATAERR: the input is well-formed but a value is invalid (out of its range, not finite).</summary>
    public const int DataError = 65;

    /// <summary>EX_UNAVAILABLE: a service (a cluster seed node, a port) cannot be reached.</summary>
    public const int Unavailable = 69;

    /// <summary>EX_SOFTWARE: an internal error (a bug).</summary>
    public const int Internal = 70;

    /// <summary>Interrupted by the user (Ctrl+C).</summary>
    public const int Cancelled = 130;
}

/// <summary>Thrown by a command for a usage error; becomes one line on stderr and exit code 64.</summary>
public sealed class UsageException(string message) : Exception(message);
