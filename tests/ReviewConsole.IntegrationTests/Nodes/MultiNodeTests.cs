using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReviewConsole.Data;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.IntegrationTests.Enforcement;
using ReviewConsole.IntegrationTests.Flags.Ingestion;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Enforcement;
using Xunit.Abstractions;

namespace ReviewConsole.IntegrationTests.Nodes;

/// <summary>
/// Two full app hosts on one PostgreSQL database, each with its own Hangfire server (on the shared
/// PostgreSQL storage), outbox poller and pull-feed job: what "several nodes" means in production.
/// </summary>
public sealed class MultiNodeTests(ITestOutputHelper output) : IDisposable
{
    private const int FlagCount = 2000;
    private const int Reviewers = 50;
    private const int Revocations = 500;
    private readonly TestDatabase database = new();

    [PostgresFact]
    public async Task TwoHosts_ReviewersFeedAndFaultyPlatform_EveryUnitOnceAndEachNodeDoesAShare()
    {
        await using var platform = await FakePlatform.StartAsync(EnforcementTestSupport.Secret, faultRate: 0.3, seed: 11);
        await using var pipeline = await FakePipeline.StartAsync(FeedPages());
        var logsA = new CapturedLogs();
        var logsB = new CapturedLogs();
        using var factoryA = Node(platform, pipeline);
        using var factoryB = Node(platform, pipeline);
        using var nodeA = factoryA.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logsA)));
        using var nodeB = factoryB.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logsB)));
        var nodes = new[] { nodeA, nodeB };

        // Ingestion: each node's pull-feed job, run as its recurring schedule would, competing on one cursor.
        var pagesByNode = new int[2];
        var storedByNode = new int[2];
        await Task.WhenAll(nodes.Select((node, n) => Task.Run(async () =>
        {
            var job = node.Services.GetRequiredService<PullFlagsJob>();
            for (var run = 0; run < 200 && await OpenFlagsAsync() < FlagCount; run++)
            {
                var result = await job.RunAsync(CancellationToken.None);
                Assert.Null(result.Error);
                Interlocked.Add(ref pagesByNode[n], result.Pages);
                Interlocked.Add(ref storedByNode[n], result.Stored);
            }
        })));
        Assert.Equal(FlagCount, await OpenFlagsAsync());
        Assert.Equal(FlagCount, storedByNode.Sum());

        // Fifty reviewers, each on one node, claim with Next and decide until the queue is empty.
        var holders = new ConcurrentDictionary<long, string>();
        var claimsByNode = new int[2];
        var decisionsByNode = new int[2];
        var doubleClaims = 0;
        var lostDecisions = new ConcurrentBag<string>();
        var revocationsLeft = Revocations;
        await Task.WhenAll(Enumerable.Range(0, Reviewers).Select(r => Task.Run(async () =>
        {
            var n = r % 2;
            var services = nodes[n].Services;
            var user = new StaffUser($"reviewer-{r}", $"reviewer{r}@nodes.test");
            var skipped = new List<long>();
            while (true)
            {
                var claim = await services.GetRequiredService<FlagClaimService>().ClaimNextAsync(user, TriageRights.Reviewer, skipped, CancellationToken.None);
                if (claim.FlagId is not { } flagId)
                {
                    break;
                }

                Interlocked.Increment(ref claimsByNode[n]);
                if (!holders.TryAdd(flagId, user.Id))
                {
                    Interlocked.Increment(ref doubleClaims);
                    continue;
                }

                var revoke = Interlocked.Decrement(ref revocationsLeft) >= 0;
                var request = revoke
                    ? new DecideFlagRequest(Verdict.Violation, ["harassment"], DecisionAction.RevokeKey, "MU-1", "Harassment campaign; key revoked.")
                    : new DecideFlagRequest(Verdict.NoViolation, [], DecisionAction.None, "", "Benign.");
                var outcome = await services.GetRequiredService<FlagDecisionService>().DecideAsync(user, TriageRights.Reviewer, flagId, request, CancellationToken.None);
                if (outcome.Succeeded)
                {
                    Interlocked.Increment(ref decisionsByNode[n]);
                }
                else
                {
                    lostDecisions.Add($"#{flagId} by {user.Id}: {outcome.Message}");
                    if (revoke)
                    {
                        Interlocked.Increment(ref revocationsLeft);
                    }
                }
            }
        })));

        // Enforcement: every node's Hangfire server and poller execute; wait until nothing is left.
        await using var db = database.CreateContext();
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (await db.Set<EnforcementAction>().AnyAsync(a => a.State != EnforcementState.Succeeded && a.State != EnforcementState.DeadLettered && a.State != EnforcementState.Cancelled)
               && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        var decisions = await db.Set<FlagDecision>().AsNoTracking().Select(d => d.FlagId).ToListAsync();
        // The revocations and what comes with them (notices to the organizations).
        var actions = await db.Set<EnforcementAction>().AsNoTracking().ToListAsync();
        var revocations = actions.Count(a => a.Kind == EnforcementKind.RevokeKey);
        var executedByNode = new[] { Executed(logsA), Executed(logsB) };
        Report(string.Create(CultureInfo.InvariantCulture,
            $"multi-node: claims {claimsByNode[0]}+{claimsByNode[1]}, double claims {doubleClaims}, decisions {decisionsByNode[0]}+{decisionsByNode[1]} ({decisions.Count} rows), lost {lostDecisions.Count}, " +
            $"feed pages {pagesByNode[0]}+{pagesByNode[1]}, revocations {revocations}, actions {actions.Count} executed {executedByNode[0]}+{executedByNode[1]}, platform deliveries {platform.Deliveries.Values.Sum()} for {platform.Effects.Count} effects"));

        Assert.Equal(0, doubleClaims);
        Assert.Empty(lostDecisions);
        Assert.Equal(FlagCount, decisions.Count);
        Assert.Equal(FlagCount, decisions.Distinct().Count());
        Assert.Equal(Revocations, revocations);
        Assert.All(actions, a => Assert.True(a.State == EnforcementState.Succeeded, $"#{a.Id} is {a.State} after {a.Attempts} attempts: {a.LastError}"));
        // Applied once per idempotency key, however many deliveries the faults caused.
        Assert.Equal(actions.Count, platform.Effects.Count);
        Assert.All(platform.Effects.Values, n => Assert.Equal(1, n));
        Assert.Equal(actions.Select(a => a.IdempotencyKey).Order(), platform.Effects.Keys.Order());

        // Each node did a share of every kind of work.
        Assert.All(pagesByNode, pages => Assert.True(pages > 0, $"feed pages per node: {pagesByNode[0]}, {pagesByNode[1]}"));
        Assert.All(claimsByNode, claims => Assert.True(claims > 0));
        Assert.All(decisionsByNode, decided => Assert.True(decided > 0));
        Assert.All(executedByNode, executed => Assert.True(executed > 0, $"executions per node: {executedByNode[0]}, {executedByNode[1]}"));
    }

    [PostgresFact]
    public async Task NodeKilledWhileExecuting_SurvivorFinishesEveryActionOnce()
    {
        await using var platform = await FakePlatform.StartAsync(EnforcementTestSupport.Secret, faultRate: 0);
        platform.Delay = TimeSpan.FromSeconds(2);
        using (var seeding = new EnforcementHarness(database))
        {
            await EnforcementTestSupport.RequestRevocationsAsync(database, seeding, 30, "kill");
        }

        var settings = NodeSettings(platform, pipeline: null);
        using var victim = StartNodeProcess(settings);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (platform.Deliveries.Count < 3 && DateTime.UtcNow < deadline && !victim.HasExited)
        {
            await Task.Delay(50);
        }

        Assert.False(victim.HasExited, "the node process ended before it was killed");
        Assert.True(platform.Deliveries.Count >= 3, "the node never started executing");
        victim.Kill(entireProcessTree: true); // SIGKILL: no shutdown, leases and Hangfire jobs left behind
        await victim.WaitForExitAsync();

        await using var db = database.CreateContext();
        var unfinished = await db.Set<EnforcementAction>().CountAsync(a => a.State != EnforcementState.Succeeded);
        Assert.True(unfinished > 0, "everything finished before the kill; the test proves nothing");

        using var survivor = new ConsoleAppFactory(database);
        foreach (var (key, value) in settings)
        {
            survivor.Settings[key] = value;
        }

        _ = survivor.Services; // starts its Hangfire server and outbox poller
        deadline = DateTime.UtcNow.AddMinutes(3);
        while (await db.Set<EnforcementAction>().AnyAsync(a => a.State != EnforcementState.Succeeded) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        var actions = await db.Set<EnforcementAction>().AsNoTracking().ToListAsync();
        Report($"kill test: {unfinished} unfinished at the kill, {actions.Count(a => a.Attempts > 1)} re-attempted by the survivor, {platform.Deliveries.Values.Sum()} deliveries");
        Assert.All(actions, a => Assert.True(a.State == EnforcementState.Succeeded, $"#{a.Id} is {a.State}: {a.LastError}"));
        Assert.Equal(actions.Count, platform.Effects.Count);
        Assert.All(platform.Effects.Values, n => Assert.Equal(1, n));
    }

    private ConsoleAppFactory Node(FakePlatform platform, FakePipeline pipeline)
    {
        var node = new ConsoleAppFactory(database);
        foreach (var (key, value) in NodeSettings(platform, pipeline))
        {
            node.Settings[key] = value;
        }

        return node;
    }

    private Dictionary<string, string?> NodeSettings(FakePlatform platform, FakePipeline? pipeline)
    {
        var settings = EnforcementTestSupport.HttpGateway(platform, maxAttempts: 30, timeoutSeconds: 5);
        settings["Database:Provider"] = database.Provider.ToString();
        settings["ConnectionStrings:" + database.Provider] = database.ConnectionString;
        settings["Enforcement:LeaseSeconds"] = "8";
        settings["Enforcement:PollSeconds"] = "0.5";
        settings["Enforcement:BaseBackoffSeconds"] = "0.2";
        settings["Enforcement:MaxBackoffSeconds"] = "1";
        settings["Hangfire:WorkerCount"] = "4";
        settings["Feed:BaseUrl"] = pipeline?.BaseAddress.ToString();
        settings["Feed:PageSize"] = "50";
        settings["Feed:MaxPagesPerRun"] = "2";
        // 2,000 flags over 50 reviewers is 40 each: the daily caps are not what this test is about.
        settings["Wellness:DailyCapPerCategory"] = "1000";
        return settings;
    }

    private static List<JsonArray> FeedPages()
    {
        var pages = new List<JsonArray>();
        for (var p = 0; p < FlagCount / 50; p++)
        {
            var page = new JsonArray();
            for (var i = 0; i < 50; i++)
            {
                var n = (p * 50) + i;
                var record = IntakeRecords.Record(string.Create(CultureInfo.InvariantCulture, $"node-flag-{n}"), $"Distinct completion {n} {Guid.NewGuid():N}", string.Create(CultureInfo.InvariantCulture, $"org_node{n % 50}"));
                record["app_id"] = string.Create(CultureInfo.InvariantCulture, $"app_node{n % 200}");
                record["api_key_id"] = string.Create(CultureInfo.InvariantCulture, $"key_node{n}");
                page.Add(record);
            }

            pages.Add(page);
        }

        return pages;
    }

    private async Task<int> OpenFlagsAsync()
    {
        await using var db = database.CreateContext();
        return await db.Set<Flag>().CountAsync();
    }

    private static int Executed(CapturedLogs logs) =>
        logs.Entries.Count(e => e.Category == typeof(EnforcementExecutor).FullName && e.Message.Contains("attempt", StringComparison.Ordinal));

    /// <summary>The built app (the host project's own output) as a separate OS process.</summary>
    private static Process StartNodeProcess(Dictionary<string, string?> settings)
    {
        var root = RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var app = Path.Combine(root, "bin", configuration, "net10.0", "ReviewConsole.dll");
        Assert.True(File.Exists(app), $"{app} is not built");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(app);
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(root);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Seed__AdminPassword"] = "Node-Kill-Test-2026!";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ReviewConsole.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ReviewConsole.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>To the test's output, and to the file test.sh prints at the end (REVIEWCONSOLE_TEST_FIGURES).</summary>
    private void Report(string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("REVIEWCONSOLE_TEST_FIGURES") is { Length: > 0 } file)
        {
            File.AppendAllLines(file, [line]);
        }
    }

    public void Dispose() => database.Dispose();
}
