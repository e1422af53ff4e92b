using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Quality;

/// <summary>
/// What the triage page shows a reviewer who holds a golden item or a second review: the flag as
/// if it were new and theirs — no decision history, no status, no strike or enforcement that the
/// earlier decision caused, the cluster listing it as open. A golden item stays live-looking to the
/// reviewer it was served to after that: unheld once its reservation lapsed, and after their answer
/// decided by them (see <see cref="GoldenFlagView"/>). The reviewer cannot tell a known-answer
/// item from live work, and a second reviewer cannot see the first answer.
/// </summary>
public static class BlindTriageView
{
    public static async Task<FlagDetails> ApplyAsync(AppDbContext db, StaffUser viewer, Flag flag, FlagDetails details, DateTimeOffset now, Func<FlagStatus, DateTimeOffset, SlaState> slaOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(flag);
        ArgumentNullException.ThrowIfNull(details);
        ArgumentNullException.ThrowIfNull(slaOf);
        DateTimeOffset? leaseUntil;
        DateTimeOffset slaDue;
        var status = FlagStatus.New;
        DecisionView? ownDecision = null;
        var held = new HashSet<long> { flag.Id };
        if (flag.Status == FlagStatus.InDoubleReview)
        {
            if (await DoubleReviewService.HeldSecondReviewAsync(db, viewer.Id, flag.Id, now, cancellationToken) is not { } review)
            {
                return details;
            }

            // A held cluster decision: its other members show as the open flags they were.
            held.UnionWith(await DoubleReviewService.MemberIdsAsync(db, review, cancellationToken));
            leaseUntil = flag.LeaseExpiresAt!.Value;
            slaDue = flag.SlaDueAt;
        }
        else if (flag.Status == FlagStatus.Decided
            && (await GoldenFlagView.ForViewerAsync(db, viewer.Id, [flag.Id], cancellationToken)).GetValueOrDefault(flag.Id) is { } golden)
        {
            // Served as a golden item: held while the reservation runs, back in the queue when it lapsed,
            // and once answered in the state the viewer's decision would have left it.
            leaseUntil = golden.HeldAt(now) ? golden.ExpiresAt : null;
            slaDue = golden.SlaDueAt(flag.CreatedAt, flag.SlaDueAt);
            status = golden.Status;
            ownDecision = golden.AsDecision(viewer.Name);
        }
        else
        {
            return await GoldenClusterMembersAsync(db, viewer, details, cancellationToken);
        }

        var decisionIds = await db.Set<FlagDecision>().AsNoTracking().Where(d => d.FlagId == flag.Id).Select(d => d.Id).ToListAsync(cancellationToken);
        var reasonIds = decisionIds.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var ownViolations = await db.Set<FlagDecision>().CountAsync(d => d.FlagId == flag.Id && d.Verdict == Verdict.Violation, cancellationToken);
        var causedActions = await db.Set<EnforcementAction>().AsNoTracking()
            .Where(a => a.Reason == EnforcementReason.Decision && a.ReasonId != null && reasonIds.Contains(a.ReasonId))
            .Select(a => a.Id)
            .ToListAsync(cancellationToken);
        var actor = details.Actor with
        {
            Strikes = Math.Max(0, details.Actor.Strikes - ownViolations),
            OpenEnforcement = details.Actor.OpenEnforcement.Where(a => !causedActions.Contains(a.Id)).ToList(),
        };
        var cluster = details.Cluster is null ? null : details.Cluster with
        {
            Members = details.Cluster.Members.Select(m => held.Contains(m.Id) ? m with { Status = status } : m).ToList(),
            OpenMembers = details.Cluster.OpenMembers + (status == FlagStatus.Decided ? 0 : held.Count > 1 ? held.Count : details.Cluster.Members.Any(m => m.Id == flag.Id) ? 1 : 0),
        };
        var ownPolicies = ownDecision is null ? [] : await PolicyVersionStamp.ResolveAsync(db, [ownDecision.PolicyVersions], cancellationToken);
        return details with
        {
            Status = status,
            SlaDueAt = slaDue,
            Sla = slaOf(status, slaDue),
            Lease = leaseUntil is { } until
                ? new LeaseView(viewer.Id, viewer.Name, until, HeldByMe: true, HeldByOther: false)
                : new LeaseView(null, null, null, HeldByMe: false, HeldByOther: false),
            AssignedToName = null,
            Decisions = ownDecision is null ? [] : [ownDecision],
            DecisionPolicies = ownPolicies,
            Actor = actor,
            Cluster = cluster,
        };
    }

    /// <summary>On any other flag's page, cluster members the viewer was served as golden items show in
    /// the state the viewer saw them in.</summary>
    private static async Task<FlagDetails> GoldenClusterMembersAsync(AppDbContext db, StaffUser viewer, FlagDetails details, CancellationToken cancellationToken)
    {
        if (details.Cluster is not { Members.Count: > 0 } cluster)
        {
            return details;
        }

        var golden = await GoldenFlagView.ForViewerAsync(db, viewer.Id, cluster.Members.Select(m => m.Id).ToList(), cancellationToken);
        if (golden.Count == 0)
        {
            return details;
        }

        return details with
        {
            Cluster = cluster with
            {
                Members = cluster.Members.Select(m => golden.TryGetValue(m.Id, out var g) ? m with { Status = g.Status } : m).ToList(),
                OpenMembers = cluster.OpenMembers + golden.Values.Count(g => g.Status != FlagStatus.Decided),
            },
        };
    }
}
