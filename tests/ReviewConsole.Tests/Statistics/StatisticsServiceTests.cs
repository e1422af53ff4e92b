using System.Text.Json;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Statistics;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Statistics;

/// <summary>
/// A hand-built month (April 2026) with events just outside it on both sides. Every expected
/// number below is worked out in the comments from the seeded rows, not read back from the code.
/// </summary>
public sealed class StatisticsServiceTests : IDisposable
{
    private static readonly DateTimeOffset From = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase database = new();
    private readonly StatisticsService service;

    public StatisticsServiceTests() =>
        service = new StatisticsService(database.Factory, Options.Create(new StatisticsOptions { SuppressBelow = 3 }), new StatisticsRollup(database.Factory, TimeProvider.System, Options.Create(new StatisticsOptions())));

    [Fact]
    public async Task Compute_SeededMonth_MatchesHandCountedNumbers()
    {
        await SeedAsync();

        var stats = await service.ComputeAsync(From, To, default);

        // Flags flagged in April: F1–F5 (F6 is 31 March, F7 is 1 May = the exclusive end).
        Assert.Equal(5, stats.FlagsReceived);
        Assert.Equal([new StatCount("hate", 3), new StatCount("malware", 1), new StatCount("spam", 1)], stats.FlagsByCategory);
        Assert.Equal([new StatCount("Feed", 3), new StatCount("Api", 1), new StatCount("Demo", 1)], stats.FlagsBySource);
        // Decisions made in April: D1–D5, on flags F1, F2 (twice), F3 and F6 → 4 distinct flags.
        Assert.Equal(5, stats.Decisions);
        Assert.Equal(4, stats.FlagsReviewed);
        Assert.Equal([new StatCount("Violation", 3), new StatCount("Escalate", 1), new StatCount("NoViolation", 1)], stats.DecisionsByVerdict);
        // Enforcement requested in April: E1–E4 (E5 was requested in March); E1–E3 succeeded.
        Assert.Equal([new StatCount("RevokeKey", 2), new StatCount("SuspendOrganization", 1), new StatCount("Warn", 1)], stats.EnforcementByKind);
        Assert.Equal(3, stats.EnforcementInEffect);
        // Incidents detected in April: I1–I3 (I4 was detected in March).
        Assert.Equal([new StatCount("Influence operation", 1), new StatCount("Malware", 1), new StatCount("Spam / deceptive health claims", 1)], stats.IncidentsByMisuseType);
        Assert.Equal([new StatCount("SEV2", 1), new StatCount("SEV3", 2)], stats.IncidentsBySeverity);

        var medians = stats.Medians.ToDictionary(m => m.Key);
        // Flag → first non-escalation decision: F1 2 h, F2 10 h (D2 escalated), F3 6 h, F6 2 h → [2, 2, 6, 10] → (2 + 6) / 2 = 4 h.
        Assert.Equal(new StatMedian(StatisticsService.FlagToDecision, TimeSpan.FromHours(4), 4), medians[StatisticsService.FlagToDecision]);
        // Decision → enforcement in effect: E1 30 min, E2 90 min, E3 60 min → 60 min.
        Assert.Equal(new StatMedian(StatisticsService.DecisionToEnforcement, TimeSpan.FromMinutes(60), 3), medians[StatisticsService.DecisionToEnforcement]);
        // Incidents mitigated in April: I1 3 h, I2 5 h, I4 18 days (detected in March) → 5 h.
        Assert.Equal(new StatMedian(StatisticsService.IncidentDetectToMitigate, TimeSpan.FromHours(5), 3), medians[StatisticsService.IncidentDetectToMitigate]);
    }

