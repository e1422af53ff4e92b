using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using ReviewConsole.Benchmarks.Postgres;
using ReviewConsole.Infrastructure.Identity;
using static ReviewConsole.Benchmarks.BenchmarkHost;

namespace ReviewConsole.Benchmarks.ReviewerLoop;

/// <summary>
/// The reviewer loop as a reviewer lives it (issue 12), at two database sizes in one run (not a
/// BenchmarkDotNet timing):
/// <list type="number">
/// <item>builds (or takes from the temp folder) a realistic database per size
/// (<see cref="ReviewerLoopDatabase"/>) and starts the published app on a copy in the Production
/// shape (HTTPS on loopback, SQLite file, Hangfire server on, demo off, the default local key-registry
/// gateway; only the sign-in rate limit is raised, since every session signs in from 127.0.0.1);</item>
/// <item>in headless Chromium, signed in as the demo reviewer: <b>first N</b> (queue page interactive →
/// press N → the claimed flag's decision form rendered with shortcuts attached), then the <b>keyboard
/// loop</b>: O, F, a reason, Ctrl+Enter, timed from Ctrl+Enter until the next flag is ready (URL
/// changed, its title and decision form rendered, shortcuts attached);</item>
/// <item><b>page loads until interactive</b> (navigation start → circuit up, page data rendered, no
/// progress bar): <c>/flags</c>, the actor page of the busiest organization and
/// <c>/flags/classifiers</c> as the reviewer, <c>/dashboard</c> and <c>/statistics</c> as the demo
/// auditor (the reviewer role has no access; Leads must set up two-factor sign-in in Production);</item>
/// <item><b>decision → effect</b>: decisions that revoke the flag's key (V, A×3, F, reason,
/// Ctrl+Enter), each timed from the Ctrl+Enter to the action's <c>CompletedAt</c> read from the
/// database; decisions held for a blind second review or needing a Lead's approval are counted, not
/// timed;</item>
/// <item><b>memory per idle circuit</b>: the app's resident set (<c>/proc/PID/status</c> VmRSS) before
/// and after 20 more reviewers sign in and sit on a triage page; the delta over 20 (an upper bound:
/// it includes garbage not yet collected and heap growth).</item>
/// </list>
/// Run: <c>dotnet run -c Release --project tests/ReviewConsole.Benchmarks -- loop</c> (options:
/// <c>--flags N</c> (1,000,000), <c>--baseline-flags N</c> (30,000), <c>--loops N</c> (150: the p95 of 50 would be the third-highest value),
/// <c>--revocations N</c> (50), <c>--page-loads N</c> per page (5), <c>--sessions N</c> (20),
/// <c>--skip-publish</c>, <c>--seed-only</c> to build the cached databases and stop). <c>--postgres</c> runs
/// the app on a throwaway PostgreSQL cluster, <c>--postgres-connection CS</c> on an existing server, with
/// the same seeded rows copied in (<see cref="ReviewerLoopPostgres"/>).
/// </summary>
public static class ReviewerLoopBenchmark
{
    /// <summary>Marks the page interactive (as the browser tests do): MainLayout calls
    /// <c>reviewConsole.getDarkMode</c> in its first interactive render. Also records when a
    /// benchmark key is pressed (capture phase, before the app's own handler).</summary>
    private const string InitScript = """
        (() => {
            let api;
            Object.defineProperty(window, "reviewConsole", {
                configurable: true,
                get: () => api,
                set: value => {
                    const getDarkMode = value.getDarkMode;
                    value.getDarkMode = function () {
                        window.__reviewConsoleInteractive = true;
                        return getDarkMode.apply(this, arguments);
                    };
                    api = value;
                },
            });
            window.__benchKey = null;
            document.addEventListener("keydown", e => {
                const name = e.key === "Enter" && e.ctrlKey ? "Ctrl+Enter" : e.key;
                if (window.__benchKey !== null && name === window.__benchKey) {
                    window.__benchT0 = performance.now();
                    window.__benchKey = null;
                }
            }, true);
        })();
        """;

