using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Queue;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Tests.Flags.Triage;

namespace ReviewConsole.Tests.Flags.Queue;

public sealed class FlagQueueServiceTests : IDisposable
{
    private readonly TriageFixture fixture = new();

    [Theory]
    [InlineData(QueueSort.Priority, true)]
    [InlineData(QueueSort.Priority, false)]
    [InlineData(QueueSort.CreatedAt, true)]
    [InlineData(QueueSort.CreatedAt, false)]
    [InlineData(QueueSort.SlaDueAt, false)]
    [InlineData(QueueSort.TopScore, true)]
    public async Task GetPage_KeysetPagingWithTies_ReturnsEveryRowExactlyOnceInOrder(QueueSort sort, bool descending)
    {
        var actor = await fixture.ActorAsync();
        var baseTime = fixture.Clock.GetUtcNow().AddDays(-1);
        var ids = new List<long>();
        for (var i = 0; i < 53; i++)
        {
            // Only 4 distinct values per sort key: most rows tie with their neighbours.
            ids.Add(await fixture.FlagAsync(actor, priority: i % 4 * 10, createdAt: baseTime.AddMinutes(i % 4), scores: [("hate", 0.5 + (i % 4 / 10.0), true)]));
        }

        var filter = new FlagQueueFilter { Status = QueueStatusFilter.All, Sort = sort, Descending = descending };
        var seen = new List<FlagSummary>();
        FlagQueueCursor? cursor = null;
        var pages = 0;
        do
        {
            var page = await fixture.Queue.GetPageAsync(filter, cursor, 10, default);
            seen.AddRange(page.Items);
            cursor = page.Next;
            pages++;
        }
        while (cursor is not null && pages < 20);

        Assert.Equal(6, pages);
        Assert.Equal(ids.Order(), seen.Select(s => s.Id).Order());
        Assert.Equal(53, seen.Select(s => s.Id).Distinct().Count());
        Func<FlagSummary, double> key = sort switch
        {
            QueueSort.Priority => s => s.Priority,
            QueueSort.CreatedAt => s => s.CreatedAt.UtcTicks,
            QueueSort.SlaDueAt => s => s.SlaDueAt.UtcTicks,
            _ => s => s.TopScore,
        };
        var expected = descending
            ? seen.OrderByDescending(key).ThenByDescending(s => s.Id)
            : seen.OrderBy(key).ThenBy(s => s.Id);
        Assert.Equal(expected.Select(s => s.Id), seen.Select(s => s.Id));
    }

    [Fact]
    public async Task GetPage_Filters_NarrowByCategoryOrgStatusSlaAndScore()
    {
        var a = await fixture.ActorAsync("org_alpha", "app_1", "key_1");
        var b = await fixture.ActorAsync("org_beta", "app_2", "key_2");
        var hate = await fixture.FlagAsync(a, scores: [("hate", 0.9, true)]);
        var violence = await fixture.FlagAsync(b, scores: [("violence", 0.4, true), ("hate", 0.3, true)]);
        var old = await fixture.FlagAsync(b, createdAt: fixture.Clock.GetUtcNow().AddDays(-3), scores: [("spam", 0.6, true)]);
        var decided = await fixture.FlagAsync(a, status: FlagStatus.Decided);

        async Task<IEnumerable<long>> Ids(FlagQueueFilter filter) => (await fixture.Queue.GetPageAsync(filter, null, 50, default)).Items.Select(i => i.Id).Order();

        Assert.Equal(new[] { hate, violence }.Order(), await Ids(new FlagQueueFilter { Category = "hate" }));
        Assert.Equal(new[] { violence, old }.Order(), await Ids(new FlagQueueFilter { Organization = "org_beta" }));
        Assert.Equal([decided], await Ids(new FlagQueueFilter { Status = QueueStatusFilter.Decided }));
        Assert.Equal([old], await Ids(new FlagQueueFilter { Sla = SlaState.Breached }));
        Assert.Equal([old], await Ids(new FlagQueueFilter { Age = AgeFilter.OlderThanDay }));
        Assert.Equal(new[] { violence, old }.Order(), await Ids(new FlagQueueFilter { MinScore = 0.35, MaxScore = 0.7 }));
        Assert.Empty(await Ids(new FlagQueueFilter { Classifier = "other" }));
    }

    [Fact]
    public async Task SavedFilters_SaveReplaceAndDelete_AreOwnedByTheReviewer()
    {
        var alice = new StaffUser("u-alice", "alice");
        var bob = new StaffUser("u-bob", "bob");
        await fixture.Queue.SaveFilterAsync(alice, "Breached hate", new FlagQueueFilter { Category = "hate", Sla = SlaState.Breached }, default);
        var replaced = await fixture.Queue.SaveFilterAsync(alice, "Breached hate", new FlagQueueFilter { Category = "hate", Sla = SlaState.Breached, Sort = QueueSort.SlaDueAt, Descending = false }, default);

        var mine = Assert.Single(await fixture.Queue.SavedFiltersAsync(alice.Id, default));
        Assert.Equal(QueueSort.SlaDueAt, mine.Filter.Sort);
        Assert.Equal(SlaState.Breached, mine.Filter.Sla);
        Assert.Empty(await fixture.Queue.SavedFiltersAsync(bob.Id, default));
        Assert.False(await fixture.Queue.DeleteFilterAsync(bob, replaced.Id, default));
        Assert.True(await fixture.Queue.DeleteFilterAsync(alice, replaced.Id, default));
        Assert.Empty(await fixture.Queue.SavedFiltersAsync(alice.Id, default));
    }

    [Fact]
    public async Task GetPage_LeasedFlag_ShowsWhoHoldsIt()
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimAsync(new StaffUser("u-alice", "alice"), TriageRights.Reviewer, flag, default);

        var row = Assert.Single((await fixture.Queue.GetPageAsync(new FlagQueueFilter(), null, 10, default)).Items);

        Assert.Equal("u-alice", row.LeaseOwnerName);
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(1, await db.Set<Flag>().CountAsync());
    }

    public void Dispose() => fixture.Dispose();
}
