using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Features.Actors;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Actors;

public sealed class ActorRegistryRaceTests
{
    [ServerDatabaseFact]
    public async Task EnsureAsync_RivalCreatesTheOrganizationBetweenCheckAndInsert_InsideAUnitOfWork_UsesTheRivalsRow()
    {
        using var database = new TestDatabase();
        var rival = new RivalCreatesOrganization(database, "org_race");
        var options = new DbContextOptionsBuilder<AppDbContext>(database.Options).AddInterceptors(rival).Options;
        var registry = new ActorRegistry(TimeProvider.System);
        ActorIds? ids = null;

        // The unit goes on after the refused insert (application and key, then commit): on
        // PostgreSQL a failed statement aborts the transaction unless rolled back to a savepoint,
        // which EF's SaveChanges sets inside a transaction it did not begin.
        await using (var db = new AppDbContext(options))
        {
            await db.InTransactionAsync(async ct => ids = await registry.EnsureAsync(db, new ActorRef("org_race", "app_race", "key_race"), ct));
        }

        Assert.True(rival.Created);
        await using var check = database.CreateContext();
        var organization = await check.Set<Organization>().SingleAsync(o => o.ExternalId == "org_race");
        Assert.Equal(organization.Id, ids!.OrganizationId);
        var application = await check.Set<Application>().SingleAsync(a => a.ExternalId == "app_race");
        Assert.Equal(organization.Id, application.OrganizationId);
        Assert.Equal(application.Id, ids.ApplicationId);
        Assert.Equal(ids.ApiKeyId, (await check.Set<ApiKey>().SingleAsync(k => k.ExternalId == "key_race")).Id);
    }

    /// <summary>Right after the registry looked for the organization (and found none), another
    /// writer creates it and commits.</summary>
    private sealed class RivalCreatesOrganization(TestDatabase database, string externalId) : DbCommandInterceptor
    {
        public bool Created { get; private set; }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (!Created && (command.CommandText.Contains("FROM \"Organization\"", StringComparison.Ordinal) || command.CommandText.Contains("FROM [Organization]", StringComparison.Ordinal)))
            {
                Created = true;
                await using var rival = database.CreateContext();
                rival.Add(new Organization { ExternalId = externalId, Name = "created by the rival", CreatedAt = DateTimeOffset.UtcNow });
                await rival.SaveChangesAsync(cancellationToken);
            }

            return result;
        }
    }
}
