namespace Sweep.Coordinator.Live;

/// <summary>The live view's one page (live.html, embedded in the program): inline CSS and JS drawing on a
/// canvas, talking only to this server's <c>/api/…</c> (no external asset: works offline).</summary>
internal static class LivePage
{
    public static readonly string Html = Load();

    private static string Load()
    {
        using var stream = typeof(LivePage).Assembly.GetManifestResourceStream("Sweep.Coordinator.Live.live.html")
                           ?? throw new InvalidOperationException("the live view's page is missing from the program (embedded resource live.html)");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
