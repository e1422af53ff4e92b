using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;

namespace ReviewConsole.Features.Actors;

/// <summary>The platform ids of one actor chain as an intake record names them.</summary>
public sealed record ActorRef(string OrganizationId, string ApplicationId, string ApiKeyId);

/// <summary>The database ids of an actor chain.</summary>
public sealed record ActorIds(long OrganizationId, long ApplicationId, long ApiKeyId);

/// <summary>
/// Finds or creates organizations, applications and keys by their platform ids. Unknown actors
/// are created on first sight (a flag can be the first the console hears of an organization).
/// Concurrent creators race on the unique external ids; the loser re-reads the winner's row.
/// </summary>
public sealed class ActorRegistry(TimeProvider clock)
{
    public async Task<ActorIds> EnsureAsync(AppDbContext db, ActorRef actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        var orgId = await EnsureOrganizationAsync(db, actor.OrganizationId, cancellationToken);
        var appId = await EnsureApplicationAsync(db, actor.ApplicationId, orgId, cancellationToken);
        var keyId = await EnsureKeyAsync(db, actor.ApiKeyId, appId, orgId, cancellationToken);
        return new ActorIds(orgId, appId, keyId);
    }

    /// <summary>
    /// Finds or creates many actor chains at once (an intake chunk): one read per level for the
    /// external ids, one batched insert per level for the unknown ones. A concurrent creator of the
    /// same ids makes the insert fail on the unique index; EF rolls its savepoint back and the level
    /// is read again, so the other writer's rows are used.
    /// </summary>
    public async Task<IReadOnlyDictionary<ActorRef, ActorIds>> EnsureManyAsync(AppDbContext db, IReadOnlyCollection<ActorRef> refs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(refs);
        var result = new Dictionary<ActorRef, ActorIds>();
        if (refs.Count == 0)
        {
            return result;
        }

        var now = clock.GetUtcNow();
        var orgs = await EnsureLevelAsync(
            db,
            refs.Select(r => r.OrganizationId).Distinct(StringComparer.Ordinal).ToList(),
            ids => db.Set<Organization>().Where(o => ids.Contains(o.ExternalId)).Select(o => new KeyValuePair<string, long>(o.ExternalId, o.Id)),
            id => new Organization { ExternalId = id, Name = id, CreatedAt = now },
            o => new KeyValuePair<string, long>(o.ExternalId, o.Id),
            cancellationToken);
        var appOrg = refs.GroupBy(r => r.ApplicationId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => orgs[g.First().OrganizationId], StringComparer.Ordinal);
        var apps = await EnsureLevelAsync(
            db,
            appOrg.Keys.ToList(),
            ids => db.Set<Application>().Where(a => ids.Contains(a.ExternalId)).Select(a => new KeyValuePair<string, long>(a.ExternalId, a.Id)),
            id => new Application { ExternalId = id, Name = id, OrganizationId = appOrg[id], CreatedAt = now },
            a => new KeyValuePair<string, long>(a.ExternalId, a.Id),
            cancellationToken);
        var keyParent = refs.GroupBy(r => r.ApiKeyId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var keys = await EnsureLevelAsync(
            db,
            keyParent.Keys.ToList(),
            ids => db.Set<ApiKey>().Where(k => ids.Contains(k.ExternalId)).Select(k => new KeyValuePair<string, long>(k.ExternalId, k.Id)),
            id => new ApiKey
            {
                ExternalId = id,
                Prefix = id.Length > 12 ? id[..12] : id,
                ApplicationId = apps[keyParent[id].ApplicationId],
                OrganizationId = orgs[keyParent[id].OrganizationId],
                CreatedAt = now,
            },
            k => new KeyValuePair<string, long>(k.ExternalId, k.Id),
            cancellationToken);
        foreach (var r in refs)
        {
            result[r] = new ActorIds(orgs[r.OrganizationId], apps[r.ApplicationId], keys[r.ApiKeyId]);
        }

        return result;
    }

    private static async Task<Dictionary<string, long>> EnsureLevelAsync<T>(
        AppDbContext db,
        List<string> externalIds,
        Func<List<string>, IQueryable<KeyValuePair<string, long>>> find,
        Func<string, T> create,
        Func<T, KeyValuePair<string, long>> idOf,
        CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            var found = (await find(externalIds).ToListAsync(cancellationToken)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            var missing = externalIds.Where(id => !found.ContainsKey(id)).Select(create).ToList();
            if (missing.Count == 0)
            {
                return found;
            }

            db.AddRange(missing);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                foreach (var pair in missing.Select(idOf))
                {
                    found[pair.Key] = pair.Value;
                }

                return found;
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                // Another writer created some of them first (unique external ids); read theirs.
                foreach (var entity in missing)
                {
                    db.Entry(entity).State = EntityState.Detached;
                }
            }
            finally
            {
                foreach (var entity in missing.Where(e => db.Entry(e).State != EntityState.Detached))
                {
                    db.Entry(entity).State = EntityState.Detached;
                }
            }
        }
    }

