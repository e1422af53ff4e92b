using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Enforcement;

namespace ReviewConsole.Tests.Actors;

public sealed class ActorServiceTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly EnforcementHarness node;

    public ActorServiceTests() => node = new EnforcementHarness(database);

    private ActorService Actors => node.Get<ActorService>();

    private async Task<ActorIds> SeedAsync()
    {
        await using var db = database.CreateContext();
        var registry = new ActorRegistry(TimeProvider.System);
        var ids = await registry.EnsureAsync(db, new ActorRef("org_acme", "app_chat", "key_live_1"), default);
        await registry.EnsureAsync(db, new ActorRef("org_acme", "app_chat", "key_live_2"), default);
        await registry.EnsureAsync(db, new ActorRef("org_other", "app_other", "key_other"), default);
        await db.Set<Organization>().Where(o => o.Id == ids.OrganizationId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Name, "Acme Robotics"));
        var flag = new Flag { UpstreamId = "f-1", OrganizationId = ids.OrganizationId, ApplicationId = ids.ApplicationId, ApiKeyId = ids.ApiKeyId, TopCategory = "spam", TopScore = 0.93, Model = "m-1", CreatedAt = DateTimeOffset.UtcNow.AddHours(-2), SlaDueAt = DateTimeOffset.UtcNow };
        db.Add(flag);
        await db.SaveChangesAsync();
        db.Add(new FlagDecision { FlagId = flag.Id, OrganizationId = flag.OrganizationId, Verdict = Verdict.Violation, Action = DecisionAction.RevokeKey, DecidedBy = "u1", DecidedByName = "riley", DecidedAt = DateTimeOffset.UtcNow.AddHours(-1) });
        await db.SaveChangesAsync();
        return ids;
    }

    [Fact]
    public async Task Organizations_MostFlaggedFirst_WithCounts()
    {
        var ids = await SeedAsync();

        var rows = await Actors.OrganizationsAsync(10, default);

        Assert.Equal(2, rows.Count);
        var acme = rows[0];
        Assert.Equal(ids.OrganizationId, acme.Id);
        Assert.Equal((1, 2, 2, 1), (acme.Applications, acme.Keys, acme.ActiveKeys, acme.FlagsLast7Days));
    }

    [Fact]
    public async Task Search_ByNameIdOrPrefix_FindsEveryLevel()
    {
        await SeedAsync();

        var byName = await Actors.SearchAsync("Acme", default);
        var byKey = await Actors.SearchAsync("key_live", default);

        Assert.Contains(byName, h => h.Kind == ActorKind.Organization && h.Label == "Acme Robotics");
        Assert.Equal(2, byKey.Count(h => h.Kind == ActorKind.ApiKey));
        Assert.Empty(await Actors.SearchAsync("  ", default));
    }

    [Fact]
    public async Task Get_KeyWithHistory_ShowsTimelineAndOpenSanctions()
    {
        var ids = await SeedAsync();
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        await using (var db = database.CreateContext())
        {
            await db.InTransactionAsync(
                async ct =>
                {
                    await node.Get<EnforcementService>().RequestAsync(db, new EnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [ids.ApiKeyId], EnforcementReason.Manual, null, "MU-1", "spam"), reviewer, default);
                },
                CancellationToken.None);
        }

        await node.DrainAsync(TimeSpan.FromSeconds(20));

        var key = await Actors.GetAsync(ActorKind.ApiKey, ids.ApiKeyId, default);
        var org = await Actors.GetAsync(ActorKind.Organization, ids.OrganizationId, default);

        Assert.NotNull(key);
        Assert.Equal("Revoked", key.Status);
        Assert.Single(key.OpenSanctions);
        Assert.Contains(key.Timeline, e => e.Kind == "Flag");
        Assert.Contains(key.Timeline, e => e.Kind == "Decision");
        Assert.Contains(key.Timeline, e => e.Title.StartsWith("Carried out", StringComparison.Ordinal));
        Assert.NotNull(org);
        Assert.Single(org.Applications);
        Assert.Equal(2, org.Keys.Count);
        Assert.Null(await Actors.GetAsync(ActorKind.Application, 9999, default));
    }

    [Fact]
    public async Task Get_OrganizationWithThousandsOfActions_FindsOldOpenSanctionsAndCountsBeyondTheList()
    {
        var ids = await SeedAsync();
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        var n = 0;
        EnforcementAction Action(EnforcementKind kind, long? reverses = null, EnforcementState state = EnforcementState.Succeeded) => new()
        {
            Kind = kind,
            State = state,
            TargetType = EnforcementTargetType.ApiKey,
            TargetId = ids.ApiKeyId,
            OrganizationId = ids.OrganizationId,
            Reason = reverses is null ? EnforcementReason.Decision : EnforcementReason.Appeal,
            RequestedBy = "riley",
            RequestedAt = start.AddMinutes(++n),
            CompletedAt = state == EnforcementState.Succeeded ? start.AddMinutes(n) : null,
            IdempotencyKey = "t-" + n,
            ReversesActionId = reverses,
        };

        long oldestOpen, reversedSanction;
        await using (var db = database.CreateContext())
        {
            // The oldest action is a sanction still in force; another sanction was reversed on appeal.
            var first = Action(EnforcementKind.RestrictModelAccess);
            var second = Action(EnforcementKind.SetRateLimit);
            db.AddRange(first, second);
            await db.SaveChangesAsync();
            (oldestOpen, reversedSanction) = (first.Id, second.Id);
            db.Add(Action(EnforcementKind.SetLimits, reverses: second.Id));

            // Then 400 notices (more than the timeline reads) and 60 more sanctions in force, 3 in flight.
            db.AddRange(Enumerable.Range(0, 400).Select(_ => Action(EnforcementKind.SendNotice)));
            db.AddRange(Enumerable.Range(0, 60).Select(_ => Action(EnforcementKind.SetQuota)));
            db.AddRange(Enumerable.Range(0, 3).Select(_ => Action(EnforcementKind.RevokeKey, state: EnforcementState.Pending)));
            await db.SaveChangesAsync();
        }

        var org = await Actors.GetAsync(ActorKind.Organization, ids.OrganizationId, default);

        Assert.NotNull(org);
        Assert.Equal(61, org.OpenSanctionCount);
        Assert.Equal(ActorService.SanctionsShown, org.OpenSanctions.Count);
        Assert.Equal(org.OpenSanctions.OrderByDescending(x => x.Id).Select(x => x.Id), org.OpenSanctions.Select(x => x.Id));
        Assert.DoesNotContain(org.OpenSanctions, x => x.Id == reversedSanction);
        Assert.Equal((1, reversedSanction), (org.EndedSanctionCount, Assert.Single(org.EndedSanctions).Id));
        Assert.Equal((3, 3), (org.InFlightCount, org.InFlight.Count));
        Assert.True(org.Timeline.Count <= 300);

        // Once the newer sanctions are reversed too, the oldest one (behind 460 newer actions) is listed.
        await using (var db = database.CreateContext())
        {
            var quotas = await db.Set<EnforcementAction>().Where(a => a.Kind == EnforcementKind.SetQuota).Select(a => a.Id).ToListAsync();
            db.AddRange(quotas.Select(q => Action(EnforcementKind.SetLimits, reverses: q)));
            await db.SaveChangesAsync();
        }

        org = await Actors.GetAsync(ActorKind.Organization, ids.OrganizationId, default);
        Assert.NotNull(org);
        Assert.Equal((1, oldestOpen), (org.OpenSanctionCount, Assert.Single(org.OpenSanctions).Id));
        Assert.Equal(61, org.EndedSanctionCount);
        Assert.Equal(ActorService.EndedShown, org.EndedSanctions.Count);
    }

    [Fact]
    public async Task Get_OrganizationWithUseCaseAndIncident_ShowsBothOnTheTimeline()
    {
        var ids = await SeedAsync();
        var now = DateTimeOffset.UtcNow;
        await using (var db = database.CreateContext())
        {
            var category = new GuidelineCategory { Key = "support", Name = "Customer support", UpdatedAt = now };
            db.Add(category);
            await db.SaveChangesAsync();
            db.Add(new UseCaseSubmission { Name = "Helpdesk bot", OrganizationId = ids.OrganizationId, ApplicationId = ids.ApplicationId, CategoryId = category.Id, SubmittedAt = now.AddDays(-3), LastSubmittedAt = now.AddDays(-3), SlaDueAt = now });
            var incident = new Incident { Title = "Spam wave", OpenedBy = "lead", DetectedAt = now.AddHours(-5), OpenedAt = now.AddHours(-5), LastUpdateAt = now };
            db.Add(incident);
            await db.SaveChangesAsync();
            db.Add(new IncidentLink { IncidentId = incident.Id, Type = IncidentLinkType.Organization, TargetId = ids.OrganizationId, LinkedBy = "lead", LinkedAt = now });
            await db.SaveChangesAsync();
        }

        var org = await Actors.GetAsync(ActorKind.Organization, ids.OrganizationId, default);
        var key = await Actors.GetAsync(ActorKind.ApiKey, ids.ApiKeyId, default);

        Assert.NotNull(org);
        Assert.Contains(org.Timeline, e => e.Kind == "Use case" && e.Title.Contains("Helpdesk bot", StringComparison.Ordinal));
        Assert.Contains(org.Timeline, e => e.Kind == "Incident" && e.Title.Contains("Spam wave", StringComparison.Ordinal) && e.Href!.StartsWith("/incidents/", StringComparison.Ordinal));
        // A key shows its application's use case; the incident named the organization, not the key.
        Assert.NotNull(key);
        Assert.Contains(key.Timeline, e => e.Kind == "Use case");
        Assert.DoesNotContain(key.Timeline, e => e.Kind == "Incident");
    }

    [Fact]
    public async Task ImportUsage_OneBadLine_RefusesTheFileWithLineNumbersAndStoresNothing()
    {
        await SeedAsync();
        var lead = await EnforcementHarness.CreateStaffAsync(database, Roles.Lead);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var result = await node.Get<UsageService>().ImportCsvAsync($"key_id,date,tokens,requests\nkey_live_1,{today},1200,3\nkey_live_2,{today},-5,1\nkey_missing,{today},10,1", lead, default);

        Assert.False(result.Accepted);
        Assert.Equal([3, 4], result.Errors.Select(e => e.Row));
        Assert.Contains(result.Errors, e => e.Errors.Any(x => x.Contains("tokens", StringComparison.Ordinal)));
        Assert.Contains(result.Errors, e => e.Errors.Any(x => x.Contains("Unknown key id 'key_missing'", StringComparison.Ordinal)));
        await using var db = database.CreateContext();
        Assert.Equal(0, await db.Set<KeyUsageDay>().CountAsync());
        Assert.Equal(0, (await db.Set<ApiKey>().SingleAsync(k => k.ExternalId == "key_live_1")).TokensUsedThisMonth);
    }

    [Fact]
    public async Task ImportUsage_GoodFileTwice_StoresEachDayOnceAndSumsTheMonth()
    {
        await SeedAsync();
        var lead = await EnforcementHarness.CreateStaffAsync(database, Roles.Lead);
        var today = DateTime.UtcNow.Date;
        var yesterday = today.Day > 1 ? today.AddDays(-1) : today;
        string Day(DateTime d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var csv = yesterday == today
            ? $"key_id,date,tokens,requests\nkey_live_1,{Day(today)},1200,3"
            : $"key_id,date,tokens,requests,end_users\nkey_live_1,{Day(yesterday)},1000,3,\n\"key_live_1\",{Day(today)},200,1,4";

        var first = await node.Get<UsageService>().ImportCsvAsync(csv, lead, default);
        var second = await node.Get<UsageService>().ImportCsvAsync(csv, lead, default);

        Assert.True(first.Accepted, first.Message);
        Assert.True(second.Accepted, second.Message);
        Assert.Equal(0, second.Inserted + second.Replaced);
        await using var db = database.CreateContext();
        Assert.Equal(yesterday == today ? 1 : 2, await db.Set<KeyUsageDay>().CountAsync());
        Assert.Equal(1200, (await db.Set<ApiKey>().SingleAsync(k => k.ExternalId == "key_live_1")).TokensUsedThisMonth);
    }

    public void Dispose()
    {
        node.Dispose();
        database.Dispose();
    }
}
