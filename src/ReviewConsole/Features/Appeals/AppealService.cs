using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Appeals;

public sealed record FileAppealRequest(long SanctionId, string Text, string? Contact);

public enum AppealFileStatus
{
    Created,
    Invalid,
    NotFound,
    NotAppealable,
    OutsideWindow,
    AlreadyAppealed,
    Forbidden,
}

public sealed record AppealFileResult(AppealFileStatus Status, string Message, Appeal? Appeal = null);

public sealed record AppealSummary(
    long Id,
    long SanctionId,
    EnforcementKind SanctionKind,
    string SanctionTarget,
    long OrganizationId,
    string OrganizationName,
    AppealSource Source,
    string Text,
    string? Contact,
    string SubmittedBy,
    DateTimeOffset SubmittedAt,
    DateTimeOffset DueAt,
    AppealState State,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionNote,
    string? SanctionPolicyClause,
    string SanctionRequestedBy,
    string? SanctionApprovedBy,
    EnforcementReason SanctionReason,
    string? SanctionReasonId);

/// <summary>A sanction an organization may still appeal (the staff "file an appeal" list).</summary>
public sealed record AppealableSanction(long Id, EnforcementKind Kind, string Target, DateTimeOffset EffectiveAt, DateTimeOffset AppealDeadline);

