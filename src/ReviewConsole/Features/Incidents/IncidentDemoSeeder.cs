using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Actors;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Incidents;

/// <summary>
/// Demo mode only: three realistic incidents so the pages have something true-to-life to show —
/// a resolved SEV2 influence operation whose retrospective is in progress, an acknowledged SEV3
/// health-spam ring, and a fresh SEV4 malware near-miss. Idempotent: skipped when the first exists.
/// </summary>
public sealed class IncidentDemoSeeder(
    IDbContextFactory<AppDbContext> dbFactory,
    IncidentService incidents,
    ActorRegistry actors,
    TimeProvider clock,
    IOptions<DemoOptions> demo,
    ILogger<IncidentDemoSeeder> logger) : IHostedService
{
    public const string InfluenceOperationTitle = "Coordinated persuasion network posting through CivicPulse";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!demo.Value.Enabled)
        {
            return;
        }

        try
        {
            await SeedAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException)
        {
            // Demo data is a convenience; a failure (e.g. another node seeding at once) must not stop the app.
            logger.LogWarning(ex, "Seeding demo incidents failed.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Set<Incident>().AnyAsync(i => i.Title == InfluenceOperationTitle, cancellationToken))
        {
            return;
        }

        var responder = await StaffAsync(db, "incidents@demo.local", cancellationToken);
        var lead = await StaffAsync(db, "lead@demo.local", cancellationToken);
        var now = clock.GetUtcNow();
        var civic = await actors.EnsureAsync(db, new ActorRef("org_civicpulse", "app_civicpulse_web", "key_civicpulse_01"), cancellationToken);
        var vita = await actors.EnsureAsync(db, new ActorRef("org_vitaboost", "app_vitaboost_mailer", "key_vitaboost_07"), cancellationToken);
        var shell = await actors.EnsureAsync(db, new ActorRef("org_devtools_lab", "app_shellhelper", "key_shellhelper_02"), cancellationToken);

        var influence = await incidents.OpenAsync(new OpenIncidentRequest
        {
            Title = InfluenceOperationTitle,
            Summary = "Around 40 accounts generated near-identical posts praising one candidate and attacking another in three languages, scheduled through the CivicPulse app. Found by the influence-operation classifier; confirmed by reviewers from one near-duplicate cluster.",
            MisuseType = MisuseType.InfluenceOperation,
            Severity = Severity.Sev2,
            HarmLevel = HarmLevel.Event,
            Reversibility = Reversibility.PartiallyReversible,
            DetectionSource = DetectionSource.Classifier,
            GenerationsAffected = 18_420,
            EndUsersAffected = 0,
            OrganizationsAffected = 1,
            AbuseStartedAt = now.AddDays(-9),
            DetectedAt = now.AddDays(-4),
            AcknowledgedAt = now.AddDays(-4).AddMinutes(22),
            MitigatedAt = now.AddDays(-4).AddHours(3),
            ResolvedAt = now.AddDays(-2),
            OrganizationId = civic.OrganizationId,
            ApplicationId = civic.ApplicationId,
            ApiKeyId = civic.ApiKeyId,
        }, responder, cancellationToken);
        await incidents.AssignRoleAsync(influence, IncidentRole.Commander, new StaffMember(responder.Id, responder.Name), responder, cancellationToken);
        await incidents.AssignRoleAsync(influence, IncidentRole.CommunicationsOwner, new StaffMember(lead.Id, lead.Name), responder, cancellationToken);
        await incidents.AddNoteAsync(influence, "Key revoked and the app suspended by the platform team while the review ran; no new cluster members since.", responder, cancellationToken);
        var template = await incidents.TemplateAsync(influence, cancellationToken);
        await incidents.SaveRetrospectiveAsync(influence, template with
        {
            ContributingFactors = "- The classifier scored each post below threshold; only the cluster size made the campaign visible.\n- Posts were spread over 40 keys of one organization, under per-key rate alerts.\n- No rule linked new keys created in bulk to an earlier warning.",
            WentWell = "- Cluster view showed the campaign in one screen.\n- Acknowledged in 22 minutes.",
            WentPoorly = "- Five days between the first post and detection.",
            PolicyGaps = "- The election-integrity clause does not name scheduled posting tools.",
            ClassifierGaps = "- Multilingual persuasion below 0.6 in two of three languages.",
        }, 0, responder, cancellationToken);
        await incidents.AddActionItemAsync(influence, new NewActionItem("Alert on organizations creating more than 10 keys a day", responder.Id, responder.Name, DateOnly.FromDateTime(now.AddDays(-1).UtcDateTime)), responder, cancellationToken);
        await incidents.AddActionItemAsync(influence, new NewActionItem("Retrain the persuasion classifier with the cluster's labelled examples", lead.Id, lead.Name, DateOnly.FromDateTime(now.AddDays(14).UtcDateTime)), responder, cancellationToken);

        var spam = await incidents.OpenAsync(new OpenIncidentRequest
        {
            Title = "Miracle-cure supplement spam from VitaBoost mailer",
            Summary = "Bulk emails claiming a supplement cures diabetes, generated through one mailer app.",
            MisuseType = MisuseType.SpamDeceptiveHealthClaims,
            Severity = Severity.Sev3,
            HarmLevel = HarmLevel.Event,
            Reversibility = Reversibility.Irreversible,
            DetectionSource = DetectionSource.Reviewer,
            GenerationsAffected = 2_310,
            EndUsersAffected = 0,
            OrganizationsAffected = 1,
            AbuseStartedAt = now.AddDays(-2),
            DetectedAt = now.AddHours(-20),
            AcknowledgedAt = now.AddHours(-19),
            OrganizationId = vita.OrganizationId,
            ApiKeyId = vita.ApiKeyId,
        }, responder, cancellationToken);
        await incidents.AssignRoleAsync(spam, IncidentRole.Commander, new StaffMember(responder.Id, responder.Name), responder, cancellationToken);

        await incidents.OpenAsync(new OpenIncidentRequest
        {
            Title = "Shell helper app asked to write credential-stealing script",
            Summary = "A developer-tools app sent prompts for a browser credential stealer; the model refused, the requests continued with rephrasing.",
            MisuseType = MisuseType.Malware,
            Severity = Severity.Sev4,
            HarmLevel = HarmLevel.NearMiss,
            Reversibility = Reversibility.Reversible,
            DetectionSource = DetectionSource.Partner,
            GenerationsAffected = 37,
            OrganizationsAffected = 1,
            DetectedAt = now.AddHours(-3),
            OrganizationId = shell.OrganizationId,
            ApplicationId = shell.ApplicationId,
        }, responder, cancellationToken);
        logger.LogInformation("Seeded demo incidents.");
    }

    private static async Task<StaffUser> StaffAsync(AppDbContext db, string email, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Email == email, cancellationToken);
        return user is null ? StaffUser.System : new StaffUser(user.Id, user.UserName ?? email);
    }
}
