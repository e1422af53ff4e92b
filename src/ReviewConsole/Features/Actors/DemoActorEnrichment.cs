using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Actors;

/// <summary>
/// Demo mode only: actors created by the demo feed carry their platform ids as names. This gives
/// the first organizations and applications realistic names and the keys plausible limits and
/// usage, so the actor pages look like a real tenant. Idempotent (only rows still named after
/// their id are touched); runs at start and every few minutes while the demo feed adds actors.
/// </summary>
public sealed class DemoActorEnrichment(IDbContextFactory<AppDbContext> dbFactory, IOptions<DemoOptions> demo, IConfiguration configuration, ILogger<DemoActorEnrichment> logger) : BackgroundService
{
    private static readonly string[] OrganizationNames =
    [
        "Northwind Analytics", "Contoso Health", "Fabrikam Learning", "Tailspin Media", "Adventure Works Travel",
        "Litware Security", "Proseware Legal", "Wide World Importers", "Blue Yonder Airlines", "Margie's Travel",
        "Coho Winery", "Lucerne Publishing", "Trey Research", "Woodgrove Bank", "Alpine Ski House",
    ];

    private static readonly string[] ApplicationNames =
    [
        "Support Copilot", "Marketing Writer", "Code Review Bot", "Study Buddy", "Claims Assistant",
        "Travel Planner", "Newsletter Generator", "Chat Widget", "Document Summarizer", "Sales Outreach",
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Only with the demo feed: hosts that seed demo users without the feed (tests) keep their
        // actors exactly as they created them.
        if (!demo.Value.Enabled || !configuration.GetValue("Demo:FeedEnabled", true))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(2));
        try
        {
            do
            {
                try
                {
                    await EnrichAsync(dbFactory, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Demo actor enrichment failed; it runs again shortly.");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public static async Task<int> EnrichAsync(IDbContextFactory<AppDbContext> dbFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dbFactory);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var changed = 0;
        var orgs = await db.Set<Organization>().Where(o => o.Name == o.ExternalId).OrderBy(o => o.Id).Take(OrganizationNames.Length).ToListAsync(cancellationToken);
        foreach (var org in orgs)
        {
            var name = OrganizationNames[(int)(org.Id % OrganizationNames.Length)];
            org.Name = await db.Set<Organization>().AnyAsync(o => o.Name == name, cancellationToken) ? $"{name} ({org.ExternalId})" : name;
            org.ContactEmail ??= "trust@" + new string(name.ToLowerInvariant().Where(char.IsLetter).Take(20).ToArray()) + ".example";
            org.IsHighProfile = org.Id % 7 == 3;
            changed++;
        }

        var apps = await db.Set<Application>().Where(a => a.Name == a.ExternalId).OrderBy(a => a.Id).Take(100).ToListAsync(cancellationToken);
        foreach (var app in apps)
        {
            app.Name = ApplicationNames[(int)(app.Id % ApplicationNames.Length)];
            changed++;
        }

        var keys = await db.Set<ApiKey>().Where(k => k.RateLimitRpm == null && k.TokensUsedThisMonth == 0 && k.Version == 0).OrderBy(k => k.Id).Take(200).ToListAsync(cancellationToken);
        foreach (var key in keys)
        {
            var tier = (int)(key.Id % 3);
            key.RateLimitRpm = tier switch { 0 => 500, 1 => 3_500, _ => 10_000 };
            key.RateLimitTpm = tier switch { 0 => 200_000, 1 => 2_000_000, _ => 10_000_000 };
            key.MonthlyTokenQuota = tier switch { 0 => 50_000_000, 1 => 500_000_000, _ => null };
            key.TokensUsedThisMonth = 1_000_000 + (key.Id * 7_919_113 % 40_000_000);
            changed++;
        }

        await db.SaveChangesAsync(cancellationToken);
        return changed;
    }
}
