using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Data.System;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Foundation;

/// <summary>
/// What differs between the database providers, checked on the one this run is on (SQLite, or
/// PostgreSQL / SQL Server through TestDatabase's environment variables): time precision and
/// offsets, and state that several nodes share through the database.
/// </summary>
public sealed class DatabaseProviderTests
{
    [Fact]
    public async Task AuditChain_EventsWrittenByTheApp_VerifyIntactWhenReadBack()
    {
        using var factory = new ConsoleAppFactory();
        // Sign-ins append audit events; their hashes cover the time as the app saw it, and the
        // verification recomputes them from the time as the database stored it.
        using (await factory.CreateSignedInAsync(Roles.Admin))
        using (await factory.CreateSignedInAsync(Roles.Auditor))
        {
        }

        await using var scope = factory.Services.CreateAsyncScope();
        var verification = await scope.ServiceProvider.GetRequiredService<VerifyAuditChainJob>().VerifyAsync(fromStart: true, default);

        Assert.True(verification.EventsChecked >= 2, $"Expected the sign-ins' audit events, checked {verification.EventsChecked}.");
        Assert.Null(verification.BrokenReason);
        Assert.Null(verification.FirstBrokenSequence);
    }

    [Fact]
    public async Task DateTimeOffset_WithNonUtcOffset_StoredAsTheSameInstant_AndComparedInSql()
    {
        using var database = new TestDatabase();
        var written = new DateTimeOffset(2026, 3, 4, 10, 30, 15, TimeSpan.FromHours(2)).AddTicks(1234560);
        await using (var db = database.CreateContext())
        {
            db.JobHeartbeats.Add(new JobHeartbeat { Name = "offset-test", LastRunAt = written, Node = "n" });
            await db.SaveChangesAsync();
        }

        await using (var db = database.CreateContext())
        {
            var read = await db.JobHeartbeats.AsNoTracking().SingleAsync(h => h.Name == "offset-test");
            Assert.Equal(written.UtcTicks, read.LastRunAt.UtcTicks);

            // The same instant expressed in another offset matches in SQL; a microsecond later does not.
            var sameInstant = written.ToOffset(TimeSpan.FromHours(-5));
            Assert.True(await db.JobHeartbeats.AnyAsync(h => h.Name == "offset-test" && h.LastRunAt == sameInstant));
            var later = sameInstant.AddTicks(10);
            Assert.True(await db.JobHeartbeats.AnyAsync(h => h.Name == "offset-test" && h.LastRunAt < later));
            Assert.False(await db.JobHeartbeats.AnyAsync(h => h.Name == "offset-test" && h.LastRunAt >= later));
        }
    }

    [Fact]
    public async Task DataProtectionKeys_InTheDatabase_AnotherHostUnprotectsWhatOneProtected()
    {
        using var database = new TestDatabase();
        using var first = new ConsoleAppFactory(database);
        using var second = new ConsoleAppFactory(database);
        using (await first.CreateSignedInAsync(Roles.Admin))
        {
        }

        var protectedByFirst = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("provider-test").Protect("shared secret");
        using (second.CreateAnonymous())
        {
        }

        Assert.Equal("shared secret", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("provider-test").Unprotect(protectedByFirst));
        await using var db = database.CreateContext();
        Assert.NotEmpty(await db.DataProtectionKeys.AsNoTracking().ToListAsync());
    }
}