/// <summary>
/// Appeals against sanctions: filed by the organization through the API or by staff for them;
/// one per sanction, within the configured window after the sanction took effect; decided
/// (uphold or overturn) by someone other than whoever decided the sanction. Overturning creates
/// the reversing actions in the outbox and revokes the strikes of the overturned violation.
/// </summary>
public sealed class AppealService(
    IDbContextFactory<AppDbContext> dbFactory,
    StrikeService strikes,
    AuditLog audit,
    TimeProvider clock,
    IOptions<AppealsOptions> options)
{
    private static readonly string[] Filers = [Roles.Reviewer, Roles.IncidentResponder, Roles.Lead, Roles.Admin];
    private static readonly string[] Deciders = [Roles.Reviewer, Roles.IncidentResponder, Roles.Lead, Roles.Admin];

    /// <summary>Files an appeal. <paramref name="tokenOrganizationId"/> restricts an organization's
    /// token to its own sanctions (others answer NotFound, so ids of other organizations do not leak).</summary>
    public async Task<AppealFileResult> FileAsync(FileAppealRequest request, AppealSource source, StaffUser by, long? tokenOrganizationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        var settings = options.Value;
        var text = request.Text?.Trim() ?? "";
        if (text.Length == 0 || text.Length > settings.MaxTextLength)
        {
            return new(AppealFileStatus.Invalid, text.Length == 0 ? "The appeal text is empty." : $"The appeal text is longer than {settings.MaxTextLength} characters.");
        }

        var contact = request.Contact?.Trim();
        if (contact is { Length: > 256 })
        {
            return new(AppealFileStatus.Invalid, "The contact is longer than 256 characters.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (source == AppealSource.Staff && !await StaffDirectory.IsInAnyRoleAsync(db, by.Id, Filers, cancellationToken))
        {
            return new(AppealFileStatus.Forbidden, "Your role cannot file appeals.");
        }

        // Only the organization that owns the sanction appeals it through the API; staff file on its behalf.
        if (source != AppealSource.Staff && tokenOrganizationId is null)
        {
            return new(AppealFileStatus.Forbidden, "Appeals are filed with a token bound to the sanctioned organization.");
        }

        var sanction = await db.Set<EnforcementAction>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == request.SanctionId, cancellationToken);
        if (sanction is null || (source != AppealSource.Staff && sanction.OrganizationId != tokenOrganizationId))
        {
            return new(AppealFileStatus.NotFound, "No such sanction.");
        }

        if (!IsAppealable(sanction))
        {
            return new(AppealFileStatus.NotAppealable, "Only a sanction that was carried out (key revocation, suspension, limit, quota or model restriction) can be appealed.");
        }

        var now = clock.GetUtcNow();
        var deadline = DeadlineOf(sanction, settings);
        if (now > deadline)
        {
            return new(AppealFileStatus.OutsideWindow, $"The appeal window closed on {deadline.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({settings.WindowDays} days after the sanction took effect).");
        }

        if (await db.Set<Appeal>().AnyAsync(a => a.EnforcementActionId == sanction.Id, cancellationToken))
        {
            return new(AppealFileStatus.AlreadyAppealed, "This sanction has already been appealed.");
        }

        var appeal = new Appeal
        {
            EnforcementActionId = sanction.Id,
            OrganizationId = sanction.OrganizationId,
            Source = source,
            Text = text,
            Contact = string.IsNullOrEmpty(contact) ? null : contact,
            SubmittedBy = by.Name,
            SubmittedAt = now,
            DueAt = now.AddHours(settings.SlaHours),
            State = AppealState.Open,
        };
        return await db.InTransactionAsync(
            async ct =>
            {
                db.Add(appeal);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // The unique sanction id: a concurrent appeal for the same sanction won.
                    db.ChangeTracker.Clear();
                    return new AppealFileResult(AppealFileStatus.AlreadyAppealed, "This sanction has already been appealed.");
                }

                await audit.AppendAsync(db, by, new AuditEntry("appeal.filed", "Appeal", appeal.Id.ToString(CultureInfo.InvariantCulture), $"Appeal against {sanction.Kind} #{sanction.Id} ({source})"), ct);
                return new AppealFileResult(AppealFileStatus.Created, "Appeal filed.", appeal);
            },
            result => result.Status == AppealFileStatus.Created,
            cancellationToken);
    }

    /// <summary>Upholds or overturns an open appeal. The decider must not be one of the sanction's deciders.</summary>
    public async Task<ServiceResult> DecideAsync(long appealId, bool overturn, string note, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (string.IsNullOrWhiteSpace(note))
        {
            return ServiceResult.Fail("Explain the decision in a note.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await StaffDirectory.IsInAnyRoleAsync(db, by.Id, Deciders, cancellationToken))
        {
            return ServiceResult.Fail("Your role cannot decide appeals.");
        }

        var appeal = await db.Set<Appeal>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == appealId, cancellationToken);
        if (appeal is null)
        {
            return ServiceResult.Fail("Unknown appeal.");
        }

        var sanction = await db.Set<EnforcementAction>().AsNoTracking().SingleAsync(a => a.Id == appeal.EnforcementActionId, cancellationToken);
        var deciders = await OriginalDecidersAsync(db, sanction, cancellationToken);
        if (deciders.Contains(by.Id) || deciders.Contains(by.Name))
        {
            return ServiceResult.Fail("An appeal is decided by someone other than the original decider.");
        }

        var now = clock.GetUtcNow();
        var state = overturn ? AppealState.Overturned : AppealState.Upheld;
        var reversalIds = await db.InTransactionAsync<List<long>?>(
            async ct =>
            {
                var decided = await db.Set<Appeal>().Where(a => a.Id == appealId && a.State == AppealState.Open)
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(a => a.State, state)
                            .SetProperty(a => a.DecidedBy, by.Name)
                            .SetProperty(a => a.DecidedById, by.Id)
                            .SetProperty(a => a.DecidedAt, now)
                            .SetProperty(a => a.DecisionNote, note.Trim()),
                        ct);
                if (decided == 0)
                {
                    return (List<long>?)null;
                }

                var reversals = new List<long>();
                if (overturn)
                {
                    reversals = await ReverseAsync(db, appeal, sanction, by, now, ct);
                }

                await audit.AppendAsync(db, by, new AuditEntry(
                    overturn ? "appeal.overturned" : "appeal.upheld",
                    "Appeal",
                    appealId.ToString(CultureInfo.InvariantCulture),
                    overturn ? $"Overturned {sanction.Kind} #{sanction.Id}; reversal action(s) {string.Join(", ", reversals)}" : $"Upheld {sanction.Kind} #{sanction.Id}",
                    Reason: note.Trim()), ct);
                return reversals;
            },
            cancellationToken);
        if (reversalIds is null)
        {
            return ServiceResult.Fail("The appeal was already decided.");
        }

        return ServiceResult.Ok(overturn ? "Appeal overturned; the sanction is being reversed." : "Appeal upheld; the sanction stays.", appealId);
    }

    public async Task<IReadOnlyList<AppealSummary>> QueueAsync(IReadOnlyCollection<AppealState>? states, long? organizationId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Set<Appeal>().AsNoTracking();
        if (states is { Count: > 0 })
        {
            query = query.Where(a => states.Contains(a.State));
        }

        if (organizationId is { } org)
        {
            query = query.Where(a => a.OrganizationId == org);
        }

        var appeals = await query.OrderBy(a => a.State == AppealState.Open ? 0 : 1).ThenBy(a => a.DueAt).Take(500).ToListAsync(cancellationToken);
        var sanctionIds = appeals.Select(a => a.EnforcementActionId).ToList();
        var sanctions = await db.Set<EnforcementAction>().AsNoTracking().Where(a => sanctionIds.Contains(a.Id)).ToListAsync(cancellationToken);
        var described = (await EnforcementOutboxService.DescribeAsync(db, sanctions, cancellationToken)).ToDictionary(d => d.Id);
        return appeals.Select(a =>
        {
            var s = described[a.EnforcementActionId];
            return new AppealSummary(a.Id, s.Id, s.Kind, s.TargetLabel, a.OrganizationId, s.OrganizationName, a.Source, a.Text, a.Contact, a.SubmittedBy, a.SubmittedAt, a.DueAt, a.State, a.DecidedBy, a.DecidedAt, a.DecisionNote, s.PolicyClause, s.RequestedBy, s.ApprovedBy, s.Reason, s.ReasonId);
        }).ToList();
    }

    /// <summary>The organization's sanctions that can still be appealed (carried out, in the window, not appealed yet).</summary>
    public async Task<IReadOnlyList<AppealableSanction>> AppealableAsync(long organizationId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var candidates = await db.Set<EnforcementAction>().AsNoTracking()
            .Where(a => a.OrganizationId == organizationId && a.State == EnforcementState.Succeeded && a.ReversesActionId == null
                && !db.Set<Appeal>().Any(p => p.EnforcementActionId == a.Id))
            .OrderByDescending(a => a.Id).Take(200).ToListAsync(cancellationToken);
        var open = candidates.Where(a => IsAppealable(a) && now <= DeadlineOf(a, settings)).ToList();
        var described = await EnforcementOutboxService.DescribeAsync(db, open, cancellationToken);
        return described.Select(d => new AppealableSanction(d.Id, d.Kind, d.TargetLabel, d.CompletedAt ?? d.RequestedAt, (d.CompletedAt ?? d.RequestedAt).AddDays(settings.WindowDays))).ToList();
    }

    public static bool IsAppealable(EnforcementAction sanction)
    {
        ArgumentNullException.ThrowIfNull(sanction);
        return EnforcementStateMachine.IsSanction(sanction.Kind) && sanction.ReversesActionId is null && sanction.State == EnforcementState.Succeeded;
    }

    public static DateTimeOffset DeadlineOf(EnforcementAction sanction, AppealsOptions settings)
    {
        ArgumentNullException.ThrowIfNull(sanction);
        ArgumentNullException.ThrowIfNull(settings);
        return (sanction.CompletedAt ?? sanction.RequestedAt).AddDays(settings.WindowDays);
    }

    /// <summary>Everyone who decided the sanction: its requester and approver, and for a sanction from
    /// a flag decision, the reviewer who made the decision (ids and names).</summary>
    private static async Task<HashSet<string>> OriginalDecidersAsync(AppDbContext db, EnforcementAction sanction, CancellationToken cancellationToken)
    {
        var deciders = new HashSet<string>(StringComparer.Ordinal) { sanction.RequestedBy };
        foreach (var value in new[] { sanction.RequestedById, sanction.ApprovedBy, sanction.ApprovedById })
        {
            if (!string.IsNullOrEmpty(value))
            {
                deciders.Add(value);
            }
        }

        if (sanction.Reason == EnforcementReason.Decision && long.TryParse(sanction.ReasonId, NumberStyles.None, CultureInfo.InvariantCulture, out var decisionId)
            && await db.Set<FlagDecision>().AsNoTracking().Where(d => d.Id == decisionId).Select(d => new { d.DecidedBy, d.DecidedByName }).SingleOrDefaultAsync(cancellationToken) is { } decision)
        {
            deciders.Add(decision.DecidedBy);
            deciders.Add(decision.DecidedByName);
        }

        deciders.Remove("");
        return deciders;
    }

    private async Task<List<long>> ReverseAsync(AppDbContext db, Appeal appeal, EnforcementAction sanction, StaffUser by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A scheduled expiry reversal that has not run yet is replaced by the immediate one.
        var cancellable = EnforcementStateMachine.SourcesOf(EnforcementState.Cancelled).ToList();
        await db.Set<EnforcementAction>()
            .Where(a => a.ReversesActionId == sanction.Id && a.Reason == EnforcementReason.Expiry && cancellable.Contains(a.State))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, EnforcementState.Cancelled).SetProperty(a => a.CancelledBy, by.Name).SetProperty(a => a.CancelledAt, now), cancellationToken);

        var ids = new List<long>();
        var appealId = appeal.Id.ToString(CultureInfo.InvariantCulture);
        var reversal = EnforcementEffects.NewReversal(sanction, EnforcementReason.Appeal, appealId, by.Name, by.Id, $"Appeal #{appeal.Id} overturned {sanction.Kind} #{sanction.Id}.", now, now);
        if (reversal is not null)
        {
            db.Add(reversal);
            await db.SaveChangesAsync(cancellationToken);
            ids.Add(reversal.Id);
            await audit.AppendAsync(db, by, new AuditEntry("enforcement.requested", "EnforcementAction", reversal.Id.ToString(CultureInfo.InvariantCulture), $"{reversal.Kind} on {reversal.TargetType} {reversal.TargetId} reverses #{sanction.Id} (appeal #{appeal.Id})"), cancellationToken);
        }

        if (sanction.Reason is EnforcementReason.Decision or EnforcementReason.Incident && sanction.ReasonId is { } reasonId)
        {
            await strikes.RevokeForReasonAsync(db, sanction.Reason, reasonId, by, cancellationToken);
        }
        else if (sanction.Reason == EnforcementReason.Strike && long.TryParse(sanction.ReasonId, NumberStyles.None, CultureInfo.InvariantCulture, out var strikeId))
        {
            await db.Set<Strike>().Where(s => s.Id == strikeId && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedBy, by.Name), cancellationToken);
        }

        return ids;
    }
}
