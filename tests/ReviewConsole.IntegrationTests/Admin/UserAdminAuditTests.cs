using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Audit;
using ReviewConsole.Features.Admin;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Admin;

public sealed class UserAdminAuditTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new() { Clock = new FakeTimeProvider(DateTimeOffset.UtcNow) };

    [Fact]
    public async Task SetRoles_Audited_WithBeforeAndAfter()
    {
        var (service, admin) = await AdminAsync();
        var reviewer = await UserIdAsync(Roles.Reviewer);

        var result = await service.SetRolesAsync(reviewer, [Roles.Reviewer, Roles.Lead], admin, "Promoted to lead of the night shift");

        Assert.True(result.Succeeded, result.Message);
        var changed = Assert.Single(await EventsAsync(AuditKinds.RolesChanged));
        Assert.Equal(admin.Id, changed.ActorId);
        Assert.Equal(reviewer, changed.TargetId);
        Assert.Equal("Promoted to lead of the night shift", changed.Reason);
        Assert.Equal(["Reviewer"], RolesOf(changed.BeforeJson));
        Assert.Equal(["Lead", "Reviewer"], RolesOf(changed.AfterJson));
    }

    [Fact]
    public async Task SetRoles_Unchanged_NotAudited()
    {
        var (service, admin) = await AdminAsync();
        var reviewer = await UserIdAsync(Roles.Reviewer);

        await service.SetRolesAsync(reviewer, [Roles.Reviewer], admin);

        Assert.Empty(await EventsAsync(AuditKinds.RolesChanged));
    }

    [Fact]
    public async Task InviteAndDisable_Audited()
    {
        var (service, admin) = await AdminAsync();

        var invited = await service.InviteAsync(new InviteUserRequest { Email = "new.reviewer@example.test", DisplayName = "New Reviewer", Roles = [Roles.Reviewer] }, admin);
        var users = await service.ListAsync(default);
        var id = users.Single(u => u.Email == "new.reviewer@example.test").Id;
        var disabled = await service.SetDisabledAsync(id, true, admin);

        Assert.True(invited.Succeeded && disabled.Succeeded);
        Assert.Equal(id, Assert.Single(await EventsAsync(AuditKinds.Invited)).TargetId);
        var disabledEvent = Assert.Single(await EventsAsync(AuditKinds.Disabled));
        Assert.Contains("\"disabled\":false", disabledEvent.BeforeJson, StringComparison.Ordinal);
        Assert.Contains("\"disabled\":true", disabledEvent.AfterJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisableUser_OpenSession_EndsAfterRevalidationInterval()
    {
        using var reviewer = await factory.CreateSignedInAsync(Roles.Reviewer);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync(new Uri("/flags", UriKind.Relative))).StatusCode);
        var (service, admin) = await AdminAsync();

        await service.SetDisabledAsync(await UserIdAsync(Roles.Reviewer), true, admin);
        factory.Clock!.Advance(TimeSpan.FromSeconds(31));
        var after = await reviewer.GetAsync(new Uri("/flags", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/Account/Login", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoveRole_OpenSession_LosesAccessAfterRevalidationInterval()
    {
        using var lead = await factory.CreateSignedInAsync(Roles.Lead);
        Assert.Equal(HttpStatusCode.OK, (await lead.GetAsync(new Uri("/dashboard", UriKind.Relative))).StatusCode);
        var (service, admin) = await AdminAsync();

        await service.SetRolesAsync(await UserIdAsync(Roles.Lead), [Roles.Reviewer], admin);
        factory.Clock!.Advance(TimeSpan.FromSeconds(31));
        var after = await lead.GetAsync(new Uri("/dashboard", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    private async Task<(UserAdminService Service, StaffUser Admin)> AdminAsync()
    {
        var service = factory.Services.GetRequiredService<UserAdminService>();
        return (service, new StaffUser(await UserIdAsync(Roles.Admin), DemoUsers.All.Single(u => u.Role == Roles.Admin).Email));
    }

    private async Task<string> UserIdAsync(string role)
    {
        _ = factory.Services;
        var email = DemoUsers.All.Single(u => u.Role == role).Email;
        await using var db = factory.Database.CreateContext();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    private async Task<List<AuditEvent>> EventsAsync(string kind)
    {
        await using var db = factory.Database.CreateContext();
        return await db.Set<AuditEvent>().AsNoTracking().Where(e => e.Kind == kind).OrderBy(e => e.Sequence).ToListAsync();
    }

    private static List<string> RolesOf(string? json) =>
        JsonDocument.Parse(json!).RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToList();

    public void Dispose() => factory.Dispose();
}