    public Task<long> EnsureOrganizationAsync(AppDbContext db, string externalId, CancellationToken cancellationToken) =>
        EnsureAsync(
            db,
            db.Set<Organization>().Where(o => o.ExternalId == externalId).Select(o => (long?)o.Id),
            () => new Organization { ExternalId = externalId, Name = externalId, CreatedAt = clock.GetUtcNow() },
            o => o.Id,
            cancellationToken);

    private Task<long> EnsureApplicationAsync(AppDbContext db, string externalId, long organizationId, CancellationToken cancellationToken) =>
        EnsureAsync(
            db,
            db.Set<Application>().Where(a => a.ExternalId == externalId).Select(a => (long?)a.Id),
            () => new Application { ExternalId = externalId, Name = externalId, OrganizationId = organizationId, CreatedAt = clock.GetUtcNow() },
            a => a.Id,
            cancellationToken);

    private async Task<long> EnsureKeyAsync(AppDbContext db, string externalId, long applicationId, long organizationId, CancellationToken cancellationToken)
    {
        var find = db.Set<ApiKey>().Where(k => k.ExternalId == externalId).Select(k => (long?)k.Id);
        if (await find.FirstOrDefaultAsync(cancellationToken) is { } existing)
        {
            return existing;
        }

        // A new key starts from the limits set on its application and organization (the stricter of
        // the two where both set one), so an approval or a sanction at that level covers it too.
        var app = await db.Set<Application>().AsNoTracking().Where(a => a.Id == applicationId)
            .Select(a => new { a.LimitMonthlyTokenQuota, a.LimitRpm, a.LimitTpm, a.LimitMaxOutputTokens, a.LimitAllowedModels, a.LimitPilotEndUserCap }).SingleAsync(cancellationToken);
        var org = await db.Set<Organization>().AsNoTracking().Where(o => o.Id == organizationId)
            .Select(o => new { o.LimitMonthlyTokenQuota, o.LimitRpm, o.LimitTpm, o.LimitMaxOutputTokens, o.LimitAllowedModels, o.LimitPilotEndUserCap }).SingleAsync(cancellationToken);
        return await EnsureAsync(
            db,
            find,
            () => new ApiKey
            {
                ExternalId = externalId,
                Prefix = externalId.Length > 12 ? externalId[..12] : externalId,
                ApplicationId = applicationId,
                OrganizationId = organizationId,
                CreatedAt = clock.GetUtcNow(),
                MonthlyTokenQuota = Stricter(app.LimitMonthlyTokenQuota, org.LimitMonthlyTokenQuota),
                RateLimitRpm = Stricter(app.LimitRpm, org.LimitRpm),
                RateLimitTpm = Stricter(app.LimitTpm, org.LimitTpm),
                MaxOutputTokens = Stricter(app.LimitMaxOutputTokens, org.LimitMaxOutputTokens),
                AllowedModels = StricterModels(app.LimitAllowedModels, org.LimitAllowedModels),
                PilotEndUserCap = Stricter(app.LimitPilotEndUserCap, org.LimitPilotEndUserCap),
            },
            k => k.Id,
            cancellationToken);
    }

    private static T? Stricter<T>(T? a, T? b)
        where T : struct, IComparable<T> =>
        a is { } x && b is { } y ? (x.CompareTo(y) <= 0 ? x : y) : a ?? b;

    /// <summary>Both levels restrict models: only models both allow (an empty intersection allows none we know, so keep the organization's).</summary>
    private static string? StricterModels(string? app, string? org)
    {
        if (app is null || org is null)
        {
            return app ?? org;
        }

        var both = app.Split(',').Intersect(org.Split(','), StringComparer.Ordinal).ToList();
        return both.Count > 0 ? string.Join(',', both) : org;
    }

    private static async Task<long> EnsureAsync<T>(AppDbContext db, IQueryable<long?> find, Func<T> create, Func<T, long> idOf, CancellationToken cancellationToken)
        where T : class
    {
        if (await find.FirstOrDefaultAsync(cancellationToken) is { } existing)
        {
            return existing;
        }

        var entity = create();
        db.Add(entity);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return idOf(entity);
        }
        catch (DbUpdateException)
        {
            // Another writer created it first (unique external id); use theirs.
            db.Entry(entity).State = EntityState.Detached;
            return await find.FirstOrDefaultAsync(cancellationToken)
                ?? throw new InvalidOperationException($"Could not create or find {typeof(T).Name}.");
        }
    }
}
