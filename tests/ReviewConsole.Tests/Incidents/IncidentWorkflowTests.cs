using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Incidents;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Incidents;

public sealed class IncidentWorkflowTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(Start);
    private readonly IncidentService service;

    public IncidentWorkflowTests() => service = IncidentTestData.Service(database, clock);

    [Fact]
    public async Task Transition_InOrder_SetsNamedTimestampsHistoryAndMetrics()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var id = await service.OpenAsync(new OpenIncidentRequest { Title = "Spam wave", Severity = Severity.Sev3 }, responder, default);

        clock.Advance(TimeSpan.FromMinutes(12));
        await service.TransitionAsync(id, IncidentStatus.Acknowledged, null, null, responder, default);
        clock.Advance(TimeSpan.FromMinutes(48));
        await service.TransitionAsync(id, IncidentStatus.Mitigated, null, "keys revoked", responder, default);
        clock.Advance(TimeSpan.FromHours(5));
        await service.TransitionAsync(id, IncidentStatus.Resolved, null, null, responder, default);

        var details = (await service.GetAsync(id, default))!;
        Assert.Equal(IncidentStatus.Resolved, details.Incident.Status);
        Assert.Equal(Start, details.Incident.DetectedAt);
        Assert.Equal(TimeSpan.FromMinutes(12), details.Metrics.TimeToAcknowledge);
        Assert.Equal(TimeSpan.FromHours(1), details.Metrics.TimeToMitigate);
        Assert.Equal(TimeSpan.FromHours(6), details.Metrics.TimeToResolve);
        Assert.Equal([IncidentStatus.Detected, IncidentStatus.Acknowledged, IncidentStatus.Mitigated, IncidentStatus.Resolved], details.StatusHistory.Select(s => s.To));
        Assert.All(details.StatusHistory, s => Assert.Equal("ines@example.test", s.ChangedBy));
        Assert.Equal("keys revoked", details.StatusHistory[2].Note);
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "incident.opened"));
        Assert.Equal(3, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "incident.status" && e.TargetId == id.ToString()));
    }

    [Theory]
    [InlineData(IncidentStatus.Mitigated)]
    [InlineData(IncidentStatus.Resolved)]
    [InlineData(IncidentStatus.Closed)]
    [InlineData(IncidentStatus.Detected)]
    public async Task Transition_FromDetectedSkippingOrBack_IsRefused(IncidentStatus to)
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var id = await service.OpenAsync(new OpenIncidentRequest { Title = "x" }, responder, default);

        var error = await Assert.ThrowsAsync<IncidentRuleException>(() => service.TransitionAsync(id, to, null, null, responder, default));

        Assert.Contains("can only move to Acknowledged next", error.Message, StringComparison.Ordinal);
        Assert.Equal(IncidentStatus.Detected, (await service.GetAsync(id, default))!.Incident.Status);
    }

    [Fact]
    public async Task Transition_TimeBeforePreviousStep_IsRefusedWithClearError()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var id = await service.OpenAsync(new OpenIncidentRequest { Title = "x" }, responder, default);
        clock.Advance(TimeSpan.FromHours(1));

        var error = await Assert.ThrowsAsync<IncidentRuleException>(() =>
            service.TransitionAsync(id, IncidentStatus.Acknowledged, Start.AddMinutes(-30), null, responder, default));

        Assert.Equal("Acknowledged (2026-03-02 08:30 UTC) cannot be before detected (2026-03-02 09:00 UTC).", error.Message);
        Assert.Null((await service.GetAsync(id, default))!.Incident.AcknowledgedAt);
    }

    [Fact]
    public async Task Transition_TimeInTheFuture_IsRefused()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var id = await service.OpenAsync(new OpenIncidentRequest { Title = "x" }, responder, default);

        var error = await Assert.ThrowsAsync<IncidentRuleException>(() =>
            service.TransitionAsync(id, IncidentStatus.Acknowledged, Start.AddHours(2), null, responder, default));

        Assert.Contains("is in the future", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_BackfillInOrder_StartsResolvedWithTheGivenTimes()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");

        var id = await service.OpenAsync(new OpenIncidentRequest
        {
            Title = "Found in last month's logs",
            AbuseStartedAt = Start.AddDays(-20),
            DetectedAt = Start.AddDays(-15),
            AcknowledgedAt = Start.AddDays(-15).AddHours(2),
            MitigatedAt = Start.AddDays(-14),
            ResolvedAt = Start.AddDays(-10),
        }, responder, default);

        var details = (await service.GetAsync(id, default))!;
        Assert.True(details.Incident.Backfilled);
        Assert.Equal(IncidentStatus.Resolved, details.Incident.Status);
        Assert.Equal(TimeSpan.FromHours(2), details.Metrics.TimeToAcknowledge);
        Assert.Equal([Start.AddDays(-15), Start.AddDays(-15).AddHours(2), Start.AddDays(-14), Start.AddDays(-10)], details.StatusHistory.Select(s => s.At));
        Assert.All(details.StatusHistory, s => Assert.Equal(Start, s.RecordedAt));
    }

    [Fact]
    public async Task Open_BackfillOutOfOrder_IsRefusedAndNothingIsStored()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");

        var error = await Assert.ThrowsAsync<IncidentRuleException>(() => service.OpenAsync(new OpenIncidentRequest
        {
            Title = "Out of order",
            DetectedAt = Start.AddDays(-5),
            AcknowledgedAt = Start.AddDays(-4),
            MitigatedAt = Start.AddDays(-6),
        }, responder, default));

        Assert.StartsWith("Mitigated (2026-02-24 09:00 UTC) cannot be before acknowledged", error.Message, StringComparison.Ordinal);
        await using var db = database.CreateContext();
        Assert.False(await db.Set<Incident>().AnyAsync());
    }

    [Fact]
    public async Task Open_BackfillWithAGap_IsRefused()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");

        await Assert.ThrowsAsync<IncidentRuleException>(() => service.OpenAsync(new OpenIncidentRequest
        {
            Title = "Gap",
            DetectedAt = Start.AddDays(-5),
            MitigatedAt = Start.AddDays(-4),
        }, responder, default));
    }

    [Fact]
    public async Task Close_Sev2WithoutApprovedRetrospective_IsRefused()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var id = await ResolvedAsync(Severity.Sev2, responder);
        await service.SaveRetrospectiveAsync(id, await service.TemplateAsync(id, default), 0, responder, default);
        await service.SubmitRetrospectiveAsync(id, responder, default);

        var error = await Assert.ThrowsAsync<IncidentRuleException>(() => service.TransitionAsync(id, IncidentStatus.Closed, null, null, responder, default));

        Assert.Equal("A SEV2 closes only after its retrospective is approved by a Lead.", error.Message);
    }

    [Fact]
    public async Task Close_Sev2AfterLeadApproval_ClosesAndRecordsRetrospectiveDone()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var lead = await IncidentTestData.StaffAsync(database, Roles.Lead, "lee@example.test");
        var id = await ResolvedAsync(Severity.Sev2, responder);
        var version = await service.SaveRetrospectiveAsync(id, await service.TemplateAsync(id, default), 0, responder, default);
        await service.SubmitRetrospectiveAsync(id, responder, default);
        clock.Advance(TimeSpan.FromDays(1));

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.ApproveRetrospectiveAsync(id, responder, default));
        await service.ApproveRetrospectiveAsync(id, lead, default);
        await service.TransitionAsync(id, IncidentStatus.Closed, null, null, responder, default);

        var details = (await service.GetAsync(id, default))!;
        Assert.Equal(1, version);
        Assert.Equal(IncidentStatus.Closed, details.Incident.Status);
        Assert.Equal(RetrospectiveStatus.Approved, details.Retrospective!.Status);
        Assert.Equal("lee@example.test", details.Retrospective.ApprovedBy);
        Assert.Equal(clock.GetUtcNow(), details.Incident.RetrospectiveDoneAt);
    }

    [Fact]
    public async Task Close_Sev4WithoutRetrospective_Closes()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var id = await ResolvedAsync(Severity.Sev4, responder);

        await service.TransitionAsync(id, IncidentStatus.Closed, null, null, responder, default);

        Assert.Equal(IncidentStatus.Closed, (await service.GetAsync(id, default))!.Incident.Status);
        await Assert.ThrowsAsync<IncidentRuleException>(() => service.TransitionAsync(id, IncidentStatus.Resolved, null, null, responder, default));
    }

    [Fact]
    public async Task SaveRetrospective_StaleVersion_IsRefused()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var id = await ResolvedAsync(Severity.Sev2, responder);
        var template = await service.TemplateAsync(id, default);
        await service.SaveRetrospectiveAsync(id, template, 0, responder, default);
        await service.SaveRetrospectiveAsync(id, template with { WentWell = "- fast" }, 1, responder, default);

        await Assert.ThrowsAsync<IncidentRuleException>(() => service.SaveRetrospectiveAsync(id, template with { WentWell = "- other" }, 1, responder, default));
        Assert.Equal("- fast", (await service.GetAsync(id, default))!.Retrospective!.Sections.WentWell);
    }

    [Fact]
    public async Task Change_ByAuditor_IsRefused()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var auditor = await IncidentTestData.StaffAsync(database, Roles.Auditor, "audrey@example.test");
        var id = await service.OpenAsync(new OpenIncidentRequest { Title = "x" }, responder, default);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.OpenAsync(new OpenIncidentRequest { Title = "y" }, auditor, default));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.AddNoteAsync(id, "peek", auditor, default));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.TransitionAsync(id, IncidentStatus.Acknowledged, null, null, auditor, default));
    }

    [Fact]
    public async Task Mitigate_WithoutTime_UsesWhenFirstLinkedEnforcementTookEffect()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        long keyId;
        await using (var db = database.CreateContext())
        {
            keyId = (await new ActorRegistry(clock).EnsureAsync(db, new ActorRef("org_x", "app_x", "key_x"), default)).ApiKeyId;
        }

        var id = await service.OpenAsync(new OpenIncidentRequest { Title = "Key abuse", ApiKeyId = keyId }, responder, default);
        clock.Advance(TimeSpan.FromMinutes(5));
        await service.TransitionAsync(id, IncidentStatus.Acknowledged, null, null, responder, default);
        var actionIds = await service.RequestEnforcementAsync(id, new IncidentEnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [keyId], "MU-3", "stop the campaign"), responder, default);
        var effective = Start.AddMinutes(20);
        await using (var db = database.CreateContext())
        {
            var action = await db.Set<EnforcementAction>().SingleAsync();
            Assert.Equal(EnforcementReason.Incident, action.Reason);
            Assert.Equal(id.ToString(), action.ReasonId);
            await db.Set<EnforcementAction>().ExecuteUpdateAsync(s => s.SetProperty(a => a.State, EnforcementState.Succeeded).SetProperty(a => a.CompletedAt, effective));
        }

        clock.Advance(TimeSpan.FromHours(1));
        await service.TransitionAsync(id, IncidentStatus.Mitigated, null, null, responder, default);

        var details = (await service.GetAsync(id, default))!;
        Assert.Equal(effective, details.Incident.MitigatedAt);
        Assert.Equal(TimeSpan.FromMinutes(20), details.Metrics.TimeToMitigate);
        Assert.Equal(actionIds, details.Enforcement.Select(e => e.Id));
        Assert.Contains(details.Timeline, t => t.Kind == TimelineEntryKind.EnforcementRequested && t.Text.Contains("RevokeKey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AssignCommander_Twice_KeepsTheHandoffInHistory()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var id = await service.OpenAsync(new OpenIncidentRequest { Title = "x" }, responder, default);

        await service.AssignRoleAsync(id, IncidentRole.Commander, new StaffMember("u1", "Ines"), responder, default);
        await service.AssignRoleAsync(id, IncidentRole.Commander, new StaffMember("u2", "Lee"), responder, default);

        var details = (await service.GetAsync(id, default))!;
        Assert.Equal("Lee", details.Incident.CommanderName);
        Assert.Equal(["Ines", "Lee"], details.RoleHistory.Where(r => r.Role == IncidentRole.Commander).Select(r => r.UserName));
        Assert.Contains(details.Timeline, t => t.Text == "Command handed off from Ines to Lee.");
    }

    [Fact]
    public async Task MonitorJob_StaleSev2_IsMarkedOnceAndAnUpdateClearsIt()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var sev2 = await service.OpenAsync(new OpenIncidentRequest { Title = "major", Severity = Severity.Sev2 }, responder, default);
        var sev3 = await service.OpenAsync(new OpenIncidentRequest { Title = "minor", Severity = Severity.Sev3 }, responder, default);
        var job = new MonitorIncidentsJob(database.Factory, new AuditLog(clock), clock, Options.Create(new IncidentsOptions { Sev2UpdateMinutes = 60 }));

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, await job.MarkStaleAsync(default));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await job.MarkStaleAsync(default));
        Assert.Equal(0, await job.MarkStaleAsync(default));

        Assert.NotNull((await service.GetAsync(sev2, default))!.Incident.UpdateOverdueSince);
        Assert.Null((await service.GetAsync(sev3, default))!.Incident.UpdateOverdueSince);
        await service.AddNoteAsync(sev2, "still investigating", responder, default);
        Assert.Null((await service.GetAsync(sev2, default))!.Incident.UpdateOverdueSince);
    }

    [Fact]
    public async Task MonitorJob_SucceededAction_RecordsOutcomeOnceAndMitigatesAcknowledgedIncident()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        long keyId;
        await using (var db = database.CreateContext())
        {
            keyId = (await new ActorRegistry(clock).EnsureAsync(db, new ActorRef("org_y", "app_y", "key_y"), default)).ApiKeyId;
        }

        var id = await service.OpenAsync(new OpenIncidentRequest { Title = "x", ApiKeyId = keyId }, responder, default);
        clock.Advance(TimeSpan.FromMinutes(3));
        await service.TransitionAsync(id, IncidentStatus.Acknowledged, null, null, responder, default);
        await service.RequestEnforcementAsync(id, new IncidentEnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [keyId], null, "revoke"), responder, default);
        await using (var db = database.CreateContext())
        {
            await db.Set<EnforcementAction>().ExecuteUpdateAsync(s => s.SetProperty(a => a.State, EnforcementState.Succeeded).SetProperty(a => a.CompletedAt, Start.AddMinutes(9)));
        }

        var job = new MonitorIncidentsJob(database.Factory, new AuditLog(clock), clock, Options.Create(new IncidentsOptions()));
        await job.RecordEnforcementOutcomesAsync(default);
        await job.RecordEnforcementOutcomesAsync(default);

        var details = (await service.GetAsync(id, default))!;
        Assert.Equal(IncidentStatus.Mitigated, details.Incident.Status);
        Assert.Equal(Start.AddMinutes(9), details.Incident.MitigatedAt);
        Assert.Single(details.Timeline, t => t.Kind == TimelineEntryKind.EnforcementOutcome);
        Assert.Equal("ReviewConsole", details.StatusHistory[^1].ChangedBy);
    }

    [Fact]
    public async Task MonitorJob_AppealAgainstLinkedAction_AddsFiledAndDecidedEntriesOnce()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        ActorIds actor;
        await using (var db = database.CreateContext())
        {
            actor = await new ActorRegistry(clock).EnsureAsync(db, new ActorRef("org_p", "app_p", "key_p"), default);
        }

        var id = await service.OpenAsync(new OpenIncidentRequest { Title = "x", ApiKeyId = actor.ApiKeyId }, responder, default);
        var actionIds = await service.RequestEnforcementAsync(id, new IncidentEnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [actor.ApiKeyId], null, "revoke"), responder, default);
        Appeal appeal;
        await using (var db = database.CreateContext())
        {
            appeal = new Appeal { EnforcementActionId = actionIds[0], OrganizationId = actor.OrganizationId, Text = "Our key was shared by a contractor.", SubmittedBy = "org", SubmittedAt = Start.AddHours(1), DueAt = Start.AddDays(3), State = AppealState.Open };
            db.Add(appeal);
            await db.SaveChangesAsync();
        }

        var job = new MonitorIncidentsJob(database.Factory, new AuditLog(clock), clock, Options.Create(new IncidentsOptions()));
        await job.RecordAppealsAsync(default);
        await job.RecordAppealsAsync(default);
        await using (var db = database.CreateContext())
        {
            await db.Set<Appeal>().Where(p => p.Id == appeal.Id).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.State, AppealState.Overturned)
                .SetProperty(p => p.DecidedAt, Start.AddHours(5))
                .SetProperty(p => p.DecidedBy, "lee@example.test"));
        }

        await job.RecordAppealsAsync(default);
        await job.RecordAppealsAsync(default);

        var appeals = (await service.GetAsync(id, default))!.Timeline.Where(t => t.Kind == TimelineEntryKind.Appeal).OrderBy(t => t.At).ToList();
        Assert.Equal(2, appeals.Count);
        Assert.StartsWith($"Appeal #{appeal.Id} filed against enforcement action #{actionIds[0]}", appeals[0].Text, StringComparison.Ordinal);
        Assert.StartsWith($"Appeal #{appeal.Id} overturned by lee@example.test", appeals[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_UnknownOrDuplicateTarget_IsRefused()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        long orgId;
        await using (var db = database.CreateContext())
        {
            orgId = (await new ActorRegistry(clock).EnsureAsync(db, new ActorRef("org_l", "app_l", "key_l"), default)).OrganizationId;
        }

        var id = await service.OpenAsync(new OpenIncidentRequest { Title = "x", OrganizationId = orgId }, responder, default);

        var unknown = await Assert.ThrowsAsync<IncidentRuleException>(() => service.LinkAsync(id, IncidentLinkType.Flag, 424242, responder, default));
        var duplicate = await Assert.ThrowsAsync<IncidentRuleException>(() => service.LinkAsync(id, IncidentLinkType.Organization, orgId, responder, default));
        var noNote = await Assert.ThrowsAsync<IncidentRuleException>(() => service.RequestEnforcementAsync(id, new IncidentEnforcementRequest(EnforcementKind.Warn, EnforcementTargetType.Organization, [orgId], null, " "), responder, default));

        Assert.Equal("There is no Flag with id 424242.", unknown.Message);
        Assert.Equal($"Organization {orgId} is already linked.", duplicate.Message);
        Assert.Equal("Say why: enforcement needs a note.", noNote.Message);
        Assert.Single((await service.GetAsync(id, default))!.Links);
    }

    [Fact]
    public async Task ApproveRetrospective_ByALeadWhoWroteIt_IsRefused_AnotherLeadApproves()
    {
        var lead = await IncidentTestData.StaffAsync(database, Roles.Lead, "lee@example.test");
        var second = await IncidentTestData.StaffAsync(database, Roles.Lead, "lou@example.test");
        var id = await ResolvedAsync(Severity.Sev2, lead);
        await service.SaveRetrospectiveAsync(id, await service.TemplateAsync(id, default), 0, lead, default);
        await service.SubmitRetrospectiveAsync(id, lead, default);

        var error = await Assert.ThrowsAsync<IncidentRuleException>(() => service.ApproveRetrospectiveAsync(id, lead, default));
        Assert.Contains("not one of its authors", error.Message, StringComparison.Ordinal);
        Assert.Equal(RetrospectiveStatus.InReview, (await service.GetAsync(id, default))!.Retrospective!.Status);

        await service.ApproveRetrospectiveAsync(id, second, default);

        Assert.Equal("lou@example.test", (await service.GetAsync(id, default))!.Retrospective!.ApprovedBy);
    }

    [Fact]
    public async Task ApproveRetrospective_ByALeadWhoOnlyEditedADraft_IsRefused()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var lead = await IncidentTestData.StaffAsync(database, Roles.Lead, "lee@example.test");
        var id = await ResolvedAsync(Severity.Sev2, responder);
        var version = await service.SaveRetrospectiveAsync(id, await service.TemplateAsync(id, default), 0, responder, default);
        await service.SaveRetrospectiveAsync(id, await service.TemplateAsync(id, default) with { WentWell = "- the lead's edit" }, version, lead, default);
        await service.SubmitRetrospectiveAsync(id, responder, default);

        await Assert.ThrowsAsync<IncidentRuleException>(() => service.ApproveRetrospectiveAsync(id, lead, default));
    }

    [Fact]
    public async Task UpdateSeverity_AfterResolution_NeedsAReasonThatGoesOnTheTimeline()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var id = await ResolvedAsync(Severity.Sev2, responder);
        var incident = (await service.GetAsync(id, default))!.Incident;
        UpdateIncidentRequest Downgrade(string? reason) => new(incident.Title, incident.Summary, incident.MisuseType, Severity.Sev3, incident.HarmLevel,
            incident.Reversibility, incident.DetectionSource, incident.GenerationsAffected, incident.EndUsersAffected, incident.OrganizationsAffected, incident.AbuseStartedAt, reason);

        await Assert.ThrowsAsync<IncidentRuleException>(() => service.UpdateAsync(id, Downgrade(null), responder, default));
        Assert.Equal(Severity.Sev2, (await service.GetAsync(id, default))!.Incident.Severity);

        await service.UpdateAsync(id, Downgrade("Only three test accounts were involved."), responder, default);

        var details = (await service.GetAsync(id, default))!;
        Assert.Equal(Severity.Sev3, details.Incident.Severity);
        Assert.Contains(details.Timeline, t => t.Text == "Severity changed from SEV2 to SEV3 — Only three test accounts were involved.");
        await using var db = database.CreateContext();
        var audit = await db.Set<AuditEvent>().OrderBy(e => e.Sequence).LastAsync(e => e.Kind == "incident.updated");
        Assert.Equal("Only three test accounts were involved.", audit.Reason);
    }

    [Fact]
    public async Task Close_Sev2DowngradedAfterResolution_StillNeedsItsApprovedRetrospective()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var id = await ResolvedAsync(Severity.Sev2, responder);
        var incident = (await service.GetAsync(id, default))!.Incident;
        await service.UpdateAsync(id, new UpdateIncidentRequest(incident.Title, incident.Summary, incident.MisuseType, Severity.Sev3, incident.HarmLevel,
            incident.Reversibility, incident.DetectionSource, 0, 0, 0, null, "Smaller than thought."), responder, default);

        var error = await Assert.ThrowsAsync<IncidentRuleException>(() => service.TransitionAsync(id, IncidentStatus.Closed, null, null, responder, default));

        Assert.Contains("it was SEV2 when resolved", error.Message, StringComparison.Ordinal);
        Assert.Equal(IncidentStatus.Resolved, (await service.GetAsync(id, default))!.Incident.Status);
    }

    [Fact]
    public async Task ClosedIncident_IsReadOnlyUntilReopened_AndTheReopenIsAudited()
    {
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var id = await ResolvedAsync(Severity.Sev4, responder);
        await service.TransitionAsync(id, IncidentStatus.Closed, null, null, responder, default);
        var incident = (await service.GetAsync(id, default))!.Incident;

        await Assert.ThrowsAsync<IncidentRuleException>(() => service.AddNoteAsync(id, "late note", responder, default));
        await Assert.ThrowsAsync<IncidentRuleException>(() => service.UpdateAsync(id, new UpdateIncidentRequest("Renamed", incident.Summary, incident.MisuseType, incident.Severity,
            incident.HarmLevel, incident.Reversibility, incident.DetectionSource, 0, 0, 0, null), responder, default));
        await Assert.ThrowsAsync<IncidentRuleException>(() => service.SaveRetrospectiveAsync(id, new RetrospectiveSections("s", "", "", "", "", "", "", "", ""), 0, responder, default));
        await Assert.ThrowsAsync<IncidentRuleException>(() => service.ReopenAsync(id, " ", responder, default));

        await service.ReopenAsync(id, "New evidence from the platform team.", responder, default);
        await service.AddNoteAsync(id, "late note", responder, default);

        var details = (await service.GetAsync(id, default))!;
        Assert.Equal(IncidentStatus.Resolved, details.Incident.Status);
        Assert.Equal("Resolved one", details.Incident.Title);
        Assert.Contains(details.Timeline, t => t.Text.Contains("Reopened: New evidence from the platform team.", StringComparison.Ordinal));
        await using var db = database.CreateContext();
        var reopened = await db.Set<AuditEvent>().SingleAsync(e => e.Kind == "incident.reopened");
        Assert.Equal((responder.Id, id.ToString(System.Globalization.CultureInfo.InvariantCulture), "New evidence from the platform team."), (reopened.ActorId, reopened.TargetId, reopened.Reason));
    }

    private async Task<long> ResolvedAsync(Severity severity, StaffUser by)
    {
        var id = await service.OpenAsync(new OpenIncidentRequest { Title = "Resolved one", Severity = severity }, by, default);
        foreach (var status in new[] { IncidentStatus.Acknowledged, IncidentStatus.Mitigated, IncidentStatus.Resolved })
        {
            clock.Advance(TimeSpan.FromMinutes(10));
            await service.TransitionAsync(id, status, null, null, by, default);
        }

        return id;
    }

    public void Dispose() => database.Dispose();
}
