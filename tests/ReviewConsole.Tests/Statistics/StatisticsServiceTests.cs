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
        service = new StatisticsService(database.Factory, Options.Create(new StatisticsOptions { SuppressBelow = 3 }));

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

        Assert.Equal(
            """
            # ReviewConsole safety statistics, 2026-04-01T00:00:00Z to 2026-05-01T00:00:00Z; counts below 3 suppressed
            section,key,value
            flags,received,5
            flags,reviewed,4
            decisions,total,5
            enforcement,in-effect,3
            appeals,filed,0
            appeals,decided,0
            appeals,overturned,0
            appeals,overturn-rate-percent,withheld (<3 decided)
            flags-by-category,hate,3
            flags-by-category,malware,<3
            flags-by-category,spam,<3
            flags-by-source,Feed,3
            flags-by-source,Api,<3
            flags-by-source,Demo,<3
            decisions-by-verdict,Violation,3
            decisions-by-verdict,Escalate,<3
            decisions-by-verdict,NoViolation,<3
            enforcement-by-kind,RevokeKey,<3
            enforcement-by-kind,SuspendOrganization,<3
            enforcement-by-kind,Warn,<3
            incidents-by-misuse-type,Influence operation,<3
            incidents-by-misuse-type,Malware,<3
            incidents-by-misuse-type,Spam / deceptive health claims,<3
            incidents-by-severity,SEV2,<3
            incidents-by-severity,SEV3,<3
            median-hours,flag-to-decision,4
            median-hours,decision-to-enforcement-in-effect,1
            median-hours,incident-detect-to-mitigate,5

            """.ReplaceLineEndings("\n"),
            csv);
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
        Assert.Equal(3, categories["hate"].GetProperty("value").GetDouble());
        Assert.False(categories["hate"].GetProperty("suppressed").GetBoolean());
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
        // 2 of 3 → 66.7 %; 3 decided reaches the threshold of 3, so the rate is published, while the count 2 is not.
        Assert.Equal(66.7, stats.OverturnRatePercent);
        Assert.Equal("66.7", rows.Single(r => r.Section == "appeals" && r.Key == "overturn-rate-percent").Display);
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
