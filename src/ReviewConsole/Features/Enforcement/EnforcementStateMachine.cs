using ReviewConsole.Data.Enforcement;

namespace ReviewConsole.Features.Enforcement;

/// <summary>
/// The one table of allowed state moves of an enforcement action. Every transition in the code is
/// a conditional update whose WHERE clause is built from this table (<see cref="SourcesOf"/>), so
/// a move the table refuses cannot happen, whichever node tries it.
/// </summary>
public static class EnforcementStateMachine
{
    private static readonly Dictionary<EnforcementState, EnforcementState[]> Moves = new()
    {
        [EnforcementState.PendingApproval] = [EnforcementState.Pending, EnforcementState.Cancelled],
        [EnforcementState.Pending] = [EnforcementState.InProgress, EnforcementState.Cancelled],
        // InProgress → InProgress: a worker whose lease expired is replaced by another.
        [EnforcementState.InProgress] = [EnforcementState.InProgress, EnforcementState.Succeeded, EnforcementState.Retrying, EnforcementState.DeadLettered],
        [EnforcementState.Retrying] = [EnforcementState.InProgress, EnforcementState.Cancelled],
        // An Admin re-queues a dead letter (→ Pending) or gives it up (→ Cancelled).
        [EnforcementState.DeadLettered] = [EnforcementState.Pending, EnforcementState.Cancelled],
        [EnforcementState.Succeeded] = [],
        [EnforcementState.Cancelled] = [],
    };

    public static bool CanMove(EnforcementState from, EnforcementState to) => Moves[from].Contains(to);

    public static IReadOnlyList<EnforcementState> TargetsOf(EnforcementState from) => Moves[from];

    /// <summary>The states from which <paramref name="to"/> may be reached.</summary>
    public static IReadOnlyList<EnforcementState> SourcesOf(EnforcementState to) =>
        Moves.Where(m => m.Value.Contains(to)).Select(m => m.Key).ToList();

    public static bool IsTerminal(EnforcementState state) => Moves[state].Length == 0;

    /// <summary>Kinds whose effect lasts and can therefore be appealed, expire, or be reversed.</summary>
    public static bool IsSanction(EnforcementKind kind) => kind is EnforcementKind.RevokeKey
        or EnforcementKind.SuspendApplication
        or EnforcementKind.SuspendOrganization
        or EnforcementKind.SetRateLimit
        or EnforcementKind.SetQuota
        or EnforcementKind.RestrictModelAccess;

    /// <summary>Whether <paramref name="kind"/> can act on a <paramref name="target"/>. Warnings and
    /// notices go to the organization whatever the target; the rest follow <see cref="KindsFor"/>.</summary>
    public static bool Accepts(EnforcementKind kind, EnforcementTargetType target) =>
        kind is EnforcementKind.Warn or EnforcementKind.SendNotice or EnforcementKind.SetLimits or EnforcementKind.RestoreLimits
        || (kind == EnforcementKind.GrantResearchCredits && target == EnforcementTargetType.Application)
        || KindsFor(target).Contains(kind);

    /// <summary>The kinds that make sense for a target type (the "act on this actor" menu and request validation).</summary>
    public static IReadOnlyList<EnforcementKind> KindsFor(EnforcementTargetType target) => target switch
    {
        EnforcementTargetType.ApiKey => [EnforcementKind.RevokeKey, EnforcementKind.ReinstateKey, EnforcementKind.SetRateLimit, EnforcementKind.SetQuota, EnforcementKind.RestrictModelAccess],
        EnforcementTargetType.Application => [EnforcementKind.SuspendApplication, EnforcementKind.Reinstate, EnforcementKind.SetRateLimit, EnforcementKind.SetQuota, EnforcementKind.RestrictModelAccess],
        EnforcementTargetType.Organization => [EnforcementKind.Warn, EnforcementKind.SendNotice, EnforcementKind.SuspendOrganization, EnforcementKind.Reinstate, EnforcementKind.SetRateLimit, EnforcementKind.SetQuota, EnforcementKind.RestrictModelAccess],
        _ => [],
    };
}
