using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Incidents;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Incidents;

public sealed class ActionItemTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 5, 10, 22, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("2026-05-09", ActionItemStatus.Open, true)]
    [InlineData("2026-05-10", ActionItemStatus.Open, false)]
    [InlineData("2026-05-11", ActionItemStatus.Open, false)]
    [InlineData("2026-05-01", ActionItemStatus.Done, false)]
    [InlineData("2026-05-01", ActionItemStatus.WontDo, false)]
    public void IsOverdue_ByDueDateAndStatus_OnlyOpenItemsPastTheirDay(string due, ActionItemStatus status, bool expected) =>
        Assert.Equal(expected, IncidentService.IsOverdue(status, DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture), clock.GetUtcNow()));

    [Fact]
    public async Task ActionItem_WhenTheClockPassesItsDueDay_BecomesOverdueUntilDone()
    {
        var service = IncidentTestData.Service(database, clock);
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var id = await service.OpenAsync(new OpenIncidentRequest { Title = "x" }, responder, default);
        var itemId = await service.AddActionItemAsync(id, new NewActionItem("Add a bulk-key alert", responder.Id, "Ines", new DateOnly(2026, 5, 11)), responder, default);

        Assert.False(Single(await service.GetAsync(id, default)).Overdue);
        clock.Advance(TimeSpan.FromHours(25)); // 2026-05-11 23:00: due today, not overdue yet
        Assert.False(Single(await service.GetAsync(id, default)).Overdue);
        clock.Advance(TimeSpan.FromHours(1)); // 2026-05-12 00:00
        Assert.True(Single(await service.GetAsync(id, default)).Overdue);

        await service.SetActionItemStatusAsync(itemId, ActionItemStatus.Done, null, responder, default);
        var done = Single(await service.GetAsync(id, default));
        Assert.False(done.Overdue);
        Assert.Equal(ActionItemStatus.Done, done.Status);
    }

    [Fact]
    public async Task WontDo_WithoutReason_IsRefused()
    {
        var service = IncidentTestData.Service(database, clock);
        var responder = await IncidentTestData.StaffAsync(database, Roles.IncidentResponder, "ines@example.test");
        var id = await service.OpenAsync(new OpenIncidentRequest { Title = "x" }, responder, default);
        var itemId = await service.AddActionItemAsync(id, new NewActionItem("Retrain", responder.Id, "Ines", new DateOnly(2026, 6, 1)), responder, default);

        await Assert.ThrowsAsync<IncidentRuleException>(() => service.SetActionItemStatusAsync(itemId, ActionItemStatus.WontDo, " ", responder, default));
        await service.SetActionItemStatusAsync(itemId, ActionItemStatus.WontDo, "Superseded by the new classifier", responder, default);

        var item = Single(await service.GetAsync(id, default));
        Assert.Equal(ActionItemStatus.WontDo, item.Status);
        Assert.Equal("Superseded by the new classifier", item.Resolution);
    }

    private static ActionItemView Single(IncidentDetails? details) => Assert.Single(details!.ActionItems);

    public void Dispose() => database.Dispose();
}
