using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Enforcement;

public sealed record RecordStrikeRequest(long OrganizationId, string Category, EnforcementReason Reason, string ReasonId, string? PolicyClause, string Note);

/// <summary>The strike recorded (or the one that already existed for the same reason) and the sanction it proposed, if any.</summary>
public sealed record StrikeOutcome(Strike Strike, bool Created, int PointsBefore, int PointsAfter, SanctionProposal? Proposal);

public sealed record StrikeSummary(long Id, int Weight, string Category, EnforcementReason Reason, string ReasonId, string? PolicyClause, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, bool Active);

public sealed record ProposalSummary(long Id, long OrganizationId, string OrganizationName, int Points, int Threshold, EnforcementKind ProposedKind, ProposalState State, DateTimeOffset CreatedAt, string? DecidedBy, long? EnforcementActionId);

public sealed record OrganizationStanding(int ActivePoints, IReadOnlyList<StrikeSummary> Strikes, IReadOnlyList<ProposalSummary> Proposals, StrikeThreshold? NextThreshold);

public sealed record ServiceResult(bool Succeeded, string Message, long? Id = null)
{
    public static ServiceResult Ok(string message, long? id = null) => new(true, message, id);

    public static ServiceResult Fail(string message) => new(false, message);
}

/// <summary>
/// Weighted strikes per organization and the sanctions their thresholds propose. A confirmed
/// violation adds a strike weighted by its category; when the organization's active points cross a
/// threshold of the ladder (warn → rate limit → key revocation → suspension), a proposal waits for
/// a human to confirm (which requests the enforcement) or dismiss it.
/// </summary>
public sealed class StrikeService(
    IDbContextFactory<AppDbContext> dbFactory,
    EnforcementService enforcement,
    AuditLog audit,
    TimeProvider clock,
    IOptions<EnforcementOptions> options,
    ILogger<StrikeService> logger)
{
    public static readonly IReadOnlyList<EnforcementKind> ProposableKinds =
        [EnforcementKind.Warn, EnforcementKind.SetRateLimit, EnforcementKind.RevokeKey, EnforcementKind.SuspendOrganization];

    private static readonly string[] Actors = [Roles.Reviewer, Roles.IncidentResponder, Roles.Lead, Roles.Admin];

    /// <summary>Records a strike inside the caller's transaction. Idempotent per (reason, reason id).</summary>
    public async Task<StrikeOutcome> RecordAsync(AppDbContext db, RecordStrikeRequest request, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        var existing = await db.Set<Strike>().SingleOrDefaultAsync(s => s.Reason == request.Reason && s.ReasonId == request.ReasonId, cancellationToken);
        var now = clock.GetUtcNow();
        if (existing is not null)
        {
            var points = await ActivePointsAsync(db, request.OrganizationId, now, cancellationToken);
            return new StrikeOutcome(existing, false, points, points, null);
        }

        var settings = options.Value;
        var before = await ActivePointsAsync(db, request.OrganizationId, now, cancellationToken);

        // Whatever the order: if an appeal already overturned a sanction for this violation, the
        // strike is recorded revoked (it never counts, and proposes nothing).
        var overturnedBy = await OverturningAppealAsync(db, request.Reason, request.ReasonId, cancellationToken);
        var strike = new Strike
        {
            OrganizationId = request.OrganizationId,
            Weight = settings.WeightOf(request.Category),
            Category = request.Category,
            Reason = request.Reason,
            ReasonId = request.ReasonId,
            PolicyClause = request.PolicyClause,
            Note = request.Note,
            CreatedBy = by.Name,
            CreatedAt = now,
            ExpiresAt = now.AddDays(settings.StrikeLifetimeDays),
            RevokedAt = overturnedBy is null ? null : now,
            RevokedBy = overturnedBy,
        };
        db.Add(strike);
        await db.SaveChangesAsync(cancellationToken);
        var after = overturnedBy is null ? before + strike.Weight : before;

        var crossed = Crossed(settings.Ladder, before, after);
        SanctionProposal? proposal = null;
        if (crossed is not null)
        {
            proposal = new SanctionProposal
            {
                OrganizationId = request.OrganizationId,
                StrikeId = strike.Id,
                Points = after,
                Threshold = crossed.Points,
                ProposedKind = crossed.Sanction,
                State = ProposalState.Open,
                CreatedAt = now,
            };
            db.Add(proposal);
            await db.SaveChangesAsync(cancellationToken);
        }

        await audit.AppendAsync(db, by, new AuditEntry(
            "strike.recorded",
            "Organization",
            request.OrganizationId.ToString(CultureInfo.InvariantCulture),
            $"Strike of {strike.Weight} ({strike.Category}) for {request.Reason} {request.ReasonId}: {before} → {after} points"
                + (proposal is null ? "" : $"; proposes {proposal.ProposedKind} (threshold {proposal.Threshold})"),
            Reason: request.Note), cancellationToken);
        return new StrikeOutcome(strike, true, before, after, proposal);
    }

    /// <summary>
    /// The strike of a flag decision, recorded in the decision's own transaction (one per decision
    /// with verdict Violation, weighted by its heaviest confirmed category). Returns the outcomes.
    /// </summary>
    public async Task<IReadOnlyList<StrikeOutcome>> RecordForDecisionsAsync(AppDbContext db, IReadOnlyList<FlagDecision> decisions, IReadOnlyList<Flag> flags, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(flags);
        var outcomes = new List<StrikeOutcome>();
        foreach (var decision in decisions.Where(d => d.Verdict == Verdict.Violation))
        {
            var flag = flags.Single(f => f.Id == decision.FlagId);
            outcomes.Add(await RecordAsync(db, RequestFor(decision.Id, flag.OrganizationId, decision.ConfirmedCategories, flag.TopCategory, decision.PolicyClause, decision.DecidedByName), by, cancellationToken));
        }

        return outcomes;
    }

    private RecordStrikeRequest RequestFor(long decisionId, long organizationId, string confirmedCategories, string topCategory, string? policyClause, string decidedBy)
    {
        var categories = confirmedCategories.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var category = categories.Length == 0 ? topCategory : categories.MaxBy(options.Value.WeightOf)!;
        return new RecordStrikeRequest(organizationId, category, EnforcementReason.Decision, decisionId.ToString(CultureInfo.InvariantCulture), policyClause, $"Confirmed violation in decision #{decisionId} by {decidedBy}");
    }

    /// <summary>Who overturned (an appeal) a sanction requested for (<paramref name="reason"/>, <paramref name="reasonId"/>), if anyone.</summary>
    private static async Task<string?> OverturningAppealAsync(AppDbContext db, EnforcementReason reason, string reasonId, CancellationToken cancellationToken) =>
        await (from p in db.Set<Appeal>()
               join a in db.Set<EnforcementAction>() on p.EnforcementActionId equals a.Id
               where p.State == AppealState.Overturned && a.Reason == reason && a.ReasonId == reasonId
               select p.DecidedBy).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The highest threshold crossed going from <paramref name="before"/> to <paramref name="after"/> points.</summary>
    public static StrikeThreshold? Crossed(IReadOnlyList<StrikeThreshold> ladder, int before, int after)
    {
        ArgumentNullException.ThrowIfNull(ladder);
        return ladder.Where(t => before < t.Points && t.Points <= after).MaxBy(t => t.Points);
    }

    public static Task<int> ActivePointsAsync(AppDbContext db, long organizationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<Strike>()
            .Where(s => s.OrganizationId == organizationId && s.RevokedAt == null && s.ExpiresAt > now)
            .SumAsync(s => s.Weight, cancellationToken);
    }

    /// <summary>Staff add a strike by hand from the actor page (reason Manual, with a fresh reason id).</summary>
    public async Task<ServiceResult> AddManualAsync(long organizationId, string category, string? policyClause, string note, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (string.IsNullOrWhiteSpace(category) || string.IsNullOrWhiteSpace(note))
        {
            return ServiceResult.Fail("A strike needs a category and a note.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await StaffDirectory.IsInAnyRoleAsync(db, by.Id, Actors, cancellationToken))
        {
            return ServiceResult.Fail("Your role cannot add strikes.");
        }

        if (!await db.Set<Organization>().AnyAsync(o => o.Id == organizationId, cancellationToken))
        {
            return ServiceResult.Fail("Unknown organization.");
        }

        StrikeOutcome outcome = default!;
        await db.InTransactionAsync(
            async ct =>
            {
                outcome = await RecordAsync(db, new RecordStrikeRequest(organizationId, category.Trim(), EnforcementReason.Manual, "manual-" + Guid.NewGuid().ToString("N")[..12], policyClause, note.Trim()), by, ct);
            },
            cancellationToken);
        return ServiceResult.Ok(
            outcome.Proposal is { } p ? $"Strike added ({outcome.PointsAfter} points); {p.ProposedKind} proposed." : $"Strike added ({outcome.PointsAfter} points).",
            outcome.Strike.Id);
    }

    /// <summary>
    /// A catch-up for violations recorded without their strike (decisions stored before strikes were
    /// recorded in the decision's transaction, or by an import). Decisions record their strike
    /// themselves (<see cref="RecordForDecisionsAsync"/>), so this normally finds nothing; an
    /// overturned violation is recorded revoked either way.
    /// </summary>
    public async Task<int> RecordFromDecisionsAsync(CancellationToken cancellationToken)
    {
        await using var read = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Decisions up to the watermark were swept already: every later decision records its strike in
        // its own transaction, so after one full pass per process the sweep reads only new decisions
        // instead of probing every violation ever decided once a minute.
        var sweptFrom = Interlocked.Read(ref sweptThroughDecisionId);
        var through = await read.Set<FlagDecision>().MaxAsync(d => (long?)d.Id, cancellationToken) ?? 0;
#pragma warning disable CA1305 // Translated to SQL (CAST AS TEXT / NVARCHAR): no culture is involved.
        var pending = await (from d in read.Set<FlagDecision>()
                             join f in read.Set<Flag>() on d.FlagId equals f.Id
                             where d.Id > sweptFrom && d.Id <= through && d.Verdict == Verdict.Violation
                                 && !read.Set<Strike>().Any(s => s.Reason == EnforcementReason.Decision && s.ReasonId == d.Id.ToString())
                             orderby d.Id
                             select new { d.Id, f.OrganizationId, d.ConfirmedCategories, f.TopCategory, d.PolicyClause, d.DecidedByName })
            .Take(SweepPage)
            .ToListAsync(cancellationToken);
#pragma warning restore CA1305
        var recorded = 0;
        foreach (var decision in pending)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                StrikeOutcome outcome = default!;
                await db.InTransactionAsync(
                    async ct =>
                    {
                        outcome = await RecordAsync(db, RequestFor(decision.Id, decision.OrganizationId, decision.ConfirmedCategories, decision.TopCategory, decision.PolicyClause, decision.DecidedByName), StaffUser.System, ct);
                    },
                    cancellationToken);
                recorded += outcome.Created ? 1 : 0;
            }
            catch (DbUpdateException e)
            {
                logger.LogDebug(e, "Strike for decision {DecisionId} was recorded by another node.", decision.Id);
            }
        }

        // A full page may have more behind it, and an exception leaves the watermark where it was: it
        // moves only past a range swept completely.
        if (pending.Count < SweepPage)
        {
            InterlockedMax(ref sweptThroughDecisionId, through);
        }

        return recorded;
    }

    private const int SweepPage = 200;

    private long sweptThroughDecisionId;

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public async Task<ServiceResult> ConfirmProposalAsync(long proposalId, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await StaffDirectory.IsInAnyRoleAsync(db, by.Id, Actors, cancellationToken))
        {
            return ServiceResult.Fail("Your role cannot confirm sanctions.");
        }

        IReadOnlyList<EnforcementAction> actions = default!;
        SanctionProposal proposal = default!;
        var refused = await db.InTransactionAsync<ServiceResult?>(
            async ct =>
            {
                var now = clock.GetUtcNow();
                var claimed = await db.Set<SanctionProposal>().Where(p => p.Id == proposalId && p.State == ProposalState.Open)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.State, ProposalState.Confirmed).SetProperty(p => p.DecidedBy, by.Name).SetProperty(p => p.DecidedAt, now), ct);
                if (claimed == 0)
                {
                    return ServiceResult.Fail("The proposal was already decided.");
                }

                proposal = await db.Set<SanctionProposal>().AsNoTracking().SingleAsync(p => p.Id == proposalId, ct);
                var request = await RequestForAsync(db, proposal, ct);
                if (request is null)
                {
                    return ServiceResult.Fail("The organization has no active keys left to revoke.");
                }

                actions = await enforcement.RequestAsync(db, request, by, ct);
                await db.Set<SanctionProposal>().Where(p => p.Id == proposalId)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.EnforcementActionId, actions[0].Id), ct);
                await audit.AppendAsync(db, by, new AuditEntry("strike.proposal.confirmed", "SanctionProposal", proposalId.ToString(CultureInfo.InvariantCulture), $"Confirmed {proposal.ProposedKind} for organization {proposal.OrganizationId} ({actions.Count} action(s))"), ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var waits = actions.Any(a => a.State == EnforcementState.PendingApproval);
        return ServiceResult.Ok(waits ? $"{proposal.ProposedKind} requested; it waits for a Lead's approval." : $"{proposal.ProposedKind} requested.", actions[0].Id);
    }

    public async Task<ServiceResult> DismissProposalAsync(long proposalId, string note, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await StaffDirectory.IsInAnyRoleAsync(db, by.Id, Actors, cancellationToken))
        {
            return ServiceResult.Fail("Your role cannot dismiss proposals.");
        }

        var refused = await db.InTransactionAsync<ServiceResult?>(
            async ct =>
            {
                var now = clock.GetUtcNow();
                var dismissed = await db.Set<SanctionProposal>().Where(p => p.Id == proposalId && p.State == ProposalState.Open)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.State, ProposalState.Dismissed).SetProperty(p => p.DecidedBy, by.Name).SetProperty(p => p.DecidedAt, now), ct);
                if (dismissed == 0)
                {
                    return ServiceResult.Fail("The proposal was already decided.");
                }

                await audit.AppendAsync(db, by, new AuditEntry("strike.proposal.dismissed", "SanctionProposal", proposalId.ToString(CultureInfo.InvariantCulture), "Dismissed the proposed sanction", Reason: note), ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        return ServiceResult.Ok("Proposal dismissed.");
    }

    /// <summary>Strikes listed with an organization's standing (newest first).</summary>
    public const int StandingStrikes = 50;

    public async Task<OrganizationStanding> StandingAsync(long organizationId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        // The points are summed in the database and only the newest strikes are read: an organization
        // with a long history has tens of thousands of strikes, and the page lists the latest.
        var strikes = await db.Set<Strike>().AsNoTracking().Where(s => s.OrganizationId == organizationId)
            .OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(StandingStrikes).ToListAsync(cancellationToken);
        var points = await db.Set<Strike>().Where(s => s.OrganizationId == organizationId && s.RevokedAt == null && s.ExpiresAt > now).SumAsync(s => (int?)s.Weight, cancellationToken) ?? 0;
        var proposals = await ProposalsAsync(db, p => p.OrganizationId == organizationId, cancellationToken);
        return new OrganizationStanding(
            points,
            strikes.Select(s => new StrikeSummary(s.Id, s.Weight, s.Category, s.Reason, s.ReasonId, s.PolicyClause, s.CreatedBy, s.CreatedAt, s.ExpiresAt, s.RevokedAt, s.RevokedAt == null && s.ExpiresAt > now)).ToList(),
            proposals,
            options.Value.Ladder.FirstOrDefault(t => t.Points > points));
    }

    public async Task<IReadOnlyList<ProposalSummary>> OpenProposalsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ProposalsAsync(db, p => p.State == ProposalState.Open, cancellationToken);
    }

    /// <summary>An overturned violation no longer counts: its strikes are revoked (caller's transaction).</summary>
    public async Task<int> RevokeForReasonAsync(AppDbContext db, EnforcementReason reason, string reasonId, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(by);
        var now = clock.GetUtcNow();
        var revoked = await db.Set<Strike>().Where(s => s.Reason == reason && s.ReasonId == reasonId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedBy, by.Name), cancellationToken);
        if (revoked > 0)
        {
            await audit.AppendAsync(db, by, new AuditEntry("strike.revoked", "Strike", $"{reason}:{reasonId}", $"Revoked {revoked} strike(s) for {reason} {reasonId}"), cancellationToken);
        }

        return revoked;
    }

    private static async Task<IReadOnlyList<ProposalSummary>> ProposalsAsync(AppDbContext db, System.Linq.Expressions.Expression<Func<SanctionProposal, bool>> filter, CancellationToken cancellationToken) =>
        await (from p in db.Set<SanctionProposal>().Where(filter)
               join o in db.Set<Organization>() on p.OrganizationId equals o.Id
               orderby p.CreatedAt descending
               select new ProposalSummary(p.Id, p.OrganizationId, o.Name, p.Points, p.Threshold, p.ProposedKind, p.State, p.CreatedAt, p.DecidedBy, p.EnforcementActionId))
            .Take(200)
            .ToListAsync(cancellationToken);

    private async Task<EnforcementRequest?> RequestForAsync(AppDbContext db, SanctionProposal proposal, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var reasonId = proposal.StrikeId.ToString(CultureInfo.InvariantCulture);

        // Strike-proposed sanctions are time-bounded: their reversal is scheduled when they take effect.
        DateTimeOffset? expires = EnforcementStateMachine.IsSanction(proposal.ProposedKind) ? clock.GetUtcNow().AddDays(settings.StrikeSanctionDays) : null;
        var note = $"Strike threshold {proposal.Threshold} reached ({proposal.Points} points)." + (expires is { } e ? $" Lasts until {e.UtcDateTime:yyyy-MM-dd}." : "");
        switch (proposal.ProposedKind)
        {
            case EnforcementKind.RevokeKey:
                var keys = await db.Set<ApiKey>().Where(k => k.OrganizationId == proposal.OrganizationId && k.Status == ApiKeyStatus.Active).Select(k => k.Id).ToListAsync(cancellationToken);
                return keys.Count == 0 ? null : EnforcementRequest.With(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, keys, EnforcementReason.Strike, reasonId, null, note, null, expires);
            case EnforcementKind.SetRateLimit:
                return EnforcementRequest.With(EnforcementKind.SetRateLimit, EnforcementTargetType.Organization, [proposal.OrganizationId], EnforcementReason.Strike, reasonId, null, note,
                    new RateLimitParameters(settings.ProposedRateLimitRpm, settings.ProposedRateLimitTpm), expires);
            default:
                return EnforcementRequest.With(proposal.ProposedKind, EnforcementTargetType.Organization, [proposal.OrganizationId], EnforcementReason.Strike, reasonId, null, note, null, expires);
        }
    }
}
