using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Identity;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Statistics;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using static ReviewConsole.Benchmarks.BenchmarkHost;

namespace ReviewConsole.Benchmarks.ReviewerLoop;

/// <summary>
/// A realistic SQLite database for the reviewer loop, built once per size and schema and cached in
/// the temp folder (each measured run works on a copy):
/// <list type="bullet">
/// <item>the app's own migrations (a copy of the migrated test template), then roles and the demo
/// accounts through the app's <see cref="IdentitySeeder"/> (demo on, in this process only; the app
/// itself runs with demo off) and <see cref="ExtraReviewers"/> more reviewers through Identity's
/// <see cref="UserManager{TUser}"/>;</item>
/// <item>500 organizations (1 % high-profile) with 3 applications and 6 keys each; flags over 179 days,
/// skewed across organizations (the busiest holds about an eighth of all flags), 17 policy categories
/// with skewed shares, 4 classifier scores each (the top one flagged), two classifier versions;</item>
/// <item>40 % of flags in near-duplicate clusters of 1 to 5,000 members (a few large campaigns, many
/// small ones), <c>Size</c>/<c>OpenCount</c> counted from the members;</item>
/// <item>about 90 % decided, each with its <c>FlagDecision</c> (organization copied), label, exposure row,
/// and for violations a strike; 25 % of violations warned, 5 % rate-limited, and the last violation
/// of every tenth key revoked (that key sees no flags in the last 30 days) — Succeeded enforcement
/// actions with the registry changed accordingly; decided content older than 90 days redacted, as the
/// retention job leaves it;</item>
/// <item>counters the app keeps on write made consistent: <c>Organization.ConfirmedViolations</c>,
/// <c>ReviewerExposureDay</c>, cluster sizes, the key registry head; and a valid audit hash chain
/// (flag.decided, enforcement.requested, enforcement.succeeded per decision/action) with its head and
/// last verification checkpoint.</item>
/// </list>
/// Everything but the audit chain is set-based SQL (<c>INSERT … SELECT</c> over a recursive counter);
/// the chain's hashes are computed here and inserted with one prepared statement. Then <c>ANALYZE</c>.
/// </summary>
internal static class ReviewerLoopDatabase
{
    public const int Organizations = 500;
    public const int ExtraReviewers = 20;
    public const string BenchReviewerDomain = "bench.local";

    /// <summary>Bump when the seeded content changes, so cached databases are rebuilt.</summary>
    private const int SeedVersion = 5;

    /// <summary>The rate-limit parameters a decision requests (FlagsTriage:RateLimitParametersJson's default), as a SQL literal.</summary>
    private const string RateLimitJson = """'{"rpm":60,"tpm":40000}'""";

    private const long TicksPerMinute = TimeSpan.TicksPerMinute;
    private const long TicksPerDay = TimeSpan.TicksPerDay;

    /// <summary>Category shares in percent (sum 100), most common first.</summary>
    private static readonly (string Key, int Percent)[] CategoryShares =
    [
        ("hate", 18), ("harassment", 15), ("spam", 12), ("sexual", 10), ("violence", 9), ("self-harm", 6), ("illicit", 6),
        ("influence-operation", 5), ("deceptive-health", 4), ("malware", 3), ("hate/threatening", 3), ("harassment/threatening", 3),
        ("violence/graphic", 2), ("self-harm/intent", 1), ("self-harm/instructions", 1), ("sexual/minors", 1), ("illicit/violent", 1),
    ];

    public static string BenchReviewerEmail(int i) => string.Create(CultureInfo.InvariantCulture, $"reviewer{i:00}@{BenchReviewerDomain}");

    /// <summary>The cached database for <paramref name="flags"/> flags (built when missing).</summary>
    public static async Task<string> EnsureAsync(int flags)
    {
        var cache = Path.Combine(Path.GetTempPath(), $"reviewconsole-loop-bench-{flags}-{SchemaStamp()}-v{SeedVersion}.db");
        if (File.Exists(cache))
        {
            Console.WriteLine($"   database for {flags:N0} flags: cached {cache}");
            return cache;
        }

        var started = Stopwatch.StartNew();
        var building = cache + ".tmp";
        CopyMigratedTemplate(building);
        var reviewers = await CreateAccountsAsync(building);
        Seed(building, flags, reviewers, DateTimeOffset.UtcNow);
        await FoldStatisticsAsync(building);
        SqliteConnection.ClearAllPools();
        File.Move(building, cache, overwrite: true);
        Console.WriteLine($"   database for {flags:N0} flags built in {started.Elapsed.TotalSeconds:N0} s ({new FileInfo(cache).Length / 1_048_576:N0} MB): {cache}");
        return cache;
    }