    /// <summary>Truthy (ms since the armed key press) once a flag other than <c>from</c> is ready to decide.</summary>
    private const string FlagReady = """
        from => {
            const m = location.pathname.match(/^\/flags\/(\d+)$/);
            if (!m || m[1] === from || window.__benchT0 === undefined) return false;
            const title = document.getElementById("page-title");
            if (!title || title.textContent.trim() !== "Flag #" + m[1]) return false;
            if (!document.querySelector("[data-testid=decision-form]")) return false;
            if (!(window.reviewConsoleKeyboard && window.reviewConsoleKeyboard.handles("Ctrl+Enter"))) return false;
            return Math.max(0.001, performance.now() - window.__benchT0);
        }
        """;

    /// <summary>Truthy (ms since navigation start) once the circuit is up, the marker rendered and no progress bar left.</summary>
    private const string PageReady = """
        marker => {
            if (window.__reviewConsoleInteractive !== true) return false;
            if (!document.querySelector(marker)) return false;
            if (document.querySelector(".mud-main-content .mud-progress-linear.mud-progress-indeterminate")) return false;
            return Math.max(0.001, performance.now());
        }
        """;

    private const string Reviewer = "reviewer@demo.local";
    private const string Auditor = "auditor@demo.local";

    public static async Task<int> RunAsync(string[] args)
    {
        var large = Option(args, "--flags", 1_000_000);
        var baseline = Option(args, "--baseline-flags", 30_000);
        var settings = new RunSettings(
            Option(args, "--loops", 150),
            Option(args, "--revocations", 50),
            Option(args, "--page-loads", 5),
            Option(args, "--sessions", 20));
        var sizes = new[] { baseline, large }.Where(n => n > 0).Distinct().Order().ToList();
        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("rc-loop-bench-").FullName;
        var total = Stopwatch.StartNew();
        using var server = PostgresServer.FromArguments(args, root);
        var databaseDescription = server is null
            ? "SQLite (a file; WAL, synchronous = NORMAL as the app sets it; Hangfire in memory)"
            : $"{server.Describe()}; the SQLite database copied in, Hangfire on PostgreSQL storage as the app picks it";
        Console.WriteLine($"Reviewer-loop benchmark: {string.Join(" and ", sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} flags; {settings.Loops} loops, {settings.Revocations} revocations, {settings.PageLoads} loads per page, {settings.Sessions} idle sessions. Work folder {work}");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeDescription()}; {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; load average before: {LoadAverage()}");
        Console.WriteLine($"Database: {databaseDescription}");

        if (args.Contains("--seed-only"))
        {
            foreach (var size in sizes)
            {
                var seeded = await ReviewerLoopDatabase.EnsureAsync(size);
                Console.WriteLine($"   {ReviewerLoopDatabase.Describe(AppDatabase.Sqlite(seeded))}");
                if (server is { Persistent: true })
                {
                    // The PostgreSQL copy as a cached template (a run database made from it is dropped at the end).
                    Console.WriteLine($"   {ReviewerLoopDatabase.Describe(ReviewerLoopPostgres.Prepare(server, seeded, size))}");
                }
            }

            return 0;
        }

        var publish = await PublishAsync(root, "loop-benchmark", args.Contains("--skip-publish"));
        Console.WriteLine($"App: published Release build in the Production shape (HTTPS on loopback, {(server is null ? "SQLite" : "PostgreSQL")}, Hangfire server on, demo off); platform gateway {PlatformGateway(publish)} (Platform:Gateway as published, not overridden); Security:SignInPermitsPerMinute raised to 100 (every session signs in from 127.0.0.1).");
        var certificate = CreateCertificate(work);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = FindChromium(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });

        var results = new List<SizeResult>();
        foreach (var size in sizes)
        {
            Console.WriteLine($"-- {size:N0} flags; load average {LoadAverage()}");
            var cached = await ReviewerLoopDatabase.EnsureAsync(size);
            AppDatabase database;
            if (server is null)
            {
                var file = Path.Combine(work, $"loop-{size}.db");
                File.Copy(cached, file, overwrite: true);
                database = AppDatabase.Sqlite(file);
            }
            else
            {
                database = ReviewerLoopPostgres.Prepare(server, cached, size);
            }

            Console.WriteLine($"   {ReviewerLoopDatabase.Describe(database)}");
            results.Add(await MeasureAsync(publish, database, Path.Combine(work, $"loop-{size}.log"), certificate, browser, size, settings));
        }

