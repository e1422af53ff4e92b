using System.Net;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Security;

public sealed class SignInAuditTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new();

    [Fact]
    public async Task SignIn_Success_AuditedWithUserAndMethod()
    {
        var reviewer = DemoUsers.All.Single(u => u.Role == Roles.Reviewer);
        using var client = await factory.CreateSignedInAsync(Roles.Reviewer);

        var events = await EventsAsync(AuditKinds.SignedIn);

        var signedIn = Assert.Single(events);
        Assert.Equal(reviewer.Email, signedIn.ActorName);
        Assert.Equal(signedIn.ActorId, signedIn.TargetId);
        Assert.Contains("\"method\":\"password\"", signedIn.AfterJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WrongPasswordThenLockout_AuditedEachTime()
    {
        var lead = DemoUsers.All.Single(u => u.Role == Roles.Lead);
        using var client = factory.CreateAnonymous();

        for (var i = 0; i < 4; i++)
        {
            var failed = await client.PostLoginAsync(lead.Email, "not-the-password-1");
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        var locked = await client.PostLoginAsync(lead.Email, "not-the-password-1");
        var afterLockout = await client.PostLoginAsync(lead.Email, DemoUsers.Password);

        Assert.Equal(HttpStatusCode.Redirect, locked.StatusCode);
        Assert.Contains("Lockout", locked.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, afterLockout.StatusCode);
        Assert.Contains("Lockout", afterLockout.Headers.Location!.ToString(), StringComparison.Ordinal);
        var failures = await EventsAsync(AuditKinds.SignInFailed);
        Assert.Equal(4, failures.Count);
        Assert.All(failures, e => Assert.Equal("wrong credentials", e.Reason));
        Assert.Equal(2, (await EventsAsync(AuditKinds.LockedOut)).Count);
        Assert.Empty(await EventsAsync(AuditKinds.SignedIn));
    }

    [Fact]
    public async Task SignIn_UnknownAccount_AuditedWithoutPassword()
    {
        using var client = factory.CreateAnonymous();

        await client.PostLoginAsync("ghost@example.test", "Secret-Guess-123");

        var failed = Assert.Single(await EventsAsync(AuditKinds.SignInFailed));
        Assert.Equal("ghost@example.test", failed.TargetId);
        Assert.Equal("unknown account", failed.Reason);
        Assert.DoesNotContain("Secret-Guess-123", failed.Summary + failed.AfterJson + failed.Reason, StringComparison.Ordinal);
    }

    private async Task<List<AuditEvent>> EventsAsync(string kind)
    {
        await using var db = factory.Database.CreateContext();
        return await db.Set<AuditEvent>().AsNoTracking().Where(e => e.Kind == kind).OrderBy(e => e.Sequence).ToListAsync();
    }

    public void Dispose() => factory.Dispose();
}
