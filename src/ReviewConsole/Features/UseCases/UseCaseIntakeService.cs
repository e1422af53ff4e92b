using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.UseCases;

/// <summary>Who sends a submission: an API token (its organization, if bound to one) or a staff
/// member submitting on the developer's behalf.</summary>
public sealed record Submitter(StaffUser Actor, long? TokenId, long? TokenOrganizationId)
{
    public bool IsStaff => TokenId is null;

    public static Submitter Staff(StaffUser user) => new(user, null, null);
}

public enum IntakeOutcome
{
    Accepted,
    Invalid,
    NotFound,
    Conflict,
}

public sealed record IntakeResult(IntakeOutcome Outcome, long? SubmissionId, ValidationErrors Errors, string Message)
{
    public bool Succeeded => Outcome == IntakeOutcome.Accepted;
}

/// <summary>What the developer sees through the intake API.</summary>
public sealed record SubmissionStatus(
    long Id,
    string Kind,
    string State,
    string StateLabel,
    int Revision,
    DateTimeOffset SubmittedAt,
    DateTimeOffset LastSubmittedAt,
    string Category,
    SubmissionStatusDecision? LatestDecision);

public sealed record SubmissionStatusDecision(
    string Outcome,
    DateTimeOffset DecidedAt,
    string Reason,
    IReadOnlyList<string> Questions,
    IReadOnlyList<string> Conditions,
    string GuidelineClause,
    int GuidelineVersion,
    string Message);

