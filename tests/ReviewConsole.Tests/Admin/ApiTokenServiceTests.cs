using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Admin;
using ReviewConsole.Features.Admin;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Admin;

public sealed class ApiTokenServiceTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly ApiTokenService tokens;
    private readonly StaffUser admin = new("a-1", "admin@example.test");

    public ApiTokenServiceTests()
    {
        tokens = new ApiTokenService(database.Factory, new AuditLog(clock), clock);
    }

    [Fact]
    public async Task Issue_StoresOnlyHash_AndSecretValidates()
    {
        var issued = await tokens.IssueAsync(new IssueTokenRequest("pipeline", [ApiScopes.FlagsWrite], null), admin, default);

        await using var db = database.CreateContext();
        var stored = await db.Set<ApiToken>().SingleAsync();
        Assert.NotEqual(issued.Secret, stored.SecretHash);
        Assert.DoesNotContain(issued.Secret, stored.SecretHash + stored.Prefix + stored.Name);
        var valid = await tokens.ValidateAsync(issued.Secret, default);
        Assert.NotNull(valid);
        Assert.Equal([ApiScopes.FlagsWrite], valid.Scopes);
    }

    [Fact]
    public async Task Validate_ExpiredRevokedOrWrong_ReturnsNull()
    {
        var expiring = await tokens.IssueAsync(new IssueTokenRequest("short", [ApiScopes.FlagsWrite], clock.GetUtcNow().AddHours(1)), admin, default);
        var revoked = await tokens.IssueAsync(new IssueTokenRequest("revoked", [ApiScopes.AppealsWrite], null), admin, default);
        await tokens.RevokeAsync(revoked.Id, admin, default);

        clock.Advance(TimeSpan.FromHours(2));

        Assert.Null(await tokens.ValidateAsync(expiring.Secret, default));
        Assert.Null(await tokens.ValidateAsync(revoked.Secret, default));
        Assert.Null(await tokens.ValidateAsync(expiring.Secret + "x", default));
        Assert.Null(await tokens.ValidateAsync("", default));
    }

    [Fact]
    public async Task Issue_UnknownScope_IsRefused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            tokens.IssueAsync(new IssueTokenRequest("bad", ["everything:write"], null), admin, default));
        Assert.Contains("Unknown scope", error.Message);
    }

    [Fact]
    public async Task Validate_RecordsLastUsed()
    {
        var issued = await tokens.IssueAsync(new IssueTokenRequest("pipeline", [ApiScopes.FlagsWrite], null), admin, default);

        await tokens.ValidateAsync(issued.Secret, default);

        var listed = Assert.Single(await tokens.ListAsync(default));
        Assert.Equal(clock.GetUtcNow(), listed.LastUsedAt);
    }

    public void Dispose() => database.Dispose();
}