    /// <summary>The statistics rollup as the app's recurring job keeps it on a database with this history
    /// (rows younger than the settle time stay for the app to fold or read live).</summary>
    private static async Task FoldStatisticsAsync(string path)
    {
        var started = Stopwatch.StartNew();
        var factory = new TestDbContextFactory(AppDbContextOptions.Build(DatabaseProvider.Sqlite, $"Data Source={path};Pooling=false"));
        var folded = await new StatisticsRollup(factory, TimeProvider.System, Options.Create(new StatisticsOptions())).FoldAllAsync(int.MaxValue, default);
        Console.WriteLine($"   statistics rollup: {folded:N0} flags and decisions folded in {started.Elapsed.TotalSeconds:N0} s");
    }

    /// <summary>Roles and demo accounts with the app's seeder, then the extra reviewers. Returns the
    /// reviewers (id, display name) who decided the seeded history.</summary>
    private static async Task<List<(string Id, string Name)>> CreateAccountsAsync(string path)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddDbContext<AppDbContext>(o => AppDbContextOptions.Configure(o, DatabaseProvider.Sqlite, $"Data Source={path};Pooling=false"));
        services.Configure<PasswordHasherOptions>(o => o.IterationCount = 210_000);
        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Stores.SchemaVersion = IdentitySchemaVersions.Version2;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>();
        services.AddSingleton(Options.Create(new DemoOptions { Enabled = true }));
        services.AddSingleton(Options.Create(new SeedOptions()));
        services.AddScoped<IdentitySeeder>();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().SeedAsync();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        for (var i = 1; i <= ExtraReviewers; i++)
        {
            var email = BenchReviewerEmail(i);
            var user = new AppUser
            {
                UserName = email,
                Email = email,
                EmailConfirmed = true,
                DisplayName = string.Create(CultureInfo.InvariantCulture, $"Bench Reviewer {i:00}"),
                CreatedAt = DateTimeOffset.UtcNow.AddDays(-200),
            };
            Check(await users.CreateAsync(user, DemoUsers.Password), email);
            Check(await users.AddToRoleAsync(user, Roles.Reviewer), email);
        }