        Console.WriteLine();
        Console.WriteLine($"Database: {databaseDescription}");
        Report(results);
        Console.WriteLine($"Total {total.Elapsed.TotalMinutes:N1} min; load average after: {LoadAverage()}");
        return results.All(r => r.Problems.IsEmpty) ? 0 : 1;
    }

    private sealed record RunSettings(int Loops, int Revocations, int PageLoads, int Sessions);

    private sealed class SizeResult(int flags)
    {
        public int Flags { get; } = flags;

        public Dictionary<string, List<double>> Figures { get; } = new(StringComparer.Ordinal);

        public List<string> Loads { get; } = [];

        public List<string> Notes { get; } = [];

        public ConcurrentQueue<string> Problems { get; } = new();

        public void Add(string figure, double value)
        {
            if (!Figures.TryGetValue(figure, out var values))
            {
                Figures[figure] = values = [];
            }

            values.Add(value);
        }

        public void SampleLoad(string phase) => Loads.Add($"{phase} {LoadAverage()}");
    }

    private static async Task<SizeResult> MeasureAsync(string publish, AppDatabase database, string log, (string Path, string Thumbprint) certificate, IBrowser browser, int size, RunSettings settings)
    {
        var result = new SizeResult(size);
        var baseAddress = new Uri($"https://127.0.0.1:{FreePort()}");
        var busiestOrganization = BusiestOrganization(database);
        using var app = StartApp(publish, database, certificate.Path, baseAddress, log, new Dictionary<string, string>
        {
            ["Security__SignInPermitsPerMinute"] = "100",
        });
        var contexts = new List<IBrowserContext>();
        try
        {
            using (var http = CreateClient(baseAddress, certificate.Thumbprint))
            {
                await WaitHealthyAsync(http, app, log);
            }

            result.SampleLoad("started");
            var reviewer = await SignInAsync(browser, baseAddress, Reviewer, result, contexts);

            // First N, several times: the queue page interactive, then N until the claimed flag is ready.
            for (var i = 0; i < settings.PageLoads; i++)
            {
                await LoadPageAsync(reviewer, "flags", "[data-testid=queue-table]");
                await reviewer.WaitForFunctionAsync("() => window.reviewConsoleKeyboard && window.reviewConsoleKeyboard.handles('n')");
                result.Add("first N", await PressAndWaitForFlagAsync(reviewer, "n", "n", from: null));
            }

            result.SampleLoad("first N");

            // The keyboard loop: O (no violation), F, a reason, Ctrl+Enter → the next flag ready.
            for (var i = 0; i < settings.Loops; i++)
            {
                var iteration = Stopwatch.StartNew();
                var from = CurrentFlag(reviewer);
                await reviewer.Keyboard.PressAsync("o");
                await reviewer.Keyboard.PressAsync("f");
                await reviewer.Keyboard.TypeAsync(string.Create(CultureInfo.InvariantCulture, $"Benign: the classifier over-fired (loop {i + 1})."));
                result.Add("submit → next", await PressAndWaitForFlagAsync(reviewer, "Control+Enter", "Ctrl+Enter", from));
                result.Add("loop iteration (O … next ready)", iteration.Elapsed.TotalMilliseconds);
            }

            result.SampleLoad("loop");
            result.Notes.Add(LoopDecisions(database, settings.Loops));

            // Page loads until interactive.
            var auditor = await SignInAsync(browser, baseAddress, Auditor, result, contexts);
            var pages = new (string Figure, IPage Page, string Path, string Marker)[]
            {
                ("page /flags", reviewer, "flags", "[data-testid=queue-table]"),
                ("page /dashboard", auditor, "dashboard", "[data-testid=ops-queues]"),
                ($"page actor (busiest organization)", reviewer, $"actors/org/{busiestOrganization}", "[data-testid=timeline]"),
                ("page /flags/classifiers", reviewer, "flags/classifiers", "[data-testid=precision-table], [data-testid=no-labels]"),
                ("page /statistics", auditor, "statistics", ".mud-main-content .mud-grid"),
            };
            for (var i = 0; i < settings.PageLoads; i++)
            {
                foreach (var (figure, page, path, marker) in pages)
                {
                    result.Add(figure, await LoadPageAsync(page, path, marker));
                }
            }

            result.SampleLoad("pages");

            // Decision → effect: decisions that revoke the key, submit to CompletedAt.
            await LoadPageAsync(reviewer, "flags", "[data-testid=queue-table]");
            await reviewer.WaitForFunctionAsync("() => window.reviewConsoleKeyboard && window.reviewConsoleKeyboard.handles('n')");
            await PressAndWaitForFlagAsync(reviewer, "n", "n", from: null);
            var submitted = new List<(long FlagId, DateTimeOffset At)>();
            for (var i = 0; i < settings.Revocations; i++)
            {
                var from = CurrentFlag(reviewer);
                await reviewer.Keyboard.PressAsync("v");
                for (var a = 0; a < 3; a++)
                {
                    await reviewer.Keyboard.PressAsync("a");
                }

                await reviewer.Keyboard.PressAsync("f");
                await reviewer.Keyboard.TypeAsync(string.Create(CultureInfo.InvariantCulture, $"Confirmed; the key is revoked (revocation {i + 1})."));
                submitted.Add((long.Parse(from!, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow));
                result.Add("submit → next (revoke key)", await PressAndWaitForFlagAsync(reviewer, "Control+Enter", "Ctrl+Enter", from));
            }

            await CollectEffectsAsync(database, submitted, result);
            result.SampleLoad("revocations");

            // Memory per idle circuit.
            var before = await ResidentSetAsync(app.Id);
            for (var i = 1; i <= settings.Sessions; i++)
            {
                var page = await SignInAsync(browser, baseAddress, ReviewerLoopDatabase.BenchReviewerEmail(((i - 1) % ReviewerLoopDatabase.ExtraReviewers) + 1), result, contexts);
                await LoadPageAsync(page, "flags", "[data-testid=queue-table]");
                await page.WaitForFunctionAsync("() => window.reviewConsoleKeyboard && window.reviewConsoleKeyboard.handles('n')");
                await PressAndWaitForFlagAsync(page, "n", "n", from: null);
            }

            await Task.Delay(TimeSpan.FromSeconds(10));
            var after = await ResidentSetAsync(app.Id);
            result.SampleLoad("sessions");
            result.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"server RSS {before / 1024.0:N0} MB before, {after / 1024.0:N0} MB with {settings.Sessions} more idle reviewer circuits"));
            result.Add("memory per idle circuit (RSS delta / sessions, MB)", (after - before) / 1024.0 / settings.Sessions);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or InvalidOperationException)
        {
            result.Problems.Enqueue($"run stopped: {e.Message.Split('\n')[0]} (app log: {log})");
        }
        finally
        {
            foreach (var context in contexts)
            {
                await context.CloseAsync();
            }

            await StopAsync(app);
        }

        return result;
    }

    private static async Task<IPage> SignInAsync(IBrowser browser, Uri baseAddress, string email, SizeResult result, List<IBrowserContext> contexts)
    {
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = baseAddress.ToString(),
            IgnoreHTTPSErrors = true,
            ColorScheme = ColorScheme.Light,
            Locale = "en-US",
            ViewportSize = new() { Width = 1600, Height = 1000 },
        });
        contexts.Add(context);
        context.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                result.Problems.Enqueue($"{email}: console error: {message.Text}");
            }
        };
        context.WebError += (_, error) => result.Problems.Enqueue($"{email}: uncaught page error: {error.Error}");
        context.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                result.Problems.Enqueue($"{email}: HTTP {response.Status}: {response.Request.Method} {response.Url}");
            }
        };
        await context.AddInitScriptAsync(InitScript);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync("Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(DemoUsers.Password);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase));
        return page;
    }

    /// <summary>Loads <paramref name="path"/> and returns the ms from navigation start until it is interactive with its data.</summary>
    private static async Task<double> LoadPageAsync(IPage page, string path, string marker)
    {
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit });
        var ready = await page.WaitForFunctionAsync(PageReady, marker, new() { PollingInterval = 5 });
        return await ready.JsonValueAsync<double>();
    }

    /// <summary>Presses <paramref name="key"/> and returns the ms from its keydown until a flag other than <paramref name="from"/> is ready.</summary>
    private static async Task<double> PressAndWaitForFlagAsync(IPage page, string key, string keyName, string? from)
    {
        await page.EvaluateAsync("name => { window.__benchT0 = undefined; window.__benchKey = name; }", keyName);
        await page.Keyboard.PressAsync(key);
        var ready = await page.WaitForFunctionAsync(FlagReady, from, new() { PollingInterval = 5 });
        return await ready.JsonValueAsync<double>();
    }

    private static string? CurrentFlag(IPage page)
    {
        var path = new Uri(page.Url).AbsolutePath;
        return path.StartsWith("/flags/", StringComparison.Ordinal) && long.TryParse(path["/flags/".Length..], CultureInfo.InvariantCulture, out _) ? path["/flags/".Length..] : null;
    }

    /// <summary>Waits (up to a minute) for each submitted revocation's actions to finish and records
    /// submit → CompletedAt and RequestedAt → CompletedAt of the Succeeded key revocations (the
    /// decision's other actions, e.g. the notice to the organization, are counted, not timed).</summary>
    private static async Task CollectEffectsAsync(AppDatabase database, List<(long FlagId, DateTimeOffset At)> submitted, SizeResult result)
    {
        var deadline = Stopwatch.StartNew();
        List<Effect> rows;
        while (true)
        {
            rows = ReadEffects(database, submitted.Select(s => s.FlagId).ToList());
            if (rows.All(r => r.State is null or "Succeeded" or "DeadLettered" or "Cancelled" or "PendingApproval") || deadline.Elapsed > TimeSpan.FromMinutes(1))
            {
                break;
            }

            await Task.Delay(500);
        }

        var submittedAt = submitted.ToDictionary(s => s.FlagId, s => s.At);
        foreach (var row in rows.Where(r => r.Kind == "RevokeKey" && r.State == "Succeeded" && r.CompletedAt is not null))
        {
            result.Add("decision → effect (submit → CompletedAt)", (new DateTimeOffset(row.CompletedAt!.Value, TimeSpan.Zero) - submittedAt[row.FlagId]).TotalMilliseconds);
            result.Add("decision → effect (RequestedAt → CompletedAt)", TimeSpan.FromTicks(row.CompletedAt.Value - row.RequestedAt!.Value).TotalMilliseconds);
        }

        var counts = rows.GroupBy(r => r.Held ? "held for double review" : r.Action is null ? "no decision" : r.Kind is null ? $"{r.Action} decision without action" : $"{r.Kind} {r.State}")
            .Select(g => $"{g.Count()} {g.Key}");
        result.Notes.Add($"revocation decisions ({submitted.Count}): {string.Join(", ", counts)}");
    }

    private sealed record Effect(long FlagId, string? Action, string? Kind, string? State, long? RequestedAt, long? CompletedAt, bool Held);

    private static List<Effect> ReadEffects(AppDatabase database, List<long> flagIds)
    {
        using var connection = database.Open();
        var rows = new List<Effect>();
        foreach (var flagId in flagIds)
        {
            using var command = AppDatabase.Command(
                connection,
                """
                SELECT d."Action", a."Kind", a."State", a."RequestedAt", a."CompletedAt",
                       CASE WHEN EXISTS (SELECT 1 FROM "DoubleReview" r WHERE r."FlagId" = f."FlagId") THEN 1 ELSE 0 END
                FROM (SELECT @flag AS "FlagId") f
                LEFT JOIN "FlagDecision" d ON d."FlagId" = f."FlagId"
                LEFT JOIN "EnforcementAction" a ON a."Reason" = 'Decision' AND a."ReasonId" = CAST(d."Id" AS TEXT)
                """,
                ("@flag", flagId));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(new Effect(
                    flagId,
                    reader.IsDBNull(0) ? null : reader.GetString(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : AppDatabase.Ticks(reader.GetValue(3)),
                    reader.IsDBNull(4) ? null : AppDatabase.Ticks(reader.GetValue(4)),
                    reader.IsDBNull(0) && Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture) == 1));
            }
        }

        return rows;
    }

    /// <summary>What the loop's submits left in the database (each must be a decision or a held first answer).</summary>
    private static string LoopDecisions(AppDatabase database, int loops)
    {
        using var connection = database.Open();
        using var command = AppDatabase.Command(connection, """
            SELECT (SELECT count(*) FROM "FlagDecision" WHERE "Verdict" = 'NoViolation' AND "Reason" LIKE 'Benign: the classifier over-fired (loop %'),
                   (SELECT count(*) FROM "DoubleReview" WHERE "FirstVerdict" = 'NoViolation' AND "FirstReason" LIKE 'Benign: the classifier over-fired (loop %')
            """);
        using var reader = command.ExecuteReader();
        reader.Read();
        return string.Create(CultureInfo.InvariantCulture, $"keyboard loop ({loops} submits): {Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture)} no-violation decisions recorded, {Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)} first answers held for double review");
    }

    private static string PlatformGateway(string publish)
    {
        using var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(publish, "appsettings.json")));
        return settings.RootElement.TryGetProperty("Platform", out var platform) && platform.TryGetProperty("Gateway", out var gateway) ? gateway.GetString() ?? "?" : "?";
    }

    private static long BusiestOrganization(AppDatabase database)
    {
        using var connection = database.Open();
        using var command = AppDatabase.Command(connection, """SELECT "OrganizationId" FROM "Flag" GROUP BY "OrganizationId" ORDER BY count(*) DESC LIMIT 1""");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The app's resident set in KiB: the median of three samples a second apart.</summary>
    private static async Task<double> ResidentSetAsync(int pid)
    {
        var samples = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var line = (await File.ReadAllLinesAsync($"/proc/{pid}/status")).Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            samples.Add(double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
            await Task.Delay(1000);
        }

        return samples.Order().ElementAt(1);
    }

    private static void Report(List<SizeResult> results)
    {
        Console.WriteLine();
        var small = results[0];
        var large = results[^1];
        var header = results.Count == 1
            ? $"| Figure (ms unless stated) | {small.Flags:N0} flags p50 / p95 / max | n |"
            : $"| Figure (ms unless stated) | {small.Flags:N0} flags p50 / p95 / max | {large.Flags:N0} flags p50 / p95 / max | ratio of p50 / p95 | n |";
        Console.WriteLine(header);
        Console.WriteLine(results.Count == 1 ? "| --- | ---: | ---: |" : "| --- | ---: | ---: | ---: | ---: |");
        foreach (var figure in results.SelectMany(r => r.Figures.Keys).Distinct())
        {
            var a = small.Figures.GetValueOrDefault(figure) ?? [];
            var b = large.Figures.GetValueOrDefault(figure) ?? [];
            var line = results.Count == 1
                ? $"| {figure} | {Summary(a)} | {a.Count} |"
                : $"| {figure} | {Summary(a)} | {Summary(b)} | {Ratio(b, a, 50)} / {Ratio(b, a, 95)} | {a.Count} / {b.Count} |";
            Console.WriteLine(line);
        }

        foreach (var result in results)
        {
            Console.WriteLine();
            Console.WriteLine($"{result.Flags:N0} flags — load average (1, 5, 15 min) during: {string.Join("; ", result.Loads)}");
            result.Notes.ForEach(n => Console.WriteLine($"   {n}"));
            foreach (var problem in result.Problems.Take(20))
            {
                Console.WriteLine($"   PROBLEM {problem}");
            }
        }
    }

    private static string Summary(List<double> values) => values.Count == 0
        ? "–"
        : string.Create(CultureInfo.InvariantCulture, $"{Percentile(values, 50):N0} / {Percentile(values, 95):N0} / {values.Max():N0}");

    private static string Ratio(List<double> large, List<double> small, int percentile) =>
        large.Count == 0 || small.Count == 0 || Percentile(small, percentile) <= 0
            ? "–"
            : string.Create(CultureInfo.InvariantCulture, $"{Percentile(large, percentile) / Percentile(small, percentile):0.00}");

    /// <summary>Nearest-rank percentile.</summary>
    private static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>CHROMIUM_PATH if set, else chromium (or chromium-browser) on PATH, else /usr/bin/chromium
    /// (as the browser tests find it; Playwright's own browser download is not used).</summary>
    private static string FindChromium()
    {
        if (Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured)
        {
            return configured;
        }

        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in new[] { "chromium", "chromium-browser" })
        {
            foreach (var directory in directories)
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        const string debian = "/usr/bin/chromium";
        return File.Exists(debian)
            ? debian
            : throw new InvalidOperationException("Chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH.");
    }
}
