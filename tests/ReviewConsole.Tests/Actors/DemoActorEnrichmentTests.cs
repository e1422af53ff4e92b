using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Actors;
using ReviewConsole.Features.Actors;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Actors;

public sealed class DemoActorEnrichmentTests : IDisposable
{
    private readonly TestDatabase database = new();

    [Fact]
    public async Task Enrich_ActorsNamedAfterTheirIds_GetNamesAndLimitsOnce()
    {
        await using (var db = database.CreateContext())
        {
            var registry = new ActorRegistry(TimeProvider.System);
            await registry.EnsureAsync(db, new ActorRef("org_1", "app_1", "key_1"), default);
            await registry.EnsureAsync(db, new ActorRef("org_2", "app_2", "key_2"), default);
        }

        var first = await DemoActorEnrichment.EnrichAsync(database.Factory, default);
        var second = await DemoActorEnrichment.EnrichAsync(database.Factory, default);

        Assert.Equal(6, first);
        Assert.Equal(0, second);
        await using var read = database.CreateContext();
        Assert.All(await read.Set<Organization>().ToListAsync(), o => Assert.NotEqual(o.ExternalId, o.Name));
        Assert.All(await read.Set<ApiKey>().ToListAsync(), k => Assert.NotNull(k.RateLimitRpm));
        Assert.Equal(2, await read.Set<Organization>().Select(o => o.Name).Distinct().CountAsync());
    }

    public void Dispose() => database.Dispose();
}