        var reviewers = await users.GetUsersInRoleAsync(Roles.Reviewer);
        // Decisions, actions and audit events carry the user name (the email), as StaffUser does.
        return reviewers.OrderBy(u => u.Email, StringComparer.Ordinal).Select(u => (u.Id, u.UserName!)).ToList();
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }

    private static void Seed(string path, int flags, List<(string Id, string Name)> reviewers, DateTimeOffset at)
    {
        var now = at.UtcTicks;
        var t0 = now - (179 * TicksPerDay);
        var step = ((179 * TicksPerDay) - (10 * TicksPerMinute)) / flags;
        var recentCutoff = now - (30 * TicksPerDay);
        var redactBefore = now - (90 * TicksPerDay);
        var openTail = (long)flags * 95 / 100;
        var clustered = Enumerable.Range(1, flags).LongCount(i => i % 5 < 2);

        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        Exec(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -200000; PRAGMA temp_store = MEMORY;");
        {
            Exec(connection, """
                CREATE TEMP TABLE seed_cat (k INTEGER PRIMARY KEY, Key TEXT NOT NULL, lo INTEGER NOT NULL, hi INTEGER NOT NULL);
                CREATE TEMP TABLE seed_reviewer (k INTEGER PRIMARY KEY, Id TEXT NOT NULL, Name TEXT NOT NULL);
                CREATE TEMP TABLE seed_cluster (start INTEGER PRIMARY KEY, Id INTEGER NOT NULL, size INTEGER NOT NULL);
                """);
            var lo = 0;
            for (var k = 0; k < CategoryShares.Length; k++)
            {
                Insert(connection, "INSERT INTO seed_cat VALUES ($a, $b, $c, $d)", k, CategoryShares[k].Key, lo, lo + CategoryShares[k].Percent);
                lo += CategoryShares[k].Percent;
            }

            for (var k = 0; k < reviewers.Count; k++)
            {
                Insert(connection, "INSERT INTO seed_reviewer VALUES ($a, $b, $c)", k, reviewers[k].Id, reviewers[k].Name);
            }

            var start = 0L;
            foreach (var (id, size) in ClusterSizes(clustered))
            {
                Insert(connection, "INSERT INTO seed_cluster VALUES ($a, $b, $c)", start, id, size);
                start += size;
            }

            var inv = CultureInfo.InvariantCulture;
            var sql = string.Create(inv, $"""
                -- Actors: 500 organizations (every 100th high-profile), 3 applications each, 2 keys per application.
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Organizations})
                INSERT INTO Organization (Id, ExternalId, Name, Status, IsHighProfile, ContactEmail, CreatedAt, ConfirmedViolations)
                SELECT i, printf('org_%05d', i), printf('Organization %d', i), 'Active', i % 100 = 50, printf('trust@org%d.example', i), {t0 - (30 * TicksPerDay)}, 0 FROM n;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Organizations * 3})
                INSERT INTO Application (Id, ExternalId, OrganizationId, Name, Status, CreatedAt)
                SELECT i, printf('app_%05d', i), 1 + (i - 1) / 3, printf('Application %d', i), 'Active', {t0 - (30 * TicksPerDay)} FROM n;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Organizations * 6})
                INSERT INTO ApiKey (Id, ExternalId, Prefix, ApplicationId, OrganizationId, Status, TokensUsedThisMonth, CreatedAt, Version)
                SELECT i, printf('key_%05d', i), printf('sk-live-%04x', i), 1 + (i - 1) / 2, 1 + (i - 1) / 6, 'Active', (i * 7919) % 5000000, {t0 - (30 * TicksPerDay)}, 0 FROM n;

                INSERT INTO FlagCluster (Id, SimHash, Size, OpenCount, FirstSeenAt, LastSeenAt, Excerpt)
                SELECT Id, (Id * 2654435761) % 9223372036854775783, 0, 0, 0, 0, '' FROM seed_cluster;

                -- Flags: i is time order. Pseudo-random draws r1..r3 from the counter keep the build deterministic.
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {flags}),
                x AS (SELECT i, (i * 2654435761) % 1000003 AS r1, (i * 40503 + 7919) % 1000033 AS r2, (i * 69069 + 12345) % 999983 AS r3,
                             {t0} + i * {step} AS t,
                             CASE WHEN i % 5 < 2 THEN (SELECT c.Id FROM seed_cluster c WHERE c.start <= 2 * (i / 5) + i % 5 ORDER BY c.start DESC LIMIT 1) END AS cluster
                      FROM n),
                y AS (SELECT x.*, 1 + (r1 * r1 / 1000003) * r1 / 1000003 * {Organizations} / 1000003 AS org,
                             CASE WHEN cluster IS NULL THEN r2 % 100 ELSE (cluster * 37) % 100 END AS catdraw,
                             CASE WHEN i > {openTail} OR i % 20 = 7 THEN 'New' WHEN i % 200 = 3 THEN 'Escalated' ELSE 'Decided' END AS status
                      FROM x),
                z AS (SELECT y.*, (org - 1) * 3 + 1 + r2 % 3 AS app, c.Key AS cat, p.ReviewSlaMinutes AS sla FROM y
                      JOIN seed_cat c ON y.catdraw >= c.lo AND y.catdraw < c.hi
                      JOIN PolicyCategory p ON p.Key = c.Key),
                w AS (SELECT z.*, CASE WHEN ((app - 1) * 2 + 1 + r3 % 2) % 10 = 0 AND t > {recentCutoff} THEN (app - 1) * 2 + 1 ELSE (app - 1) * 2 + 1 + r3 % 2 END AS apikey FROM z)
                INSERT INTO Flag (Id, UpstreamId, Source, CreatedAt, IngestedAt, OrganizationId, ApplicationId, ApiKeyId, Model, Prompt, Completion,
                                  ClassifierName, ClassifierVersion, TopCategory, TopScore, Status, Priority, SlaDueAt, ClusterId, SimHash, ContentHash,
                                  DecidedAt, Redacted)
                SELECT i, printf('up-%08d', i), CASE WHEN r1 % 4 = 0 THEN 'Api' ELSE 'Feed' END, t, t + 20000000, org, app, apikey,
                       CASE WHEN r3 % 3 = 0 THEN 'lm-small-2026-03' ELSE 'lm-large-2026-01' END,
                       CASE WHEN status = 'Decided' AND t < {redactBefore} THEN '' ELSE printf('Request %d from a user of application %d: write something about %s, case %d.', i, app, cat, r3) END,
                       CASE WHEN status = 'Decided' AND t < {redactBefore} THEN ''
                            WHEN cluster IS NOT NULL THEN printf('Campaign %d: LIMITED TIME offer, thousands of happy customers cannot be wrong. Tap the link in our bio before the deal disappears and use code SAVE%d at checkout (%s, variant %d).', cluster, cluster % 97, cat, r2 % 13)
                            ELSE printf('Completion %d. The model answered the request about %s with a long reply that the classifier scored at %d per cent; it mentions people, places, a story and a schedule for case %d of application %d.', i, cat, 50 + r1 % 50, r3, app) END,
                       'omni-moderation', CASE WHEN t < {now - (60 * TicksPerDay)} THEN '2026-01-15' ELSE '2026-06-01' END,
                       cat, 0.5 + (r1 % 500) / 1000.0, status, r2 % 101, t + sla * {TicksPerMinute}, cluster,
                       (r1 * 1000033 + r2) * 1000003 + r3, printf('%016x%016x%016x%016x', r1 * r2, r2 * r3, r3 * r1, i),
                       CASE WHEN status = 'Decided' THEN min(t + (5 + r3 % 2880) * {TicksPerMinute}, {now - TicksPerMinute}) END,
                       status = 'Decided' AND t < {redactBefore}
                FROM w;

                -- Revocations: every tenth key is revoked by its last violation decision; its later flags move to the application's other key.
                CREATE TEMP TABLE seed_revoke AS
                SELECT ApiKeyId, max(Id) AS FlagId FROM Flag WHERE Status = 'Decided' AND ApiKeyId % 10 = 0 AND (Id * 7) % 10 < 6 GROUP BY ApiKeyId;
                CREATE UNIQUE INDEX temp.seed_revoke_flag ON seed_revoke (FlagId);
                CREATE UNIQUE INDEX temp.seed_revoke_key ON seed_revoke (ApiKeyId);
                UPDATE Flag SET ApiKeyId = ApiKeyId - 1
                WHERE ApiKeyId % 10 = 0
                  AND CreatedAt > (SELECT g.DecidedAt FROM seed_revoke r JOIN Flag g ON g.Id = r.FlagId WHERE r.ApiKeyId = Flag.ApiKeyId);

                -- Scores: four per flag, the top category (flagged) and three others below threshold.
                INSERT INTO FlagCategoryScore (FlagId, Category, Score, Flagged)
                SELECT f.Id, f.TopCategory, f.TopScore, 1 FROM Flag f;
                INSERT INTO FlagCategoryScore (FlagId, Category, Score, Flagged)
                SELECT f.Id, o.Key, ((f.Id * (3 + d.k)) % 300) / 1000.0, 0
                FROM Flag f JOIN seed_cat c ON c.Key = f.TopCategory
                JOIN (SELECT 3 AS k UNION ALL SELECT 7 UNION ALL SELECT 11) d
                JOIN seed_cat o ON o.k = (c.k + d.k) % {CategoryShares.Length};

                -- Decisions: 60 % violations, with labels, exposure, strikes and enforcement actions. Revocation: the last violation of every tenth key.
                INSERT INTO FlagDecision (FlagId, OrganizationId, Verdict, ConfirmedCategories, Action, PolicyClause, Reason, DecidedBy, DecidedByName, DecidedAt,
                                          PolicyVersions, SeenByDecider)
                SELECT f.Id, f.OrganizationId,
                       CASE WHEN (f.Id * 7) % 10 < 6 THEN 'Violation' ELSE 'NoViolation' END,
                       CASE WHEN (f.Id * 7) % 10 < 6 THEN f.TopCategory ELSE '' END,
                       CASE WHEN (f.Id * 7) % 10 >= 6 THEN 'None'
                            WHEN f.Id IN (SELECT FlagId FROM seed_revoke) THEN 'RevokeKey'
                            WHEN (f.Id * 13) % 20 < 5 THEN 'Warn'
                            WHEN (f.Id * 13) % 20 = 5 THEN 'RateLimit'
                            ELSE 'None' END,
                       CASE WHEN (f.Id * 7) % 10 < 6 THEN p.PolicyClause ELSE '' END,
                       CASE WHEN (f.Id * 7) % 10 < 6 THEN 'Confirmed ' || f.TopCategory || ' content; see the completion.' ELSE 'Benign: the classifier over-fired on ' || f.TopCategory || '.' END,
                       r.Id, r.Name, f.DecidedAt, f.TopCategory || '@1', 1
                FROM Flag f
                JOIN PolicyCategory p ON p.Key = f.TopCategory
                JOIN seed_reviewer r ON r.k = (f.Id * 17) % {reviewers.Count}
                WHERE f.Status = 'Decided'
                ORDER BY f.Id;

                -- Labels: one per decision, for classifier precision.
                INSERT INTO DecisionLabel (DecisionId, FlagId, Category, ClassifierName, ClassifierVersion, Score, Outcome, LabeledAt)
                SELECT d.Id, f.Id, f.TopCategory, f.ClassifierName, f.ClassifierVersion, f.TopScore,
                       CASE d.Verdict WHEN 'Violation' THEN 'TruePositive' ELSE 'FalsePositive' END, d.DecidedAt
                FROM FlagDecision d JOIN Flag f ON f.Id = d.FlagId;

                -- Label counters: as the app keeps them with every label.
                INSERT INTO ClassifierLabelCount (ClassifierName, ClassifierVersion, Category, TruePositives, FalsePositives, FalseNegatives)
                SELECT ClassifierName, ClassifierVersion, Category, sum(Outcome = 'TruePositive'), sum(Outcome = 'FalsePositive'), sum(Outcome = 'FalseNegative')
                FROM DecisionLabel GROUP BY 1, 2, 3;

                -- Exposure: the decider saw the flag a minute before deciding; the per-day counters from those rows.
                INSERT INTO ReviewerExposure (ReviewerId, ReviewerName, FlagId, Category, ExposedAt)
                SELECT d.DecidedBy, d.DecidedByName, d.FlagId, f.TopCategory, d.DecidedAt - {TicksPerMinute}
                FROM FlagDecision d JOIN Flag f ON f.Id = d.FlagId;
                INSERT INTO ReviewerExposureDay (ReviewerId, Day, Category, Count)
                SELECT ReviewerId, (ExposedAt / {TicksPerDay}) * {TicksPerDay}, Category, count(*) FROM ReviewerExposure GROUP BY 1, 2, 3;

                -- Strikes: one per violation, weighted as Enforcement:StrikeWeights.
                INSERT INTO Strike (OrganizationId, Weight, Category, Reason, ReasonId, PolicyClause, Note, CreatedBy, CreatedAt, ExpiresAt)
                SELECT d.OrganizationId,
                       CASE d.ConfirmedCategories WHEN 'sexual/minors' THEN 10 WHEN 'hate/threatening' THEN 3 WHEN 'violence/graphic' THEN 2
                            WHEN 'self-harm' THEN 2 WHEN 'malware' THEN 4 ELSE 1 END,
                       d.ConfirmedCategories, 'Decision', CAST(d.Id AS TEXT), d.PolicyClause, d.Reason, d.DecidedByName, d.DecidedAt, d.DecidedAt + {180 * TicksPerDay}
                FROM FlagDecision d WHERE d.Verdict = 'Violation';

                -- Actions: the decisions' enforcement, all Succeeded on the local registry.
                INSERT INTO EnforcementAction (Kind, State, TargetType, TargetId, OrganizationId, ParametersJson, Reason, ReasonId, PolicyClause, Note,
                                               RequestedBy, RequestedById, RequestedAt, RequiresApproval, IdempotencyKey, Attempts, CompletedAt, LastAttemptAt,
                                               PlatformResponse, ConfirmedAtPlatform, NoticeQueued)
                SELECT CASE d.Action WHEN 'Warn' THEN 'Warn' WHEN 'RateLimit' THEN 'SetRateLimit' ELSE 'RevokeKey' END,
                       'Succeeded',
                       CASE d.Action WHEN 'Warn' THEN 'Organization' ELSE 'ApiKey' END,
                       CASE d.Action WHEN 'Warn' THEN f.OrganizationId ELSE f.ApiKeyId END,
                       f.OrganizationId,
                       CASE d.Action WHEN 'RateLimit' THEN {RateLimitJson} END,
                       'Decision', CAST(d.Id AS TEXT), d.PolicyClause, d.Reason, d.DecidedByName, d.DecidedBy, d.DecidedAt, 0,
                       'seed-decision-' || d.Id, 1, d.DecidedAt + 20000000, d.DecidedAt + 20000000, 'Applied to the local registry', 1, 1
                FROM FlagDecision d JOIN Flag f ON f.Id = d.FlagId
                WHERE d.Action <> 'None'
                ORDER BY d.DecidedAt;

                -- Registry: as those actions left it; every change took a registry version.
                UPDATE ApiKey SET Status = 'Revoked', Version = Id,
                       StatusChangedAt = (SELECT max(a.CompletedAt) FROM EnforcementAction a WHERE a.TargetType = 'ApiKey' AND a.TargetId = ApiKey.Id AND a.Kind = 'RevokeKey')
                WHERE Id IN (SELECT TargetId FROM EnforcementAction WHERE Kind = 'RevokeKey');
                UPDATE ApiKey SET RateLimitRpm = 60, RateLimitTpm = 40000, Version = ApiKey.Id
                WHERE Id IN (SELECT TargetId FROM EnforcementAction WHERE Kind = 'SetRateLimit');
                UPDATE KeyRegistryHead SET Version = (SELECT max(Version) FROM ApiKey);

                -- Counters: the ones the app keeps on write.
                UPDATE Organization SET ConfirmedViolations = v.n
                FROM (SELECT OrganizationId, count(*) AS n FROM FlagDecision WHERE Verdict = 'Violation' GROUP BY OrganizationId) v
                WHERE v.OrganizationId = Organization.Id;
                -- Clusters: sizes and open members from the members.
                UPDATE FlagCluster SET Size = s.size, OpenCount = s.open, FirstSeenAt = s.first, LastSeenAt = s.last,
                       Excerpt = printf('Campaign %d: LIMITED TIME offer, thousands of happy customers cannot be wrong.', FlagCluster.Id)
                FROM (SELECT ClusterId, count(*) AS size, sum(Status IN ('New', 'Escalated')) AS open, min(CreatedAt) AS first, max(CreatedAt) AS last
                      FROM Flag WHERE ClusterId IS NOT NULL GROUP BY ClusterId) s
                WHERE s.ClusterId = FlagCluster.Id;
                UPDATE FlagJobLease SET WatermarkAt = {now};
                """);

            // One transaction; each commented part timed, so a slow step at 1,000,000 flags shows itself.
            Exec(connection, "BEGIN;");
            foreach (var part in sql.Split("-- ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var clock = Stopwatch.StartNew();
                Exec(connection, "-- " + part);
                Console.WriteLine($"      {part[..part.IndexOf(':', StringComparison.Ordinal)]}: {clock.Elapsed.TotalSeconds:N1} s");
            }

            Exec(connection, "COMMIT;");
        }

        var audit = Stopwatch.StartNew();
        AppendAuditChain(connection);
        Console.WriteLine($"      Audit chain: {audit.Elapsed.TotalSeconds:N1} s");
        var analyze = Stopwatch.StartNew();
        Exec(connection, "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");
        Console.WriteLine($"      ANALYZE: {analyze.Elapsed.TotalSeconds:N1} s");
    }

    /// <summary>Cluster sizes summing to <paramref name="members"/>: campaigns of 5,000/k members
    /// (k = 1, 2, …) up to about 30 % of the clustered flags, the rest small clusters of 1 to 144,
    /// shuffled so large campaigns fall anywhere in time.</summary>
    private static List<(long Id, long Size)> ClusterSizes(long members)
    {
        int[] small = [1, 2, 1, 3, 1, 2, 5, 1, 8, 2, 13, 1, 3, 21, 2, 1, 34, 4, 55, 1, 2, 89, 3, 144];
        var sizes = new List<long>();
        var total = 0L;
        for (var k = 1; 5000 / k >= 30 && total + (5000 / k) <= members * 3 / 10; k++)
        {
            sizes.Add(5000 / k);
            total += 5000 / k;
        }

        for (var s = 0; total < members; s++)
        {
            var size = Math.Min(small[s % small.Length], members - total);
            sizes.Add(size);
            total += size;
        }

        var random = new Random(12);
        var order = sizes.OrderBy(_ => random.Next()).ToList();
        return order.Select((size, i) => ((long)i + 1, size)).ToList();
    }

    /// <summary>One flag.decided per decision and enforcement.requested/succeeded per action, in time
    /// order, hash-chained exactly as <see cref="AuditLog"/> does; then the chain head and the last
    /// verification checkpoint at its end (as after a clean verification run). Decisions are streamed
    /// in time order and merged with the (fewer) action events held in memory.</summary>
    private static void AppendAuditChain(SqliteConnection connection)
    {
        var inv = CultureInfo.InvariantCulture;
        using var transaction = connection.BeginTransaction();
        var actionEvents = new List<(long At, bool Completed, long Id, string Kind, string Target, string By, string ById)>();
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT Id, Kind, TargetType, TargetId, RequestedBy, RequestedById, RequestedAt, CompletedAt FROM EnforcementAction";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                var target = string.Create(inv, $"{reader.GetString(2)} {reader.GetInt64(3)}");
                actionEvents.Add((reader.GetInt64(6), false, reader.GetInt64(0), reader.GetString(1), target, reader.GetString(4), reader.GetString(5)));
                actionEvents.Add((reader.GetInt64(7), true, reader.GetInt64(0), reader.GetString(1), target, reader.GetString(4), reader.GetString(5)));
            }
        }

        actionEvents.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Completed.CompareTo(b.Completed));

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO AuditEvent (Sequence, OccurredAt, ActorId, ActorName, Kind, TargetType, TargetId, Summary, BeforeJson, AfterJson, Reason, RequestId, PreviousHash, Hash)
            VALUES ($seq, $at, $actor, $actorName, $kind, $targetType, $targetId, $summary, NULL, $after, $reason, NULL, $previous, $hash)
            """;
        var p = new[] { "$seq", "$at", "$actor", "$actorName", "$kind", "$targetType", "$targetId", "$summary", "$after", "$reason", "$previous", "$hash" }
            .Select(name => insert.Parameters.Add(new SqliteParameter(name, null))).ToArray();
        insert.Prepare();
        var previous = AuditChainHead.GenesisHash;
        long sequence = 0;
        void Append(AuditEvent e)
        {
            e.Sequence = ++sequence;
            e.PreviousHash = previous;
            e.Hash = AuditLog.ComputeHash(e);
            previous = e.Hash;
            p[0].Value = e.Sequence;
            p[1].Value = e.OccurredAt.UtcTicks;
            p[2].Value = e.ActorId;
            p[3].Value = e.ActorName;
            p[4].Value = e.Kind;
            p[5].Value = e.TargetType;
            p[6].Value = e.TargetId;
            p[7].Value = e.Summary;
            p[8].Value = (object?)e.AfterJson ?? DBNull.Value;
            p[9].Value = (object?)e.Reason ?? DBNull.Value;
            p[10].Value = e.PreviousHash;
            p[11].Value = e.Hash;
            insert.ExecuteNonQuery();
        }

        var nextAction = 0;
        void AppendActionsUpTo(long at)
        {
            for (; nextAction < actionEvents.Count && actionEvents[nextAction].At <= at; nextAction++)
            {
                var a = actionEvents[nextAction];
                var id = a.Id.ToString(inv);
                Append(new AuditEvent
                {
                    OccurredAt = new DateTimeOffset(a.At, TimeSpan.Zero),
                    ActorId = a.Completed ? "system:enforcement" : a.ById,
                    ActorName = a.Completed ? "Enforcement executor" : a.By,
                    Kind = a.Completed ? "enforcement.succeeded" : "enforcement.requested",
                    TargetType = "EnforcementAction",
                    TargetId = id,
                    Summary = a.Completed ? $"{a.Kind} on {a.Target} carried out (attempt 1): Applied to the local registry" : $"{a.Kind} on {a.Target} (Pending)",
                    PreviousHash = "",
                    Hash = "",
                });
            }
        }

        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = """
                SELECT d.Id, d.FlagId, d.Verdict, d.Action, d.ConfirmedCategories, d.PolicyClause, d.Reason, d.DecidedBy, d.DecidedByName, d.DecidedAt
                FROM FlagDecision d ORDER BY d.DecidedAt, d.Id
                """;
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                var decidedAt = reader.GetInt64(9);
                // An action is requested in its decision's transaction, right after the decision's event.
                AppendActionsUpTo(decidedAt - 1);
                var verdict = reader.GetString(2);
                var action = reader.GetString(3);
                var flagId = reader.GetInt64(1);
                Append(new AuditEvent
                {
                    OccurredAt = new DateTimeOffset(decidedAt, TimeSpan.Zero),
                    ActorId = reader.GetString(7),
                    ActorName = reader.GetString(8),
                    Kind = "flag.decided",
                    TargetType = "Flag",
                    TargetId = flagId.ToString(inv),
                    Summary = string.Create(inv, $"{verdict} on flag {flagId}; action {action}"),
                    Reason = reader.GetString(6),
                    AfterJson = string.Create(inv, $$"""{"Id":{{reader.GetInt64(0)}},"FlagId":{{flagId}},"Verdict":"{{verdict}}","ConfirmedCategories":"{{reader.GetString(4)}}","Action":"{{action}}","PolicyClause":"{{reader.GetString(5)}}"}"""),
                    PreviousHash = "",
                    Hash = "",
                });
            }
        }

        AppendActionsUpTo(long.MaxValue);
        Insert(connection, "UPDATE AuditChainHead SET Sequence = $a, LastHash = $b WHERE Id = 1", sequence, previous, transaction: transaction);
        Insert(connection, "UPDATE AuditChainStatus SET LastVerifiedSequence = $a, LastVerifiedHash = $b, CheckedAt = $c, EventsCheckedLastRun = $a WHERE Id = 1", sequence, previous, DateTimeOffset.UtcNow.UtcTicks, transaction: transaction);
        transaction.Commit();
    }

    private static void Insert(SqliteConnection connection, string sql, object a, object b, object? c = null, object? d = null, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var values = new[] { a, b, c, d };
        var names = new[] { "$a", "$b", "$c", "$d" };
        for (var i = 0; i < values.Length; i++)
        {
            if (sql.Contains(names[i], StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue(names[i], values[i] ?? DBNull.Value);
            }
        }

        command.ExecuteNonQuery();
    }

    /// <summary>A short description of the seeded database, for the report.</summary>
    public static string Describe(AppDatabase database)
    {
        using var connection = database.Open();
        var builder = new StringBuilder();
        foreach (var (label, sql) in new[]
        {
            ("flags", """SELECT count(*) FROM "Flag" """),
            ("open", """SELECT count(*) FROM "Flag" WHERE "Status" IN ('New', 'Escalated')"""),
            ("decisions", """SELECT count(*) FROM "FlagDecision" """),
            ("clusters", """SELECT count(*) FROM "FlagCluster" """),
            ("largest cluster", """SELECT max("Size") FROM "FlagCluster" """),
            ("actions", """SELECT count(*) FROM "EnforcementAction" """),
            ("revoked keys", """SELECT count(*) FROM "ApiKey" WHERE "Status" = 'Revoked'"""),
            ("audit events", """SELECT count(*) FROM "AuditEvent" """),
            ("busiest organization's flags", """SELECT max(n) FROM (SELECT count(*) AS n FROM "Flag" GROUP BY "OrganizationId") AS t"""),
        })
        {
            using var command = AppDatabase.Command(connection, sql);
            builder.Append(CultureInfo.InvariantCulture, $"{label} {Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture):N0}; ");
        }

        return $"{database.ProviderName}: " + builder.ToString().TrimEnd(' ', ';');
    }
}
