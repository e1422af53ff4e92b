using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Dashboard;
using ReviewConsole.Features.Incidents;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Dashboard;

public sealed class DashboardOperationsTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new();

    [Fact]
    public async Task Operations_SeededWork_CountsQueuesReviewersEnforcementAndIncidents()
    {
        // The outbox poller would execute the Pending action under the test; the dashboard is read as written.
        factory.Settings["Enforcement:PollerEnabled"] = "false";
        // Nor may a Hangfire worker run them: actions are handed to Hangfire at commit.
        factory.Settings["Hangfire:ServerEnabled"] = "false";
        using var client = factory.CreateAnonymous(); // starts the app: demo users, use cases and incidents are seeded
        int pendingBefore;
        await using (var db = factory.Database.CreateContext())
        {
            pendingBefore = await db.Set<EnforcementAction>().CountAsync(a => a.State == EnforcementState.Pending);
            var now = DateTimeOffset.UtcNow;
            var reviewer = await db.Users.SingleAsync(u => u.Email == "reviewer@demo.local");
            var org = await db.Set<Data.Actors.Organization>().FirstAsync();
            var key = await db.Set<Data.Actors.ApiKey>().FirstAsync(k => k.OrganizationId == org.Id);
            Flag NewFlag(string id, string category, FlagStatus status, DateTimeOffset created, DateTimeOffset due) => new()
            {
                UpstreamId = id,
                TopCategory = category,
                Status = status,
                CreatedAt = created,
                IngestedAt = created,
                SlaDueAt = due,
                OrganizationId = org.Id,
                ApplicationId = key.ApplicationId,
                ApiKeyId = key.Id,
            };
            var leased = NewFlag("d1", "hate", FlagStatus.New, now.AddHours(-5), now.AddHours(-1));
            leased.LeaseOwner = reviewer.Id;
            leased.LeaseExpiresAt = now.AddMinutes(5);
            var decided = NewFlag("d4", "hate", FlagStatus.Decided, now.AddHours(-1), now.AddHours(3));
            db.AddRange(leased, NewFlag("d2", "hate", FlagStatus.New, now.AddHours(-2), now.AddHours(2)), NewFlag("d3", "spam", FlagStatus.Escalated, now.AddHours(-3), now.AddHours(-2)), decided);
            await db.SaveChangesAsync();
            db.Add(new FlagDecision { FlagId = decided.Id, DecidedBy = reviewer.Id, DecidedAt = now.AddMinutes(-1), Verdict = Verdict.Violation });
            db.Add(new IngestionError { Reason = "missing org_id", ReceivedAt = now.AddHours(-2) });
            db.Add(new EnforcementAction { Kind = EnforcementKind.RevokeKey, State = EnforcementState.DeadLettered, TargetId = key.Id, OrganizationId = org.Id, RequestedBy = "x", RequestedAt = now, IdempotencyKey = "dl-1" });
            db.Add(new EnforcementAction { Kind = EnforcementKind.RevokeKey, State = EnforcementState.Pending, TargetId = key.Id, OrganizationId = org.Id, RequestedBy = "x", RequestedAt = now, IdempotencyKey = "p-1" });
            await db.SaveChangesAsync();
        }

        var ops = await factory.Services.GetRequiredService<DashboardService>().GetOperationsAsync(default);

        Assert.Equal(3, ops.OpenFlags);
        Assert.Equal(2, ops.SlaBreached);
        Assert.Equal([("Escalated", "spam", 1), ("New", "hate", 2)], ops.Queues.Select(q => (q.Queue, q.Category, q.Open)));
        Assert.Equal(1, ops.DecisionsToday);
        Assert.Equal(1, ops.ReviewersOnline);
        var reviewerRow = Assert.Single(ops.Reviewers);
        Assert.True(reviewerRow.HoldsLease);
        Assert.Equal("Riley Reviewer", reviewerRow.Name);
        Assert.Equal(1, ops.DeadLetters);
        Assert.Contains((EnforcementState.Pending, pendingBefore + 1), ops.EnforcementBacklog);
        Assert.Equal(1, ops.IngestionErrors24h);
        // Demo incidents: the resolved-but-not-closed SEV2 counts as open; its action item due yesterday is overdue.
        var major = Assert.Single(ops.OpenMajorIncidents);
        Assert.Equal(IncidentDemoSeeder.InfluenceOperationTitle, major.Title);
        Assert.Equal(IncidentStatus.Resolved, major.Status);
        Assert.Equal("Alert on organizations creating more than 10 keys a day", Assert.Single(ops.OverdueActionItems).Title);
    }

    [Fact]
    public async Task DashboardPage_AsLead_RendersOperationsCardsAndKeepsHealth()
    {
        using var client = await factory.CreateSignedInAsync(Roles.Lead);

        var html = await client.GetStringAsync(new Uri("/dashboard", UriKind.Relative));

        Assert.Contains("data-testid=\"health-database\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"ops-major-incidents\"", html, StringComparison.Ordinal);
        Assert.Contains("Open SEV1/SEV2 incidents", html, StringComparison.Ordinal);
        Assert.Contains("Overdue action items", html, StringComparison.Ordinal);
    }

    public void Dispose() => factory.Dispose();
}
