using Sweep.Engine.Transport;

namespace Sweep.Engine.Tests;

/// <summary>Where broker credentials may come from, and that they never show.</summary>
[Collection("environment")] // these tests set SWEEP_BROKER_URL
public class BrokerAddressTests
{
    [Fact]
    public void A_password_is_redacted_everywhere_it_could_be_shown()
    {
        var address = new BrokerAddress(new Uri("amqp://sweep:hunter2@rabbit.example:5673/vhost"));
        Assert.Equal("amqp://sweep:***@rabbit.example:5673/vhost", address.Redacted);
        Assert.Equal("rabbit.example:5673", address.Host);
        Assert.Equal("localhost:5672", new BrokerAddress(new Uri("amqp://localhost")).Host);
    }

    [Fact]
    public void Argv_may_name_a_host_but_not_carry_a_password()
    {
        WithEnvironment(null, () =>
        {
            Assert.Equal("amqp://localhost/", BrokerAddress.Resolve("amqp://localhost", null).Url.ToString());
            var error = Assert.Throws<BrokerAddressException>(() => BrokerAddress.Resolve("amqp://u:secret@localhost", null));
            Assert.DoesNotContain("secret", error.Message);
            Assert.Contains(BrokerAddress.EnvironmentVariable, error.Message);
            Assert.Throws<BrokerAddressException>(() => BrokerAddress.Resolve(null, null));
            Assert.Throws<BrokerAddressException>(() => BrokerAddress.Resolve("http://localhost", null));
        });
    }

    [Fact]
    public void A_file_wins_over_the_environment_which_wins_over_argv()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "amqp://u:from-file@file-host/\n");
            WithEnvironment("amqp://u:from-env@env-host/", () =>
            {
                Assert.Equal("file-host", BrokerAddress.Resolve("amqp://argv-host", file).Url.Host);
                Assert.Equal("env-host", BrokerAddress.Resolve("amqp://argv-host", null).Url.Host);
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void WithEnvironment(string? value, Action test)
    {
        string? saved = Environment.GetEnvironmentVariable(BrokerAddress.EnvironmentVariable);
        Environment.SetEnvironmentVariable(BrokerAddress.EnvironmentVariable, value);
        try
        {
            test();
        }
        finally
        {
            Environment.SetEnvironmentVariable(BrokerAddress.EnvironmentVariable, saved);
        }
    }
}
