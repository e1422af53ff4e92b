using System.Security.Claims;
using ReviewConsole.Data.Flags;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Triage;

/// <summary>What a staff member may do in triage: Auditors only read; escalated flags go to Leads.</summary>
public sealed record TriageRights(bool CanDecide, bool CanDecideEscalated)
{
    public static readonly TriageRights Reviewer = new(true, false);
    public static readonly TriageRights Lead = new(true, true);
    public static readonly TriageRights ReadOnly = new(false, false);

    public static TriageRights From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsInRole(Roles.Lead) || user.IsInRole(Roles.Admin))
        {
            return Lead;
        }

        return user.IsInRole(Roles.Reviewer) ? Reviewer : ReadOnly;
    }

    /// <summary>The open statuses this person may claim and decide.</summary>
    public IReadOnlyList<FlagStatus> DecidableStatuses =>
        !CanDecide ? [] : CanDecideEscalated ? [FlagStatus.New, FlagStatus.Escalated] : [FlagStatus.New];
}