/// <summary>
/// Intake of use-case submissions and research access applications: validation first (every
/// field's problem at once), then one transaction for actors, submission, first revision and
/// audit, so a refused or failed submission leaves nothing behind.
/// </summary>
public sealed class UseCaseIntakeService(
    IDbContextFactory<AppDbContext> dbFactory,
    ActorRegistry actors,
    AuditLog audit,
    TimeProvider clock,
    IOptions<UseCasesOptions> options)
{
    public async Task<IntakeResult> SubmitAsync(UseCaseSubmissionRequest? request, Submitter submitter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submitter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rules = await GuidelineService.RulesAsync(db, cancellationToken);
        var (content, errors) = UseCaseRequestValidator.Validate(request, rules);
        if (content is null)
        {
            return Invalid(errors);
        }

        var category = rules.Single(c => c.Key == content.Category);
        UseCaseSubmission submission = default!;
        string id = default!;
        var refused = await db.InTransactionAsync<IntakeResult?>(
            async ct =>
            {
                var (orgId, appId) = await EnsureActorsAsync(db, content, submitter, errors, ct);
                if (!errors.IsEmpty)
                {
                    // The transaction is disposed uncommitted: an organization created on the way is gone too.
                    return Invalid(errors);
                }

                var now = clock.GetUtcNow();
                submission = new UseCaseSubmission
                {
                    Kind = content.Kind,
                    State = SubmissionState.Submitted,
                    QueueReason = QueueReason.New,
                    OrganizationId = orgId,
                    ApplicationId = appId,
                    CategoryId = category.Id,
                    Name = content.Name,
                    CurrentRevision = 1,
                    SubmittedByTokenId = submitter.TokenId,
                    SubmittedOnBehalfBy = submitter.IsStaff ? submitter.Actor.Name : null,
                    SubmittedAt = now,
                    LastSubmittedAt = now,
                    SlaDueAt = now.AddHours(options.Value.ReviewSlaHours),
                };
                db.Add(submission);
                await db.SaveChangesAsync(ct);
                db.Add(new UseCaseRevision
                {
                    SubmissionId = submission.Id,
                    Number = 1,
                    ContentJson = content.ToJson(),
                    SubmittedAt = now,
                    SubmittedBy = submitter.Actor.Name,
                    ResponseNote = request!.ResponseNote?.Trim() ?? "",
                });
                await db.SaveChangesAsync(ct);
                id = submission.Id.ToString(CultureInfo.InvariantCulture);
                await audit.AppendAsync(db, submitter.Actor, new AuditEntry(
                    "usecase.submitted",
                    "UseCaseSubmission",
                    id,
                    $"{(content.Kind == SubmissionKind.ResearchAccess ? "Research access application" : "Use case")} '{content.Name}' for {content.AppId} ({content.Category})"
                        + (submitter.IsStaff ? " submitted on behalf of the developer" : ""),
                    AfterJson: content.ToJson()), ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        return new IntakeResult(IntakeOutcome.Accepted, submission.Id, errors, $"Submission {id} received; it is in the review queue.");
    }

    /// <summary>The developer's new revision after changes were requested: back to the queue, with history.</summary>
    public async Task<IntakeResult> ResubmitAsync(long submissionId, UseCaseSubmissionRequest? request, Submitter submitter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submitter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var submission = await db.Set<UseCaseSubmission>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == submissionId, cancellationToken);
        if (submission is null || !CanAccess(submission, submitter))
        {
            return new IntakeResult(IntakeOutcome.NotFound, null, new ValidationErrors(), $"No submission {submissionId} for this token.");
        }

        if (!UseCaseStateMachine.TryNext(submission.State, UseCaseTransition.Resubmit, out var next))
        {
            return new IntakeResult(IntakeOutcome.Conflict, submissionId, new ValidationErrors(),
                $"Submission {submissionId} is '{UseCaseStateMachine.Describe(submission.State)}'; only a submission with changes requested can be resubmitted.");
        }

        var rules = await GuidelineService.RulesAsync(db, cancellationToken);
        var (content, errors) = UseCaseRequestValidator.Validate(request, rules);
        if (content is null)
        {
            return Invalid(errors);
        }

        var previous = await db.Set<UseCaseRevision>().AsNoTracking()
            .Where(r => r.SubmissionId == submissionId && r.Number == submission.CurrentRevision)
            .Select(r => r.ContentJson).SingleAsync(cancellationToken);
        var before = UseCaseContent.FromJson(previous);
        if (!string.Equals(before.OrganizationId, content.OrganizationId, StringComparison.Ordinal))
        {
            errors.Add("organizationId", $"A resubmission keeps its organization ({before.OrganizationId}).");
        }

        if (!string.Equals(before.AppId, content.AppId, StringComparison.Ordinal))
        {
            errors.Add("appId", $"A resubmission keeps its app ({before.AppId}); submit a new use case for another app.");
        }

        if (before.Kind != content.Kind)
        {
            errors.Add("kind", "A resubmission keeps its kind.");
        }

        if (!errors.IsEmpty)
        {
            return Invalid(errors);
        }

        var category = rules.Single(c => c.Key == content.Category);
        var now = clock.GetUtcNow();
        var revision = submission.CurrentRevision + 1;
        var refused = await db.InTransactionAsync<IntakeResult?>(
            async ct =>
            {
                var moved = await db.Set<UseCaseSubmission>()
                    .Where(s => s.Id == submissionId && s.State == submission.State && s.ConcurrencyVersion == submission.ConcurrencyVersion)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(x => x.State, next)
                        .SetProperty(x => x.QueueReason, QueueReason.Resubmitted)
                        .SetProperty(x => x.QueueNote, $"Revision {revision} answers the requested changes.")
                        .SetProperty(x => x.CurrentRevision, revision)
                        .SetProperty(x => x.CategoryId, category.Id)
                        .SetProperty(x => x.Name, content.Name)
                        .SetProperty(x => x.LastSubmittedAt, now)
                        .SetProperty(x => x.SlaDueAt, now.AddHours(options.Value.ReviewSlaHours))
                        .SetProperty(x => x.LeaseOwner, (string?)null)
                        .SetProperty(x => x.LeaseOwnerName, (string?)null)
                        .SetProperty(x => x.LeaseExpiresAt, (DateTimeOffset?)null)
                        .SetProperty(x => x.ConcurrencyVersion, x => x.ConcurrencyVersion + 1), ct);
                if (moved != 1)
                {
                    return new IntakeResult(IntakeOutcome.Conflict, submissionId, new ValidationErrors(), "The submission changed meanwhile; fetch its status and try again.");
                }

                db.Add(new UseCaseRevision
                {
                    SubmissionId = submissionId,
                    Number = revision,
                    ContentJson = content.ToJson(),
                    SubmittedAt = now,
                    SubmittedBy = submitter.Actor.Name,
                    ResponseNote = request!.ResponseNote?.Trim() ?? "",
                });
                await db.SaveChangesAsync(ct);
                await audit.AppendAsync(db, submitter.Actor, new AuditEntry(
                    "usecase.resubmitted",
                    "UseCaseSubmission",
                    submissionId.ToString(CultureInfo.InvariantCulture),
                    $"Revision {revision} of '{content.Name}' submitted after changes were requested",
                    Reason: request.ResponseNote,
                    BeforeJson: previous,
                    AfterJson: content.ToJson()), ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        return new IntakeResult(IntakeOutcome.Accepted, submissionId, errors, $"Revision {revision} received; the submission is back in the review queue.");
    }

    /// <summary>The status for the intake API; null when it does not exist or belongs to another organization.</summary>
    public async Task<SubmissionStatus?> GetStatusAsync(long submissionId, Submitter submitter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submitter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var submission = await db.Set<UseCaseSubmission>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == submissionId, cancellationToken);
        if (submission is null || !CanAccess(submission, submitter))
        {
            return null;
        }

        var category = await db.Set<GuidelineCategory>().AsNoTracking().Where(c => c.Id == submission.CategoryId).Select(c => c.Key).SingleAsync(cancellationToken);
        var decision = await db.Set<UseCaseDecision>().AsNoTracking()
            .Where(d => d.SubmissionId == submissionId)
            .OrderByDescending(d => d.Id)
            .FirstOrDefaultAsync(cancellationToken);
        SubmissionStatusDecision? latest = null;
        if (decision is not null)
        {
            var conditions = UseCaseConditions.FromJson(decision.ConditionsJson);
            var guideline = await db.Set<GuidelineCategoryVersion>().AsNoTracking()
                .Where(v => v.GuidelineCategoryId == decision.GuidelineCategoryId && v.Version == decision.GuidelineVersion)
                .Select(v => v.Name).FirstOrDefaultAsync(cancellationToken) ?? category;
            latest = new SubmissionStatusDecision(
                decision.Kind.ToString(),
                decision.DecidedAt,
                decision.Reason,
                UseCaseNotices.SplitQuestions(decision.Questions),
                conditions?.Describe() ?? [],
                decision.GuidelineClause,
                decision.GuidelineVersion,
                UseCaseNotices.Compose(submissionId, submission.Name, decision.Kind, decision.Reason, decision.Questions, conditions, guideline, decision.GuidelineClause).Message);
        }

        return new SubmissionStatus(
            submission.Id,
            submission.Kind == SubmissionKind.ResearchAccess ? "research_access" : "application",
            submission.State.ToString(),
            UseCaseStateMachine.Describe(submission.State),
            submission.CurrentRevision,
            submission.SubmittedAt,
            submission.LastSubmittedAt,
            category,
            latest);
    }

    /// <summary>Only the submitting organization (or, for a token bound to none, the submitting token) reads a submission.</summary>
    private static bool CanAccess(UseCaseSubmission submission, Submitter submitter) =>
        submitter.IsStaff
        || (submitter.TokenOrganizationId is { } org ? org == submission.OrganizationId : submitter.TokenId == submission.SubmittedByTokenId);

    private async Task<(long OrgId, long AppId)> EnsureActorsAsync(AppDbContext db, UseCaseContent content, Submitter submitter, ValidationErrors errors, CancellationToken cancellationToken)
    {
        var orgId = await actors.EnsureOrganizationAsync(db, content.OrganizationId, cancellationToken);
        if (submitter.TokenOrganizationId is { } tokenOrg && tokenOrg != orgId)
        {
            errors.Add("organizationId", "This API token belongs to another organization; submit with your organization's id.");
            return (orgId, 0);
        }

        var app = await db.Set<Application>().SingleOrDefaultAsync(a => a.ExternalId == content.AppId, cancellationToken);
        if (app is null)
        {
            app = new Application
            {
                ExternalId = content.AppId,
                Name = content.Name,
                OrganizationId = orgId,
                CreatedAt = clock.GetUtcNow(),
            };
            db.Add(app);
            await db.SaveChangesAsync(cancellationToken);
        }
        else if (app.OrganizationId != orgId)
        {
            errors.Add("appId", $"The app '{content.AppId}' belongs to another organization.");
        }

        return (orgId, app.Id);
    }

    private static IntakeResult Invalid(ValidationErrors errors) =>
        new(IntakeOutcome.Invalid, null, errors, "The submission has errors: " + errors);
}
