using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;

namespace ReviewConsole.Features.Incidents;

public sealed partial class IncidentService
{
    /// <summary>Resolves the query-string links of /incidents/new. A flag brings its actor chain and
    /// cluster along; unknown ids are reported, not silently dropped.</summary>
    public async Task<IncidentPrefill> PrefillAsync(IReadOnlyList<long> flagIds, long? clusterId, long? orgId, long? appId, long? keyId, IReadOnlyList<long> actionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flagIds);
        ArgumentNullException.ThrowIfNull(actionIds);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var descriptions = new List<string>();
        var problems = new List<string>();
        var flags = await db.Set<Flag>().AsNoTracking().Where(f => flagIds.Contains(f.Id)).OrderBy(f => f.Id).ToListAsync(cancellationToken);
        problems.AddRange(flagIds.Except(flags.Select(f => f.Id)).Select(id => $"Flag #{id} does not exist."));
        foreach (var flag in flags)
        {
            descriptions.Add($"Flag #{flag.Id} ({flag.TopCategory}, {flag.UpstreamId})");
        }

        var first = flags.FirstOrDefault();
        orgId ??= first?.OrganizationId;
        appId ??= first?.ApplicationId;
        keyId ??= first?.ApiKeyId;
        clusterId ??= first?.ClusterId;

        if (clusterId is { } c)
        {
            var cluster = await db.Set<FlagCluster>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == c, cancellationToken);
            if (cluster is null)
            {
                problems.Add($"Cluster #{c} does not exist.");
                clusterId = null;
            }
            else
            {
                descriptions.Add($"Cluster #{cluster.Id} ({cluster.Size} flags)");
            }
        }

        var actions = await db.Set<EnforcementAction>().AsNoTracking().Where(a => actionIds.Contains(a.Id)).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        problems.AddRange(actionIds.Except(actions.Select(a => a.Id)).Select(id => $"Enforcement action #{id} does not exist."));
        descriptions.AddRange(actions.Select(a => $"Enforcement action #{a.Id} ({a.Kind} on {a.TargetType} {a.TargetId}, {a.State})"));
        if (actions.FirstOrDefault() is { } action)
        {
            orgId ??= action.OrganizationId;
        }

        string? orgName = null;
        if (orgId is { } o)
        {
            orgName = await db.Set<Organization>().Where(x => x.Id == o).Select(x => x.Name).SingleOrDefaultAsync(cancellationToken);
            if (orgName is null)
            {
                problems.Add($"Organization #{o} does not exist.");
                orgId = null;
            }
            else
            {
                descriptions.Add($"Organization {orgName}");
            }
        }

        if (appId is { } a2)
        {
            var app = await db.Set<Application>().Where(x => x.Id == a2).Select(x => x.Name).SingleOrDefaultAsync(cancellationToken);
            if (app is null)
            {
                problems.Add($"Application #{a2} does not exist.");
                appId = null;
            }
            else
            {
                descriptions.Add($"Application {app}");
            }
        }

        if (keyId is { } k)
        {
            var key = await db.Set<ApiKey>().Where(x => x.Id == k).Select(x => x.ExternalId).SingleOrDefaultAsync(cancellationToken);
            if (key is null)
            {
                problems.Add($"API key #{k} does not exist.");
                keyId = null;
            }
            else
            {
                descriptions.Add($"API key {key}");
            }
        }

        var title = first is not null ? $"{first.TopCategory} misuse by {orgName ?? "organization #" + first.OrganizationId}"
            : orgName is not null ? $"Misuse by {orgName}"
            : "";
        return new IncidentPrefill(
            title,
            first is null ? null : SuggestMisuseType(first.TopCategory),
            flags.Select(f => f.Id).ToList(),
            clusterId,
            orgId,
            appId,
            keyId,
            actions.Select(a => a.Id).ToList(),
            descriptions,
            problems);
    }

    /// <summary>The classifier's category mapped onto the incident taxonomy, where it maps.</summary>
    public static MisuseType? SuggestMisuseType(string category) => category.ToLowerInvariant() switch
    {
        "sexual/minors" => MisuseType.SexualContentInvolvingMinors,
        "self-harm" or "self-harm/intent" or "self-harm/instructions" => MisuseType.SelfHarm,
        "hate" or "hate/threatening" or "harassment" => MisuseType.HatefulRolePlay,
        "malware" => MisuseType.Malware,
        "influence-operation" or "influence_operation" => MisuseType.InfluenceOperation,
        "spam" or "medical-spam" or "deceptive-health" => MisuseType.SpamDeceptiveHealthClaims,
        _ => null,
    };
}
