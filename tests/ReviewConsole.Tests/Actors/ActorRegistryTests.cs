using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Actors;
using ReviewConsole.Features.Actors;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Actors;

public sealed class ActorRegistryTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly ActorRegistry registry = new(TimeProvider.System);

    [Fact]
    public async Task Ensure_UnknownChain_CreatesOrgAppAndKeyOnce()
    {
        var actor = new ActorRef("org_1", "app_1", "key_1");
        ActorIds first;
        await using (var db = database.CreateContext())
        {
            first = await registry.EnsureAsync(db, actor, default);
        }

        await using var again = database.CreateContext();
        var second = await registry.EnsureAsync(again, actor, default);

        Assert.Equal(first, second);
        Assert.Equal(1, await again.Set<Organization>().CountAsync());
        var key = await again.Set<ApiKey>().SingleAsync();
        Assert.Equal(first.OrganizationId, key.OrganizationId);
        Assert.Equal(first.ApplicationId, key.ApplicationId);
    }

    [Fact]
    public async Task Ensure_ConcurrentCreators_EndWithOneRowEach()
    {
        var actor = new ActorRef("org_race", "app_race", "key_race");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var db = database.CreateContext();
            return await registry.EnsureAsync(db, actor, default);
        }));

        Assert.Single(results.Distinct());
        await using var read = database.CreateContext();
        Assert.Equal(1, await read.Set<Organization>().CountAsync());
        Assert.Equal(1, await read.Set<Application>().CountAsync());
        Assert.Equal(1, await read.Set<ApiKey>().CountAsync());
    }

    public void Dispose() => database.Dispose();
}
