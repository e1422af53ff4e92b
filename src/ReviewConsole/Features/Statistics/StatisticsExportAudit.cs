using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Statistics;

/// <summary>Records every statistics export (who, which period, which format) before it is sent.</summary>
public sealed class StatisticsExportAudit(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit)
{
    public const string Kind = "statistics.exported";

    public async Task RecordAsync(StaffUser by, string format, string from, string to, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await audit.AppendAsync(db, by, new AuditEntry(Kind, "Statistics", $"{from}..{to}", $"Exported safety statistics {from} to {to} (exclusive) as {format}"), cancellationToken);
    }
}
