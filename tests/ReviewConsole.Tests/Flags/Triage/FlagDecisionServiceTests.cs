using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Tests.Flags.Triage;

public sealed class FlagDecisionServiceTests : IDisposable
{
    private readonly TriageFixture fixture = new();
    private readonly StaffUser alice = new("u-alice", "alice@example.test");
    private readonly StaffUser bob = new("u-bob", "bob@example.test");

    private static DecideFlagRequest Violation(DecisionAction action, params string[] categories) =>
        new(Verdict.Violation, categories, action, "CP-3.1", "Explicit threat against a group.");

    [Fact]
    public async Task Decide_FlagLeasedByAnotherReviewer_IsRefusedWithClearMessage()
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);

        var outcome = await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, flag, Violation(DecisionAction.None, "hate"), default);

        Assert.False(outcome.Succeeded);
        Assert.Contains("u-alice is working on this flag", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("cannot decide", outcome.Message, StringComparison.Ordinal);
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(0, await db.Set<FlagDecision>().CountAsync());
        Assert.Equal(FlagStatus.New, (await db.Set<Flag>().SingleAsync()).Status);
    }

    [Fact]
    public async Task Decide_AlreadyDecided_IsRefused()
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);
        Assert.True((await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, Violation(DecisionAction.None, "hate"), default)).Succeeded);

        var claimAgain = await fixture.Claims.ClaimAsync(bob, TriageRights.Reviewer, flag, default);
        var second = await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, Violation(DecisionAction.None, "hate"), default);

        Assert.False(claimAgain.Succeeded);
        Assert.False(second.Succeeded);
        Assert.Contains("already decided by alice@example.test", second.Message, StringComparison.Ordinal);
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(1, await db.Set<FlagDecision>().CountAsync());
    }

    [Fact]
    public async Task Decide_ExpiredOwnLease_IsRefused()
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);
        fixture.Clock.Advance(TimeSpan.FromMinutes(11));

        var outcome = await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, Violation(DecisionAction.None, "hate"), default);

        Assert.False(outcome.Succeeded);
        Assert.Contains("Your lease expired", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_Violation_WritesDecisionLabelsAuditAndEnforcementTogether()
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor, scores: [("hate", 0.92, true), ("harassment", 0.7, true), ("violence", 0.3, false)]);
        await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);

        var outcome = await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, Violation(DecisionAction.RevokeKey, "hate", "violence"), default);

        Assert.True(outcome.Succeeded, outcome.Message);
        await using var db = fixture.Database.CreateContext();
        var decision = await db.Set<FlagDecision>().Include(d => d.Labels).SingleAsync();
        Assert.Equal("hate violence", decision.ConfirmedCategories);
        Assert.Equal(
            ["harassment:FalsePositive", "hate:TruePositive", "violence:FalseNegative"],
            decision.Labels.Select(l => $"{l.Category}:{l.Outcome}").Order(StringComparer.Ordinal));
        Assert.All(decision.Labels, l => Assert.Equal("v7", l.ClassifierVersion));
        var stored = await db.Set<Flag>().SingleAsync();
        Assert.Equal(FlagStatus.Decided, stored.Status);
        Assert.Null(stored.LeaseOwner);
        var action = await db.Set<EnforcementAction>().SingleAsync();
        Assert.Equal((EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, actor.ApiKeyId), (action.Kind, action.TargetType, action.TargetId));
        Assert.Equal((EnforcementReason.Decision, decision.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), (action.Reason, action.ReasonId));
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "flag.decided" && e.TargetId == flag.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "enforcement.requested"));
    }

    [Theory]
    [InlineData(DecisionAction.Warn, EnforcementKind.Warn, EnforcementTargetType.Organization)]
    [InlineData(DecisionAction.RateLimit, EnforcementKind.SetRateLimit, EnforcementTargetType.ApiKey)]
    [InlineData(DecisionAction.SuspendApp, EnforcementKind.SuspendApplication, EnforcementTargetType.Application)]
    [InlineData(DecisionAction.SuspendOrg, EnforcementKind.SuspendOrganization, EnforcementTargetType.Organization)]
    public async Task Decide_EnforcementAction_RequestsTheMatchingKindOnTheFlagsActor(DecisionAction chosen, EnforcementKind kind, EnforcementTargetType target)
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);

        Assert.True((await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, Violation(chosen, "hate"), default)).Succeeded);

        await using var db = fixture.Database.CreateContext();
        var action = await db.Set<EnforcementAction>().SingleAsync();
        var expectedTarget = target switch
        {
            EnforcementTargetType.Organization => actor.OrganizationId,
            EnforcementTargetType.Application => actor.ApplicationId,
            _ => actor.ApiKeyId,
        };
        Assert.Equal((kind, target, expectedTarget), (action.Kind, action.TargetType, action.TargetId));
        if (kind == EnforcementKind.SetRateLimit)
        {
            Assert.Equal("""{"rpm":60,"tpm":40000}""", action.ParametersJson);
        }
    }

    [Fact]
    public async Task Decide_OpenIncidentOrNoViolation_RequestsNoEnforcement()
    {
        var actor = await fixture.ActorAsync();
        var a = await fixture.FlagAsync(actor, priority: 90);
        var b = await fixture.FlagAsync(actor, priority: 10);
        await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, a, default);
        await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, b, default);

        Assert.True((await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, a, Violation(DecisionAction.OpenIncident, "hate"), default)).Succeeded);
        Assert.True((await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, b, new DecideFlagRequest(Verdict.NoViolation, [], DecisionAction.None, "", "Quoted news report."), default)).Succeeded);

        await using var db = fixture.Database.CreateContext();
        Assert.Equal(0, await db.Set<EnforcementAction>().CountAsync());
        Assert.Equal(DecisionAction.OpenIncident, (await db.Set<FlagDecision>().SingleAsync(d => d.FlagId == a)).Action);
        var fp = await db.Set<DecisionLabel>().SingleAsync(l => l.FlagId == b);
        Assert.Equal(LabelOutcome.FalsePositive, fp.Outcome);
    }

    [Fact]
    public async Task Decide_OpenIncident_OpensAnIncidentWithTheFlagAsEvidenceInTheSameTransaction()
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, flag, default);

        var outcome = await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, Violation(DecisionAction.OpenIncident, "hate"), default);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.NotNull(outcome.IncidentId);
        Assert.Equal("Violation recorded; incident opened for the incident responders.", outcome.Message);
        await using var db = fixture.Database.CreateContext();
        var incident = await db.Set<Incident>().SingleAsync();
        Assert.Equal(outcome.IncidentId, incident.Id);
        Assert.Equal(DetectionSource.Reviewer, incident.DetectionSource);
        Assert.Equal(alice.Name, incident.OpenedBy);
        var links = await db.Set<IncidentLink>().Where(l => l.IncidentId == incident.Id).ToListAsync();
        Assert.Contains(links, l => l.Type == IncidentLinkType.Flag && l.TargetId == flag);
        Assert.Contains(links, l => l.Type == IncidentLinkType.Organization && l.TargetId == actor.OrganizationId);
        Assert.Contains(await db.Set<AuditEvent>().Select(e => e.Kind).ToListAsync(), k => k == "incident.opened");
    }

    [Fact]
    public async Task Decide_Escalate_GoesToLeadsAndOnlyALeadDecidesIt()
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);
        var escalate = new DecideFlagRequest(Verdict.Escalate, [], DecisionAction.None, "", "Unsure whether satire.");

        Assert.True((await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, escalate, default)).Succeeded);
        Assert.False((await fixture.Claims.ClaimAsync(bob, TriageRights.Reviewer, flag, default)).Succeeded);
        var lead = new StaffUser("u-lead", "lead@example.test");
        Assert.Equal(flag, (await fixture.Claims.ClaimNextAsync(lead, TriageRights.Lead, [], default)).FlagId);
        var decided = await fixture.Decisions.DecideAsync(lead, TriageRights.Lead, flag, Violation(DecisionAction.Warn, "hate"), default);

        Assert.True(decided.Succeeded, decided.Message);
        await using var db = fixture.Database.CreateContext();
        Assert.Equal([Verdict.Escalate, Verdict.Violation], await db.Set<FlagDecision>().OrderBy(d => d.Id).Select(d => d.Verdict).ToListAsync());
        Assert.Empty(await db.Set<DecisionLabel>().Where(l => l.DecisionId == db.Set<FlagDecision>().Min(d => d.Id)).ToListAsync());
    }

    [Theory]
    [InlineData(Verdict.Violation, "", DecisionAction.None, "CP-1", "why", "at least one confirmed category")]
    [InlineData(Verdict.Violation, "hate", DecisionAction.None, "CP-1", " ", "reason is required")]
    [InlineData(Verdict.Violation, "hate", DecisionAction.None, "", "why", "policy clause")]
    [InlineData(Verdict.NoViolation, "", DecisionAction.Warn, "", "why", "Only a violation")]
    public void Validate_IncompleteDecision_SaysWhatIsMissing(Verdict verdict, string categories, DecisionAction action, string clause, string reason, string expected)
    {
        var request = new DecideFlagRequest(verdict, categories.Split(' ', StringSplitOptions.RemoveEmptyEntries), action, clause, reason);

        Assert.Contains(expected, FlagDecisionService.Validate(request), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecideCluster_AfterPreview_DecidesExactlyThePreviewedMembersAndLabelsOnlyTheSeen()
    {
        var cluster = await fixture.ClusterAsync();
        var a1 = await fixture.ActorAsync("org_a", "app_a", "key_a1");
        var a2 = await fixture.ActorAsync("org_a", "app_a", "key_a2");
        var b = await fixture.ActorAsync("org_b", "app_b", "key_b");
        var seen = await fixture.FlagAsync(a1, clusterId: cluster);
        await fixture.FlagAsync(a1, clusterId: cluster);
        await fixture.FlagAsync(a2, clusterId: cluster);
        await fixture.FlagAsync(b, clusterId: cluster);
        var heldByBob = await fixture.FlagAsync(b, clusterId: cluster, priority: 99);
        await fixture.FlagAsync(b, clusterId: cluster, status: FlagStatus.Decided);
        var outsider = await fixture.FlagAsync(b);
        await fixture.Claims.ClaimAsync(bob, TriageRights.Reviewer, heldByBob, default);
        // What the triage page's content view records when alice opens the flag's text.
        await new ContentAccessAudit(fixture.Database.Factory, new AuditLog(fixture.Clock))
            .RecordAsync(alice, "flag.opened", "Flag", seen.ToString(System.Globalization.CultureInfo.InvariantCulture), "Opened", default);

        var preview = await fixture.Decisions.PreviewClusterAsync(alice, TriageRights.Reviewer, cluster, default);
        var lateJoiner = await fixture.FlagAsync(a1, clusterId: cluster);
        var outcome = await fixture.Decisions.DecideClusterAsync(alice, TriageRights.Reviewer, preview, Violation(DecisionAction.RevokeKey, "hate"), default);

        Assert.Equal((4, 2, 2, 3, 1, 1), (preview.Flags, preview.Organizations, preview.Applications, preview.Keys, preview.HeldByOthers, preview.Seen));
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(4, outcome.FlagsDecided);
        await using var db = fixture.Database.CreateContext();
        var decisions = await db.Set<FlagDecision>().Where(d => d.ClusterId == cluster).ToListAsync();
        Assert.Equal(preview.MemberIds.Order(), decisions.Select(d => d.FlagId).Order());
        Assert.Equal([seen], decisions.Where(d => d.SeenByDecider).Select(d => d.FlagId));
        var labels = await db.Set<DecisionLabel>().ToListAsync();
        Assert.Equal([seen], labels.Select(l => l.FlagId).Distinct());
        Assert.Equal(FlagStatus.New, (await db.Set<Flag>().SingleAsync(f => f.Id == lateJoiner)).Status);
        Assert.Equal(FlagStatus.New, (await db.Set<Flag>().SingleAsync(f => f.Id == heldByBob)).Status);
        Assert.Equal(FlagStatus.New, (await db.Set<Flag>().SingleAsync(f => f.Id == outsider)).Status);
        var revoked = await db.Set<EnforcementAction>().Select(a => a.TargetId).OrderBy(id => id).ToListAsync();
        Assert.Equal(new[] { a1.ApiKeyId, a2.ApiKeyId, b.ApiKeyId }.Order(), revoked);
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "flag.cluster-decided"));
    }

    [Fact]
    public async Task Decide_RecordsThePolicyVersionsInForce()
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor, scores: [("hate", 0.92, true), ("violence", 0.3, false)]);
        await using (var edit = fixture.Database.CreateContext())
        {
            var hate = await edit.Set<ReviewConsole.Data.Policies.PolicyCategory>().SingleAsync(c => c.Key == "hate");
            hate.Version = 3;
            await edit.SaveChangesAsync();
        }

        await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);
        Assert.True((await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, Violation(DecisionAction.None, "hate", "violence"), default)).Succeeded);

        await using var db = fixture.Database.CreateContext();
        Assert.Equal("hate@3 violence@1", (await db.Set<FlagDecision>().SingleAsync()).PolicyVersions);
    }

    public void Dispose() => fixture.Dispose();
}
