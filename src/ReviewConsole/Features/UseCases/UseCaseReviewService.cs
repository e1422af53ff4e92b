using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.Quality;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.UseCases;

/// <summary>
/// The review side: the queue with claims and leases (the flag queue's mechanism), the submission
/// view's data, and decisions. A decision is one transaction: a conditional state change (only the
/// claim holder, only from the state the reviewer saw), the decision row, the enforcement outbox
/// rows its conditions become, the notice to the developer, and the audit events.
/// </summary>
public sealed partial class UseCaseReviewService(
    IDbContextFactory<AppDbContext> dbFactory,
    EnforcementService enforcement,
    EnforcementDispatcher dispatcher,
    UseCaseMonitorService monitor,
    AuditLog audit,
    TimeProvider clock,
    IOptions<UseCasesOptions> options,
    GoldenSetService golden)
{
    public static readonly LeaseColumns<UseCaseSubmission> Lease = new(s => s.LeaseOwner, s => s.LeaseExpiresAt, s => s.LeaseOwnerName);

    private TimeSpan LeaseDuration => TimeSpan.FromMinutes(options.Value.LeaseMinutes);

    public async Task<IReadOnlyList<UseCaseQueueRow>> QueueAsync(UseCaseQueueFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var open = UseCaseStateMachine.Open.ToList();
        var query = from s in db.Set<UseCaseSubmission>().AsNoTracking()
                    join c in db.Set<GuidelineCategory>() on s.CategoryId equals c.Id
                    join o in db.Set<Organization>() on s.OrganizationId equals o.Id
                    join a in db.Set<Application>() on s.ApplicationId equals a.Id
                    select new { s, c, o, a };
        if (filter.OpenOnly)
        {
            query = query.Where(x => open.Contains(x.s.State));
        }

        if (filter.State is { } state)
        {
            query = query.Where(x => x.s.State == state);
        }

        if (filter.Kind is { } kind)
        {
            query = query.Where(x => x.s.Kind == kind);
        }

        if (filter.CategoryId is { } categoryId)
        {
            query = query.Where(x => x.s.CategoryId == categoryId);
        }

        if (filter.RiskLevel is { } risk)
        {
            query = query.Where(x => x.c.RiskLevel == risk);
        }

        if (filter.Reason is { } reason)
        {
            query = query.Where(x => x.s.QueueReason == reason);
        }

        if (filter.OverdueOnly)
        {
            query = query.Where(x => open.Contains(x.s.State) && x.s.SlaDueAt < now);
        }

        if (filter.UnclaimedOnly)
        {
            query = query.Where(x => x.s.LeaseOwner == null || x.s.LeaseExpiresAt <= now);
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            query = query.Where(x => x.s.Name.Contains(term) || x.a.ExternalId.Contains(term) || x.o.ExternalId.Contains(term) || x.o.Name.Contains(term));
        }

        var rows = await query
            .OrderBy(x => x.s.SlaDueAt).ThenBy(x => x.s.Id)
            .Take(500)
            .ToListAsync(cancellationToken);
        return rows.Select(x => new UseCaseQueueRow(
            x.s.Id,
            x.s.Name,
            x.s.Kind,
            x.s.State,
            x.s.QueueReason,
            x.s.QueueNote,
            x.c.Name,
            x.c.RiskLevel,
            string.IsNullOrEmpty(x.o.Name) ? x.o.ExternalId : x.o.Name,
            x.a.ExternalId,
            x.s.CurrentRevision,
            x.s.LastSubmittedAt,
            x.s.SlaDueAt,
            UseCaseStateMachine.Open.Contains(x.s.State) && x.s.SlaDueAt < now,
            x.s.LeaseExpiresAt > now ? x.s.LeaseOwnerName : null,
            x.s.LeaseExpiresAt > now ? x.s.LeaseExpiresAt : null)).ToList();
    }

    public async Task<UseCaseQueueCounts> CountsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var open = UseCaseStateMachine.Open.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = db.Set<UseCaseSubmission>().Where(s => open.Contains(s.State));
        return new UseCaseQueueCounts(
            await rows.CountAsync(cancellationToken),
            await rows.CountAsync(s => s.SlaDueAt < now, cancellationToken),
            await rows.CountAsync(s => s.LeaseOwner == null || s.LeaseExpiresAt <= now, cancellationToken),
            await rows.CountAsync(s => s.State == SubmissionState.ReReview, cancellationToken));
    }

    /// <summary>Claims the open submission with the earliest SLA that nobody holds.</summary>
    public async Task<ClaimResult> NextAsync(StaffUser reviewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        var open = UseCaseStateMachine.Open.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // Review quality: a configured share of claims is a golden submission, served like any other.
        if (await db.InTransactionAsync(ct => golden.ClaimUseCaseAsync(db, reviewer, LeaseDuration, ct), cancellationToken) is { } goldenId)
        {
            return new ClaimResult(true, $"Claimed submission {goldenId}.", goldenId);
        }

        // A few candidates per round: another reviewer may win any one of them between the read
        // and the conditional update, in which case the next candidate is tried.
        for (var round = 0; round < 5; round++)
        {
            var now = clock.GetUtcNow();
            var candidates = await db.Set<UseCaseSubmission>().AsNoTracking()
                .Where(s => open.Contains(s.State))
                .Where(LeaseClaims.Free(Lease, now))
                .OrderBy(s => s.SlaDueAt).ThenBy(s => s.Id)
                .Select(s => s.Id)
                .Take(5)
                .ToListAsync(cancellationToken);
            if (candidates.Count == 0)
            {
                return new ClaimResult(false, "The queue is empty: nothing is waiting for review.");
            }

            foreach (var id in candidates)
            {
                if (await TryClaimAsync(db, id, reviewer, now, cancellationToken))
                {
                    return new ClaimResult(true, $"Claimed submission {id}.", id);
                }
            }
        }

        return new ClaimResult(false, "Other reviewers claimed everything first; try again.");
    }

    public async Task<ClaimResult> ClaimAsync(long submissionId, StaffUser reviewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        if (await ReclaimGoldenAsync(db, submissionId, reviewer, now, cancellationToken)
            || await TryClaimAsync(db, submissionId, reviewer, now, cancellationToken))
        {
            return new ClaimResult(true, $"You hold submission {submissionId} for {options.Value.LeaseMinutes} minutes.", submissionId);
        }

        var current = await db.Set<UseCaseSubmission>().AsNoTracking().Where(s => s.Id == submissionId)
            .Select(s => new { s.State, s.LeaseOwnerName }).SingleOrDefaultAsync(cancellationToken);
        return current is null
            ? new ClaimResult(false, $"Submission {submissionId} does not exist.")
            : !UseCaseStateMachine.Open.Contains(current.State)
                ? new ClaimResult(false, $"Submission {submissionId} is '{UseCaseStateMachine.Describe(current.State)}' and not in the queue.")
                : new ClaimResult(false, $"{current.LeaseOwnerName} is reviewing submission {submissionId}.");
    }

    public async Task<bool> RenewAsync(long submissionId, StaffUser reviewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return await LeaseClaims.TryRenewAsync(db.Set<UseCaseSubmission>().Where(s => s.Id == submissionId), Lease, reviewer.Id, now, LeaseDuration, cancellationToken)
            || await golden.SetUseCaseExpiryAsync(reviewer.Id, submissionId, now + LeaseDuration, cancellationToken);
    }

    public async Task<bool> ReleaseAsync(long submissionId, StaffUser reviewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await LeaseClaims.TryReleaseAsync(db.Set<UseCaseSubmission>().Where(s => s.Id == submissionId), Lease, reviewer.Id, cancellationToken)
            || await golden.SetUseCaseExpiryAsync(reviewer.Id, submissionId, clock.GetUtcNow(), cancellationToken);
    }

    public Task<SubmissionDetails?> GetAsync(long submissionId, CancellationToken cancellationToken) => GetAsync(submissionId, null, cancellationToken);

    /// <summary>The submission as <paramref name="viewer"/> sees it: a golden submission served to them
    /// shows as the live item it replays (and, once answered, as their decision left it).</summary>
    public async Task<SubmissionDetails?> GetAsync(long submissionId, StaffUser? viewer, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var s = await db.Set<UseCaseSubmission>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == submissionId, cancellationToken);
        if (s is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var category = await db.Set<GuidelineCategory>().AsNoTracking().SingleAsync(c => c.Id == s.CategoryId, cancellationToken);
        var org = await db.Set<Organization>().AsNoTracking().SingleAsync(o => o.Id == s.OrganizationId, cancellationToken);
        var app = await db.Set<Application>().AsNoTracking().SingleAsync(a => a.Id == s.ApplicationId, cancellationToken);
        var revisions = await db.Set<UseCaseRevision>().AsNoTracking()
            .Where(r => r.SubmissionId == submissionId).OrderBy(r => r.Number).ToListAsync(cancellationToken);
        var contents = revisions.Select(r => UseCaseContent.FromJson(r.ContentJson)).ToList();
        var revisionViews = revisions.Select((r, i) => new RevisionView(
            r.Number,
            r.SubmittedAt,
            r.SubmittedBy,
            r.ResponseNote,
            i == 0 ? [] : RevisionDiff.Compare(contents[i - 1].Fields(), contents[i].Fields()))).Reverse().ToList();
        var decisions = await db.Set<UseCaseDecision>().AsNoTracking()
            .Where(d => d.SubmissionId == submissionId).OrderByDescending(d => d.Id).ToListAsync(cancellationToken);
        var content = contents[^1];
        var checklist = ChecklistScorer.Score(content, category.RiskLevel, category.RequiredSafeguards);
        var conditions = UseCaseConditions.FromJson(s.ConditionsJson);
        var drift = s.ApprovedAt is { } approvedAt ? await monitor.DriftAsync(db, s.ApplicationId, approvedAt, s.ApprovedMonthlyTokens, cancellationToken) : null;
        var details = new SubmissionDetails(
            s.Id,
            s.Kind,
            s.State,
            s.QueueReason,
            s.QueueNote,
            org.ExternalId,
            org.Name,
            app.ExternalId,
            app.Id,
            GuidelineService.ToSummary(category),
            content,
            s.CurrentRevision,
            revisionViews,
            decisions.Select(d => new DecisionView(
                d.Id,
                d.Revision,
                d.Kind,
                d.FromState,
                d.ToState,
                d.Reason,
                UseCaseNotices.SplitQuestions(d.Questions),
                UseCaseConditions.FromJson(d.ConditionsJson)?.Describe() ?? [],
                d.GuidelineClause,
                d.GuidelineVersion,
                d.ChecklistScore,
                d.DecidedByName,
                d.DecidedAt)).ToList(),
            checklist,
            s.LeaseOwner is { } owner && s.LeaseExpiresAt is { } expires && expires > now ? new LeaseView(owner, s.LeaseOwnerName ?? owner, expires) : null,
            s.SubmittedAt,
            s.SlaDueAt,
            s.SubmittedOnBehalfBy,
            s.ApprovedAt,
            conditions,
            s.Tier,
            s.ProposedTier,
            s.StagedAccessHalted,
            s.ReReviewAt,
            s.ConcurrencyVersion,
            drift,
            Suggest(s, category, conditions, content.Models));
        return viewer is null ? details : await GoldenViewAsync(db, viewer, s, category, details, cancellationToken);
    }

    public async Task<DecisionResult> DecideAsync(DecideUseCaseRequest request, StaffUser reviewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reviewer);
        var now = clock.GetUtcNow();
        var errors = ValidateDecision(request, now);
        if (!errors.IsEmpty)
        {
            return new DecisionResult(false, "The decision is incomplete: " + errors, errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var s = await db.Set<UseCaseSubmission>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == request.SubmissionId, cancellationToken);
        if (s is null)
        {
            return DecisionResult.Refused($"Submission {request.SubmissionId} does not exist.");
        }

        if (await DecideGoldenAsync(db, s, request, reviewer, now, cancellationToken) is { } goldenResult)
        {
            return goldenResult;
        }

        if (!UseCaseStateMachine.TryNext(s.State, UseCaseStateMachine.ToTransition(request.Kind), out var next))
        {
            return CannotDecide(s.State, request.Kind);
        }

        var category = await db.Set<GuidelineCategory>().AsNoTracking().SingleAsync(c => c.Id == s.CategoryId, cancellationToken);
        var approving = request.Kind is UseCaseDecisionKind.Approve or UseCaseDecisionKind.ApproveWithConditions;
        if (CategoryRefusal(request.Kind, category) is { } categoryRefusal)
        {
            return categoryRefusal;
        }

        var revision = await db.Set<UseCaseRevision>().AsNoTracking()
            .SingleAsync(r => r.SubmissionId == s.Id && r.Number == s.CurrentRevision, cancellationToken);
        var content = UseCaseContent.FromJson(revision.ContentJson);
        var checklist = ChecklistScorer.Score(content, category.RiskLevel, category.RequiredSafeguards);
        var conditions = request.Kind == UseCaseDecisionKind.ApproveWithConditions ? request.Conditions : null;
        if (conditions?.AllowedModels is not null)
        {
            var modelErrors = new ValidationErrors();
            var models = UseCaseConditions.MatchModels(conditions.AllowedModels, content.Models, modelErrors);
            if (!modelErrors.IsEmpty)
            {
                var fieldErrors = new ValidationErrors();
                fieldErrors.Add("conditions.allowedModels", modelErrors.For("allowedModels")!);
                return new DecisionResult(false, "The decision is incomplete: " + fieldErrors, fieldErrors);
            }

            conditions = conditions with { AllowedModels = models };
        }

        var tier = conditions is null ? null : QuotaTiers.Find(conditions.Tier);
        long? approvedTokens = request.Kind switch
        {
            UseCaseDecisionKind.Approve => content.ExpectedMonthlyTokens,
            UseCaseDecisionKind.ApproveWithConditions => conditions!.MonthlyTokenQuota ?? tier!.MonthlyTokens,
            _ => null,
        };
        var clause = string.IsNullOrWhiteSpace(request.GuidelineClause) ? category.Clause : request.GuidelineClause.Trim();

        var actions = new List<EnforcementAction>();
        var refused = await db.InTransactionAsync<DecisionResult?>(
            async ct =>
            {
                actions.Clear();
                var changed = await db.Set<UseCaseSubmission>()
                    .Where(x => x.Id == s.Id && x.State == s.State && x.ConcurrencyVersion == request.ExpectedVersion)
                    .Where(LeaseClaims.HeldBy(Lease, reviewer.Id, now))
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(x => x.State, next)
                        .SetProperty(x => x.DecidedAt, now)
                        .SetProperty(x => x.ApprovedAt, approving ? now : null)
                        .SetProperty(x => x.ConditionsJson, conditions == null ? null : conditions.ToJson())
                        .SetProperty(x => x.ApprovedMonthlyTokens, approvedTokens)
                        .SetProperty(x => x.Tier, tier == null ? null : tier.Name)
                        .SetProperty(x => x.StagedAccess, conditions != null && conditions.StagedAccess)
                        .SetProperty(x => x.ProposedTier, (string?)null)
                        .SetProperty(x => x.ReReviewAt, conditions == null ? null : conditions.ReReviewAt)
                        .SetProperty(x => x.QueueNote, "")
                        .SetProperty(x => x.LeaseOwner, (string?)null)
                        .SetProperty(x => x.LeaseOwnerName, (string?)null)
                        .SetProperty(x => x.LeaseExpiresAt, (DateTimeOffset?)null)
                        .SetProperty(x => x.ConcurrencyVersion, x => x.ConcurrencyVersion + 1), ct);
                if (changed != 1)
                {
                    return ClaimLost();
                }

                var decision = new UseCaseDecision
                {
                    SubmissionId = s.Id,
                    Revision = s.CurrentRevision,
                    Kind = request.Kind,
                    FromState = s.State,
                    ToState = next,
                    GuidelineCategoryId = category.Id,
                    GuidelineVersion = category.Version,
                    GuidelineClause = clause,
                    Reason = request.Reason.Trim(),
                    Questions = request.Questions.Trim(),
                    ConditionsJson = conditions?.ToJson(),
                    ChecklistScore = checklist.Summary,
                    DecidedBy = reviewer.Id,
                    DecidedByName = reviewer.Name,
                    DecidedAt = now,
                };
                db.Add(decision);
                await db.SaveChangesAsync(ct);
                var id = s.Id.ToString(CultureInfo.InvariantCulture);
                await audit.AppendAsync(db, reviewer, new AuditEntry(
                    "usecase.decided",
                    "UseCaseSubmission",
                    id,
                    $"{request.Kind} '{s.Name}' (revision {s.CurrentRevision}): {UseCaseStateMachine.Describe(s.State)} → {UseCaseStateMachine.Describe(next)} under {category.Key} v{category.Version}, checklist {checklist.Summary}",
                    Reason: string.IsNullOrWhiteSpace(decision.Reason) ? clause : decision.Reason,
                    BeforeJson: JsonSerializer.Serialize(new { State = s.State.ToString(), s.Tier, s.ConditionsJson }),
                    AfterJson: JsonSerializer.Serialize(new { State = next.ToString(), Tier = tier?.Name, ConditionsJson = conditions?.ToJson(), Clause = clause })), ct);

                if (conditions is not null)
                {
                    actions.AddRange(await RequestLimitsAsync(db, s, conditions, tier!, clause, reviewer, ct));
                }

                if (approving && content.Research is { } research)
                {
                    // A research access approval grants the subsidized credits the researchers asked for:
                    // a ledger (granted, used from usage reports, remaining) that the action opens.
                    actions.AddRange(await enforcement.RequestAsync(db, EnforcementRequest.With(
                        EnforcementKind.GrantResearchCredits,
                        EnforcementTargetType.Application,
                        [s.ApplicationId],
                        EnforcementReason.UseCase,
                        id,
                        clause,
                        $"Research access {id}: subsidized credits for {research.Institution}",
                        new ResearchCreditParameters(research.RequestedCreditsUsd, s.Id)), reviewer, ct));
                }

                var notice = UseCaseNotices.Compose(s.Id, s.Name, request.Kind, decision.Reason, decision.Questions, conditions, category.Name, clause, content.Research?.RequestedCreditsUsd);
                actions.AddRange(await enforcement.RequestAsync(db, EnforcementRequest.With(
                    EnforcementKind.SendNotice,
                    EnforcementTargetType.Organization,
                    [s.OrganizationId],
                    EnforcementReason.UseCase,
                    id,
                    clause,
                    $"Use-case decision notice: {request.Kind}",
                    new NoticeParameters(UseCaseNotices.TemplateKey, null, notice.Subject, notice.Message)), reviewer, ct));

                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        dispatcher.Enqueue(actions.Where(a => a.State == EnforcementState.Pending).Select(a => a.Id));
        return Decided(next, conditions);
    }

    private static DecisionResult CannotDecide(SubmissionState state, UseCaseDecisionKind kind) =>
        DecisionResult.Refused($"A submission that is '{UseCaseStateMachine.Describe(state)}' cannot be decided ({kind}).");

    private static DecisionResult? CategoryRefusal(UseCaseDecisionKind kind, GuidelineCategory category)
    {
        if ((kind is UseCaseDecisionKind.Approve or UseCaseDecisionKind.ApproveWithConditions) && category.RiskLevel == RiskLevel.Disallowed)
        {
            return DecisionResult.Refused($"'{category.Name}' is disallowed by the guidelines ({category.Clause}); it can only be rejected or sent back for changes.");
        }

        return kind == UseCaseDecisionKind.Approve && category.RiskLevel == RiskLevel.HighRisk
            ? DecisionResult.Refused($"'{category.Name}' is high-risk: approve it with conditions (a tier, limits or a pilot cap).")
            : null;
    }

    private static DecisionResult ClaimLost() =>
        DecisionResult.Refused("Your claim expired or the submission changed since you opened it; claim it again and review the current revision.");

    private static DecisionResult Decided(SubmissionState next, UseCaseConditions? conditions) =>
        DecisionResult.Ok($"{UseCaseStateMachine.Describe(next)}: the developer is notified{(conditions is null ? "" : " and the limits are queued for enforcement")}.");

    /// <summary>The approved conditions as one SetLimits action on the application: every key it
    /// has gets the whole limit set, and keys created later start from it.</summary>
    private async Task<IReadOnlyList<EnforcementAction>> RequestLimitsAsync(AppDbContext db, UseCaseSubmission s, UseCaseConditions conditions, QuotaTier tier, string clause, StaffUser reviewer, CancellationToken cancellationToken)
    {
        var id = s.Id.ToString(CultureInfo.InvariantCulture);
        return await enforcement.RequestAsync(db, EnforcementRequest.With(
            EnforcementKind.SetLimits,
            EnforcementTargetType.Application,
            [s.ApplicationId],
            EnforcementReason.UseCase,
            id,
            clause,
            $"Use case {id} approved at {tier.Name}",
            new LimitParameters(tier.Name, conditions.ToLimits(tier))), reviewer, cancellationToken);
    }

    private static ValidationErrors ValidateDecision(DecideUseCaseRequest request, DateTimeOffset now)
    {
        var errors = new ValidationErrors();
        if (request.Reason.Length > 4000)
        {
            errors.Add("reason", "The note to the developer must be at most 4000 characters.");
        }

        switch (request.Kind)
        {
            case UseCaseDecisionKind.RequestChanges when UseCaseNotices.SplitQuestions(request.Questions).Count == 0:
                errors.Add("questions", "Write at least one question for the developer (one per line).");
                break;
            case UseCaseDecisionKind.Reject when request.Reason.Trim().Length < 10:
                errors.Add("reason", "Explain the rejection to the developer (at least 10 characters).");
                break;
            case UseCaseDecisionKind.ApproveWithConditions when request.Conditions is null:
                errors.Add("conditions", "Set the conditions: at least a quota tier.");
                break;
            case UseCaseDecisionKind.ApproveWithConditions:
                foreach (var field in request.Conditions!.Validate(now).Fields)
                {
                    errors.Add("conditions." + field, request.Conditions.Validate(now).For(field)!);
                }

                break;
        }

        if (request.Questions.Length > 4000)
        {
            errors.Add("questions", "Questions must be at most 4000 characters.");
        }

        return errors;
    }

    /// <summary>What the conditions form starts from: a proposed next tier, the conditions in force,
    /// or a pilot for high-risk categories, allowing only the models the submission asked for.</summary>
    private static UseCaseConditions Suggest(UseCaseSubmission s, GuidelineCategory category, UseCaseConditions? current, IReadOnlyList<string> requestedModels)
    {
        if (QuotaTiers.Find(s.ProposedTier) is { } proposed)
        {
            return UseCaseConditions.FromTier(proposed) with { MaxOutputTokens = current?.MaxOutputTokens, AllowedModels = current?.AllowedModels, StagedAccess = true };
        }

        if (current is not null)
        {
            return current with { ReReviewAt = null };
        }

        var tier = category.RiskLevel == RiskLevel.HighRisk ? QuotaTiers.All[0] : QuotaTiers.All[1];
        return UseCaseConditions.FromTier(tier) with
        {
            MaxOutputTokens = category.RequiredSafeguards.HasFlag(Safeguards.OutputLengthLimit) ? 2_000 : null,
            AllowedModels = UseCaseConditions.RestrictableModels(requestedModels) is { Count: > 0 } models ? models : null,
        };
    }

    private async Task<bool> TryClaimAsync(AppDbContext db, long id, StaffUser reviewer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var open = UseCaseStateMachine.Open.ToList();
        return await LeaseClaims.TryClaimAsync(
            db.Set<UseCaseSubmission>().Where(s => s.Id == id && open.Contains(s.State)),
            Lease,
            reviewer.Id,
            reviewer.Name,
            now,
            LeaseDuration,
            cancellationToken);
    }
}

/// <summary>Field-by-field differences between two revisions.</summary>
public static class RevisionDiff
{
    public static IReadOnlyList<FieldChange> Compare(IReadOnlyList<ContentField> before, IReadOnlyList<ContentField> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = before.ToDictionary(f => f.Label, f => f.Value, StringComparer.Ordinal);
        var changes = new List<FieldChange>();
        foreach (var field in after)
        {
            var previous = old.GetValueOrDefault(field.Label, "");
            if (!string.Equals(previous, field.Value, StringComparison.Ordinal))
            {
                changes.Add(new FieldChange(field.Label, previous, field.Value));
            }

            old.Remove(field.Label);
        }

        changes.AddRange(old.Where(f => f.Value.Length > 0).Select(f => new FieldChange(f.Key, f.Value, "")));
        return changes;
    }
}