    [Fact]
    public async Task ToCsv_SeededMonth_SuppressesCountsBelowThresholdInPublishFormat()
    {
        await SeedAsync();

        var csv = service.ToCsv(await service.ComputeAsync(From, To, default));

        // Complementary suppression (threshold 3): hate 3 goes with malware 1 and spam 1 (else 5 − 3 = 2
        // = 1 + 1), Feed and Violation likewise; three incident types of 1 each with a published total 3
        // would each be pinned to 1, so the incident total goes too. Every withheld cell reads the same.
        var lines = csv.Split('\n');
        var counts = string.Join('\n', lines.TakeWhile(l => !l.StartsWith("median-hours", StringComparison.Ordinal)));
        Assert.Equal(
            """
            # ReviewConsole safety statistics, 2026-04-01T00:00:00Z to 2026-05-01T00:00:00Z; counts from 1 to 2 suppressed, and the counts that would let them be worked out
            section,key,value
            flags,received,5
            flags,reviewed,4
            decisions,total,5
            enforcement,in-effect,3
            incidents,detected,suppressed
            appeals,filed,0
            appeals,decided,0
            appeals,overturned,0
            appeals,overturn-rate-percent,withheld (<3 decided or a count withheld)
            flags-by-category,hate,suppressed
            flags-by-category,malware,suppressed
            flags-by-category,spam,suppressed
            flags-by-source,Feed,suppressed
            flags-by-source,Api,suppressed
            flags-by-source,Demo,suppressed
            decisions-by-verdict,Violation,suppressed
            decisions-by-verdict,Escalate,suppressed
            decisions-by-verdict,NoViolation,suppressed
            enforcement-by-kind,RevokeKey,suppressed
            enforcement-by-kind,SuspendOrganization,suppressed
            enforcement-by-kind,Warn,suppressed
            incidents-by-misuse-type,Influence operation,suppressed
            incidents-by-misuse-type,Malware,suppressed
            incidents-by-misuse-type,Spam / deceptive health claims,suppressed
            incidents-by-severity,SEV2,suppressed
            incidents-by-severity,SEV3,suppressed
            """.ReplaceLineEndings("\n"),
            counts);
        Assert.Contains("median-hours,flag-to-decision,4\n", csv, StringComparison.Ordinal);
        Assert.Contains("median-hours,decision-to-enforcement-in-effect,1\n", csv, StringComparison.Ordinal);
        Assert.Contains("median-hours,incident-detect-to-mitigate,5\n", csv, StringComparison.Ordinal);
        // Incidents mitigated in April: I1 3 h, I2 5 h, I4 18 days → MTTM median 5 h over all severities.
        Assert.Contains("incident-hours,all/time-to-mitigate/median,5\n", csv, StringComparison.Ordinal);
        Assert.Contains("incident-hours,SEV1/time-to-acknowledge/median,withheld (<3 samples)\n", csv, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    public void Publish_SubtractionAttackOnEveryTable_RecoversNoSuppressedCount(int threshold)
    {
        var publisher = new StatisticsService(database.Factory, Options.Create(new StatisticsOptions { SuppressBelow = threshold }), new StatisticsRollup(database.Factory, TimeProvider.System, Options.Create(new StatisticsOptions())));
        var random = new Random(threshold * 7919);
        for (var run = 0; run < 400; run++)
        {
            var stats = RandomStatistics(random, threshold);
            var rows = publisher.Publish(stats);
            StatisticsAttacker.AssertNothingRecovered(stats, rows, threshold);
        }
    }

    [Fact]
    public void Publish_OneSmallCategoryBesideATotal_IsNotRecoveredBySubtraction()
    {
        // The walk-around from the issue: total 25, hate 23, malware 2 → 25 − 23 = 2.
        var stats = new SafetyStatistics(From, To, [new StatCount("hate", 23), new StatCount("malware", 2)], [new StatCount("Feed", 25)], 25, 0, 0, [], [], 0, [], [], []);

        var rows = service.Publish(stats);

        Assert.Equal("25", rows.Single(r => r.Key == "received").Display);
        Assert.True(rows.Single(r => r.Section == "flags-by-category" && r.Key == "malware").Suppressed);
        Assert.True(rows.Single(r => r.Section == "flags-by-category" && r.Key == "hate").Suppressed);
        Assert.Equal("25", rows.Single(r => r.Section == "flags-by-source" && r.Key == "Feed").Display);
        StatisticsAttacker.AssertNothingRecovered(stats, rows, 3);
    }

    private static SafetyStatistics RandomStatistics(Random random, int threshold)
    {
        int Small() => random.Next(4) switch { 0 => 0, 1 => random.Next(1, threshold), _ => random.Next(threshold, threshold * 4) };
        List<StatCount> Counts(string prefix, int n) => Enumerable.Range(0, n).Select(i => new StatCount($"{prefix}{i}", Small())).ToList();
        List<StatCount> Split(string prefix, int total, int n)
        {
            var cuts = Enumerable.Range(0, n - 1).Select(_ => random.Next(total + 1)).Order().ToList();
            var edges = cuts.Prepend(0).Append(total).ToList();
            return Enumerable.Range(0, n).Select(i => new StatCount($"{prefix}{i}", edges[i + 1] - edges[i])).ToList();
        }

        var categories = Counts("c", random.Next(1, 6));
        var received = categories.Sum(c => c.Count);
        var verdicts = Counts("v", random.Next(1, 4));
        var types = Counts("t", random.Next(1, 5));
        var incidents = types.Sum(c => c.Count);
        var decided = Small();
        var overturned = random.Next(decided + 1);
        return new SafetyStatistics(From, To, categories, Split("s", received, random.Next(1, 4)), received, random.Next(received + 1),
            verdicts.Sum(c => c.Count), verdicts, Counts("k", random.Next(1, 4)), 0, types, Split("sev", incidents, random.Next(1, 5)), [],
            random.Next(30), decided, overturned);
    }

    [Fact]
    public async Task ToJson_SeededMonth_MarksSuppressedValuesAsNull()
    {
        await SeedAsync();

        using var json = JsonDocument.Parse(service.ToJson(await service.ComputeAsync(From, To, default)));

        var root = json.RootElement;
        Assert.Equal("2026-04-01T00:00:00Z", root.GetProperty("period").GetProperty("from").GetString());
        Assert.Equal(3, root.GetProperty("suppressBelow").GetInt32());
        var categories = root.GetProperty("sections").GetProperty("flags-by-category").EnumerateArray().ToDictionary(e => e.GetProperty("key").GetString()!);
        // hate 3 is the complement of malware 1 and spam 1 (5 − 3 would give 1 + 1 away).
        Assert.Equal(JsonValueKind.Null, categories["hate"].GetProperty("value").ValueKind);
        Assert.True(categories["hate"].GetProperty("suppressed").GetBoolean());
        Assert.Equal(5, root.GetProperty("sections").GetProperty("flags").EnumerateArray().Single(e => e.GetProperty("key").GetString() == "received").GetProperty("value").GetDouble());
        Assert.Equal(JsonValueKind.Null, categories["malware"].GetProperty("value").ValueKind);
        Assert.True(categories["malware"].GetProperty("suppressed").GetBoolean());
    }

    [Fact]
    public async Task Compute_Appeals_CountsFilingsAndDecisionsInThePeriodWithOverturnRate()
    {
        await using (var db = database.CreateContext())
        {
            var actor = await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef("org_appeals", "app_appeals", "key_appeals"), default);
            DateTimeOffset At(int month, int day) => new(2026, month, day, 12, 0, 0, TimeSpan.Zero);
            Appeal NewAppeal(int n, DateTimeOffset filed, AppealState state, DateTimeOffset? decided)
            {
                var action = new EnforcementAction { Kind = EnforcementKind.RevokeKey, State = EnforcementState.Succeeded, TargetId = actor.ApiKeyId, OrganizationId = actor.OrganizationId, RequestedBy = "r", RequestedAt = filed.AddDays(-1), IdempotencyKey = $"appeal-{n}" };
                db.Add(action);
                db.SaveChanges();
                return new Appeal { EnforcementActionId = action.Id, OrganizationId = actor.OrganizationId, Text = "We disagree.", SubmittedBy = "org", SubmittedAt = filed, DueAt = filed.AddDays(3), State = state, DecidedAt = decided, DecidedBy = decided is null ? null : "lead" };
            }

            // Filed in April: A1, A2, A3, A5 (A4 was filed in March) → 4.
            // Decided in April: A1 overturned, A2 upheld, A4 overturned (A3 is decided in May, A5 open) → 3, of which 2 overturned.
            db.AddRange(
                NewAppeal(1, At(4, 2), AppealState.Overturned, At(4, 3)),
                NewAppeal(2, At(4, 5), AppealState.Upheld, At(4, 6)),
                NewAppeal(3, At(4, 10), AppealState.Overturned, At(5, 2)),
                NewAppeal(4, At(3, 30), AppealState.Overturned, At(4, 1)),
                NewAppeal(5, At(4, 20), AppealState.Open, null));
            await db.SaveChangesAsync();
        }

        var stats = await service.ComputeAsync(From, To, default);
        var rows = service.Publish(stats);

        Assert.Equal((4, 3, 2), (stats.AppealsFiled, stats.AppealsDecided, stats.AppealsOverturned));
        // 2 of 3 → 66.7 %. The count 2 is withheld, so the rate is too: 66.7 % of a published 3 would give it back.
        Assert.Equal(66.7, stats.OverturnRatePercent);
        Assert.True(rows.Single(r => r.Section == "appeals" && r.Key == "overturn-rate-percent").Suppressed);
        Assert.True(rows.Single(r => r.Section == "appeals" && r.Key == "overturned").Suppressed);
    }

    [Fact]
    public void Publish_MedianOverTooFewSamples_IsWithheld()
    {
        var stats = new SafetyStatistics(From, To, [], [], 0, 0, 0, [], [], 0, [], [],
            [new StatMedian("m", TimeSpan.FromHours(2), 2)]);

        var row = Assert.Single(service.Publish(stats), r => r.Section == "median-hours");

        Assert.True(row.Suppressed);
        Assert.Null(row.Value);
        Assert.Equal("withheld (<3 samples)", row.Display);
        // Zero reveals no one and is published as zero.
        Assert.Equal("0", service.Publish(stats).Single(r => r.Key == "received").Display);
    }

    [Fact]
    public void Median_EvenAndOddCounts_AreTheMiddleOrMeanOfMiddles()
    {
        Assert.Equal(TimeSpan.FromMinutes(2), StatisticsService.Median("x", [TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)]).Median);
        Assert.Equal(TimeSpan.FromMinutes(2.5), StatisticsService.Median("x", [TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3)]).Median);
        Assert.Null(StatisticsService.Median("x", []).Median);
    }

    private async Task SeedAsync()
    {
        await using var db = database.CreateContext();
        var actor = await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef("org_s", "app_s", "key_s"), default);
        var day = From;
        Flag NewFlag(string id, DateTimeOffset at, string category, FlagSource source) => new()
        {
            UpstreamId = id,
            CreatedAt = at,
            IngestedAt = at,
            TopCategory = category,
            Source = source,
            OrganizationId = actor.OrganizationId,
            ApplicationId = actor.ApplicationId,
            ApiKeyId = actor.ApiKeyId,
            SlaDueAt = at.AddDays(1),
        };
        var f1 = NewFlag("f1", day.AddDays(1), "hate", FlagSource.Feed);
        var f2 = NewFlag("f2", day.AddDays(2), "hate", FlagSource.Feed);
        var f3 = NewFlag("f3", day.AddDays(4), "hate", FlagSource.Api);
        var f4 = NewFlag("f4", day.AddDays(9), "spam", FlagSource.Feed);
        var f5 = NewFlag("f5", day.AddDays(19), "malware", FlagSource.Demo);
        var f6 = NewFlag("f6", From.AddHours(-1), "hate", FlagSource.Feed);
        var f7 = NewFlag("f7", To, "spam", FlagSource.Feed);
        db.AddRange(f1, f2, f3, f4, f5, f6, f7);
        await db.SaveChangesAsync();

        FlagDecision Decide(Flag flag, TimeSpan after, Verdict verdict) => new() { FlagId = flag.Id, DecidedAt = flag.CreatedAt + after, Verdict = verdict, DecidedBy = "r1" };
        var d1 = Decide(f1, TimeSpan.FromHours(2), Verdict.Violation);
        var d2 = Decide(f2, TimeSpan.FromHours(4), Verdict.Escalate);
        var d3 = Decide(f2, TimeSpan.FromHours(10), Verdict.Violation);
        var d4 = Decide(f3, TimeSpan.FromHours(6), Verdict.NoViolation);
        var d5 = Decide(f6, TimeSpan.FromHours(2), Verdict.Violation);
        db.AddRange(d1, d2, d3, d4, d5);
        await db.SaveChangesAsync();

        EnforcementAction Act(EnforcementKind kind, DateTimeOffset requested, EnforcementState state, EnforcementReason reason, string reasonId, DateTimeOffset? completed) => new()
        {
            Kind = kind,
            State = state,
            TargetType = EnforcementTargetType.ApiKey,
            TargetId = actor.ApiKeyId,
            OrganizationId = actor.OrganizationId,
            Reason = reason,
            ReasonId = reasonId,
            RequestedBy = "r1",
            RequestedAt = requested,
            IdempotencyKey = Guid.NewGuid().ToString("N"),
            CompletedAt = completed,
        };
        db.AddRange(
            Act(EnforcementKind.RevokeKey, d1.DecidedAt, EnforcementState.Succeeded, EnforcementReason.Decision, d1.Id.ToString(), d1.DecidedAt.AddMinutes(30)),
            Act(EnforcementKind.RevokeKey, d3.DecidedAt, EnforcementState.Succeeded, EnforcementReason.Decision, d3.Id.ToString(), d3.DecidedAt.AddMinutes(90)),
            Act(EnforcementKind.Warn, d5.DecidedAt, EnforcementState.Succeeded, EnforcementReason.Decision, d5.Id.ToString(), d5.DecidedAt.AddMinutes(60)),
            Act(EnforcementKind.SuspendOrganization, day.AddDays(5), EnforcementState.Pending, EnforcementReason.Incident, "1", null),
            Act(EnforcementKind.RevokeKey, From.AddDays(-12), EnforcementState.Succeeded, EnforcementReason.Manual, "", From.AddDays(-12)));

        Incident NewIncident(string title, DateTimeOffset detected, MisuseType type, Severity severity, DateTimeOffset? mitigated) => new()
        {
            Title = title,
            DetectedAt = detected,
            MisuseType = type,
            Severity = severity,
            OpenedBy = "t",
            OpenedAt = detected,
            LastUpdateAt = detected,
            AcknowledgedAt = mitigated is null ? null : detected,
            MitigatedAt = mitigated,
            Status = mitigated is null ? IncidentStatus.Detected : IncidentStatus.Mitigated,
        };
        db.AddRange(
            NewIncident("i1", day.AddDays(4), MisuseType.InfluenceOperation, Severity.Sev2, day.AddDays(4).AddHours(3)),
            NewIncident("i2", day.AddDays(5), MisuseType.SpamDeceptiveHealthClaims, Severity.Sev3, day.AddDays(5).AddHours(5)),
            NewIncident("i3", day.AddDays(6), MisuseType.Malware, Severity.Sev3, null),
            NewIncident("i4", From.AddDays(-17), MisuseType.Other, Severity.Sev1, From.AddDays(1)));
        await db.SaveChangesAsync();
    }

    public void Dispose() => database.Dispose();
}
