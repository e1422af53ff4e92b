using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Infrastructure.Api;

namespace ReviewConsole.Features.Actors;

/// <summary>
/// What the API platform reads from the console's key registry (scope keys:read):
/// <c>GET /api/v1/keys/{keyId}</c> (one key's effective status and limits) and the change feed
/// <c>GET /api/v1/revocations?since=V</c> (every key whose registry version is above V, in version
/// order). Both answer 304 to a matching <c>If-None-Match</c>, so polling is cheap.
/// </summary>
public static class KeyRegistryApi
{
    private const int MaxPage = 1000;

    public static RouteGroupBuilder MapKeyRegistryApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var policy = ApiScopes.Policy(ApiScopes.KeysRead);
        api.MapGet("/keys/{keyId}", GetKeyAsync).RequireAuthorization(policy);
        api.MapGet("/revocations", GetChangesAsync).RequireAuthorization(policy);
        return api;
    }

    private static async Task<IResult> GetKeyAsync(string keyId, HttpContext http, IDbContextFactory<AppDbContext> dbFactory, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await (from k in db.Set<ApiKey>().AsNoTracking()
                         join a in db.Set<Application>() on k.ApplicationId equals a.Id
                         join o in db.Set<Organization>() on k.OrganizationId equals o.Id
                         where k.ExternalId == keyId
                         select new
                         {
                             Key = k,
                             AppId = a.ExternalId,
                             AppStatus = a.Status,
                             OrgId = o.ExternalId,
                             OrgStatus = o.Status,
                             Credits = db.Set<ResearchCreditAccount>().Where(c => c.ApplicationId == a.Id).OrderByDescending(c => c.Id)
                                 .Select(c => new { c.GrantedUsd, c.UsedUsd, c.ExhaustedAt }).FirstOrDefault(),
                         })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return Results.Json(new { error = "not_found", message = "Unknown key id." }, statusCode: StatusCodes.Status404NotFound);
        }

        // Usage and credits change without a registry version; they are part of the tag too.
        var etag = $"\"k{row.Key.Version.ToString(CultureInfo.InvariantCulture)}-{row.Key.TokensUsedThisMonth.ToString(CultureInfo.InvariantCulture)}-{(row.Credits?.UsedUsd ?? 0).ToString(CultureInfo.InvariantCulture)}\"";
        if (NotModified(http, etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var key = row.Key;
        return Results.Json(new
        {
            key_id = key.ExternalId,
            prefix = key.Prefix,
            status = EffectiveStatus(key.Status, row.AppStatus, row.OrgStatus),
            key_status = Lower(key.Status),
            application = new { id = row.AppId, status = Lower(row.AppStatus) },
            organization = new { id = row.OrgId, status = Lower(row.OrgStatus) },
            rate_limit_rpm = key.RateLimitRpm,
            rate_limit_tpm = key.RateLimitTpm,
            monthly_token_quota = key.MonthlyTokenQuota,
            tokens_used_this_month = key.TokensUsedThisMonth,
            max_output_tokens = key.MaxOutputTokens,
            allowed_models = key.AllowedModels?.Split(',', StringSplitOptions.RemoveEmptyEntries),
            pilot_end_user_cap = key.PilotEndUserCap,
            research_credits = row.Credits is null ? null : new { granted_usd = row.Credits.GrantedUsd, used_usd = row.Credits.UsedUsd, remaining_usd = Math.Max(0, row.Credits.GrantedUsd - row.Credits.UsedUsd), exhausted = row.Credits.ExhaustedAt != null },
            version = key.Version,
            status_changed_at = key.StatusChangedAt,
        });
    }

    private static async Task<IResult> GetChangesAsync(HttpContext http, IDbContextFactory<AppDbContext> dbFactory, long? since, int? limit, CancellationToken cancellationToken)
    {
        var after = Math.Max(0, since ?? 0);
        var take = Math.Clamp(limit ?? 500, 1, MaxPage);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // Page by whole versions: one org suspension gives all its keys the same version, and a
        // page must never end in the middle of one (the client continues from next_since).
        var versions = await db.Set<ApiKey>().Where(k => k.Version > after).Select(k => k.Version).Distinct().OrderBy(v => v).Take(take).ToListAsync(cancellationToken);
        var upTo = versions.Count == 0 ? after : versions[^1];
        var etag = $"\"r{after.ToString(CultureInfo.InvariantCulture)}-{upTo.ToString(CultureInfo.InvariantCulture)}\"";
        if (NotModified(http, etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var rows = await (from k in db.Set<ApiKey>().AsNoTracking()
                          join a in db.Set<Application>() on k.ApplicationId equals a.Id
                          join o in db.Set<Organization>() on k.OrganizationId equals o.Id
                          where k.Version > after && k.Version <= upTo
                          orderby k.Version, k.Id
                          select new { k.ExternalId, k.Status, AppStatus = a.Status, OrgStatus = o.Status, k.Version, k.StatusChangedAt, k.RateLimitRpm, k.RateLimitTpm, k.MonthlyTokenQuota, k.AllowedModels, k.MaxOutputTokens, k.PilotEndUserCap })
            .ToListAsync(cancellationToken);
        var hasMore = await db.Set<ApiKey>().AnyAsync(k => k.Version > upTo, cancellationToken);
        return Results.Json(new
        {
            data = rows.Select(r => new
            {
                key_id = r.ExternalId,
                status = EffectiveStatus(r.Status, r.AppStatus, r.OrgStatus),
                key_status = Lower(r.Status),
                version = r.Version,
                status_changed_at = r.StatusChangedAt,
                rate_limit_rpm = r.RateLimitRpm,
                rate_limit_tpm = r.RateLimitTpm,
                monthly_token_quota = r.MonthlyTokenQuota,
                max_output_tokens = r.MaxOutputTokens,
                allowed_models = r.AllowedModels?.Split(',', StringSplitOptions.RemoveEmptyEntries),
                pilot_end_user_cap = r.PilotEndUserCap,
            }),
            next_since = upTo,
            has_more = hasMore,
        });
    }

    /// <summary>A key works only if it, its application and its organization are all active.</summary>
    public static string EffectiveStatus(ApiKeyStatus key, ActorStatus app, ActorStatus org) =>
        key == ApiKeyStatus.Revoked ? "revoked"
        : app == ActorStatus.Suspended || org == ActorStatus.Suspended ? "suspended"
        : "active";

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static bool NotModified(HttpContext http, string etag)
    {
        http.Response.Headers.ETag = etag;
        var presented = http.Request.Headers.IfNoneMatch;
        return presented.Count > 0 && EntityTagHeaderValue.TryParseList(presented, out var tags) && tags.Any(t => t.Tag == etag || t.Tag == "*");
    }
}
