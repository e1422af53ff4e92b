using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Audit;

/// <summary>What happened, for the audit trail. Before/after are JSON snapshots when useful.</summary>
public sealed record AuditEntry(
    string Kind,
    string TargetType,
    string TargetId,
    string Summary,
    string? Reason = null,
    string? BeforeJson = null,
    string? AfterJson = null);

/// <summary>
/// Appends hash-chained audit events. Call it inside the transaction of the change it records, so
/// the change and its audit row commit together. The chain head row is locked first (an update of
/// its sequence), which orders appends across app nodes on both SQLite and SQL Server.
/// </summary>
public sealed class AuditLog(TimeProvider clock)
{
    public async Task<AuditEvent> AppendAsync(AppDbContext db, StaffUser actor, AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(entry);

        return await db.InTransactionAsync(
            async ct =>
            {
                var locked = await db.Set<AuditChainHead>()
                    .Where(h => h.Id == AuditChainHead.SingletonId)
                    .ExecuteUpdateAsync(s => s.SetProperty(h => h.Sequence, h => h.Sequence + 1), ct);
                if (locked != 1)
                {
                    throw new InvalidOperationException("The audit chain head row is missing; the database is not migrated.");
                }

                var head = await db.Set<AuditChainHead>().AsNoTracking().SingleAsync(h => h.Id == AuditChainHead.SingletonId, ct);
                var auditEvent = new AuditEvent
                {
                    Sequence = head.Sequence,
                    OccurredAt = clock.GetUtcNow(),
                    ActorId = Truncate(actor.Id, 100),
                    ActorName = Truncate(actor.Name, 256),
                    Kind = Truncate(entry.Kind, 100),
                    TargetType = Truncate(entry.TargetType, 100),
                    TargetId = Truncate(entry.TargetId, 100),
                    Summary = Truncate(entry.Summary, 1000),
                    Reason = entry.Reason is null ? null : Truncate(entry.Reason, 4000),
                    BeforeJson = entry.BeforeJson,
                    AfterJson = entry.AfterJson,
                    RequestId = Activity.Current?.TraceId.ToString(),
                    PreviousHash = head.LastHash,
                    Hash = "",
                };
                auditEvent.Hash = ComputeHash(auditEvent);
                db.Add(auditEvent);
                await db.SaveChangesAsync(ct);
                await db.Set<AuditChainHead>()
                    .Where(h => h.Id == AuditChainHead.SingletonId)
                    .ExecuteUpdateAsync(s => s.SetProperty(h => h.LastHash, auditEvent.Hash), ct);
                return auditEvent;
            },
            cancellationToken);
    }

    /// <summary>SHA-256 over the previous hash and every recorded field, in a fixed order with
    /// length prefixes so no two different events can serialize the same.</summary>
    public static string ComputeHash(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var builder = new StringBuilder();
        void Field(string? value)
        {
            value ??= "\u0000null";
            builder.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('|');
        }

        Field(e.PreviousHash);
        Field(e.Sequence.ToString(CultureInfo.InvariantCulture));
        Field(e.OccurredAt.UtcTicks.ToString(CultureInfo.InvariantCulture));
        Field(e.ActorId);
        Field(e.ActorName);
        Field(e.Kind);
        Field(e.TargetType);
        Field(e.TargetId);
        Field(e.Summary);
        Field(e.Reason);
        Field(e.BeforeJson);
        Field(e.AfterJson);
        Field(e.RequestId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
