using Sweep.Engine.Actors;

namespace Sweep.Engine.Tests;

public class RepeatedWarningsTests
{
    private const string Join = "akka.tcp://sweep@127.0.0.1:40761/system/cluster/core/daemon/joinSeedNodeProcess-1";

    private static string Attempt(int n) => $"Couldn't join seed nodes after [{n}] attempts, will try again. seed-nodes=[akka.tcp://sweep@127.0.0.1:28873]";

    [Fact]
    public void A_warning_repeated_within_the_window_is_held_back_and_counted_on_the_next_one_printed()
    {
        var filter = new RepeatedWarnings();
        var t0 = new DateTime(2026, 11, 30, 8, 0, 0, DateTimeKind.Utc);
        Assert.Equal(Attempt(1), filter.Admit(Join, Attempt(1), t0));
        for (int n = 2; n <= 300; n++)
        {
            Assert.Null(filter.Admit(Join, Attempt(n), t0 + TimeSpan.FromSeconds(0.2 * (n - 1)))); // 59.8 s at n = 300
        }

        Assert.Equal($"{Attempt(301)} (299 more like it in the 60 s before, not shown)", filter.Admit(Join, Attempt(301), t0 + TimeSpan.FromSeconds(60)));
        Assert.Null(filter.Admit(Join, Attempt(302), t0 + TimeSpan.FromSeconds(60.2)));
    }

    [Fact]
    public void Warnings_of_other_sources_or_other_text_are_printed_as_they_come()
    {
        var filter = new RepeatedWarnings();
        var now = DateTime.UtcNow;
        const string unreachable = "Tried to associate with unreachable remote address [akka.tcp://sweep@127.0.0.1:{0}]. Address is now gated for 200 ms";
        Assert.NotNull(filter.Admit("remoting (akka://sweep)", string.Format(unreachable, 25001), now));
        Assert.NotNull(filter.Admit("remoting (akka://sweep)", string.Format(unreachable, 25002), now)); // another node: not a repeat
        Assert.Null(filter.Admit("remoting (akka://sweep)", string.Format(unreachable, 25001), now));
        Assert.NotNull(filter.Admit(Join, Attempt(1), now));
        Assert.NotNull(filter.Admit(Join.Replace("40761", "40762", StringComparison.Ordinal), Attempt(1), now)); // another incarnation's
    }
}
