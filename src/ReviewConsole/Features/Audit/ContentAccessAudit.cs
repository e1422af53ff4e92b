using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Audit;

/// <summary>
/// Records that a person was shown text written by the people under review (flag content, raw
/// ingestion payloads, use-case submissions, appeal texts). Callers record before they render the
/// text, so the trail holds every access that reached a browser, not a click.
/// </summary>
public sealed class ContentAccessAudit(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit)
{
    public async Task RecordAsync(StaffUser viewer, string kind, string targetType, string targetId, string summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await audit.AppendAsync(db, viewer, new AuditEntry(kind, targetType, targetId, summary), cancellationToken);
    }
}
