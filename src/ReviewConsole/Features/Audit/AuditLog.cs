using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Audit;
using ReviewConsole.Infrastructure.Database;
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
/// the change and its audit row commit together. The chain head row is read under a lock held to
/// the commit, then updated (sequence and last hash) in one batch with the event's insert: one
/// head update and one insert per event, ordered across app nodes on every provider.
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
                // The head row is read under a lock that lasts to the commit (SQLite: the
                // transaction already holds the database's write lock, EF begins IMMEDIATE ones;
                // PostgreSQL: FOR UPDATE; SQL Server: UPDLOCK, HOLDLOCK), so appends on every node
                // are ordered by it. Then one batch: the head update and the event insert.
                var head = (await db.Set<AuditChainHead>().FromSqlRaw(LockHeadSql(db)).AsNoTracking().ToListAsync(ct)).SingleOrDefault()
                    ?? throw new InvalidOperationException("The audit chain head row is missing; the database is not migrated.");
                var auditEvent = new AuditEvent
                {
                    Sequence = head.Sequence + 1,
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

                var tracked = db.Attach(head);
                head.Sequence = auditEvent.Sequence;
                head.LastHash = auditEvent.Hash;
                tracked.Property(h => h.Sequence).IsModified = true;
                tracked.Property(h => h.LastHash).IsModified = true;
                db.Add(auditEvent);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                finally
                {
                    // The next append in this context reads the head afresh.
                    tracked.State = EntityState.Detached;
                }

                return auditEvent;
            },
            cancellationToken);
    }

    private static string LockHeadSql(AppDbContext db)
    {
        var id = AuditChainHead.SingletonId.ToString(CultureInfo.InvariantCulture);
        return RawSql.DialectOf(db) switch
        {
            SqlDialect.Postgres => $"""SELECT * FROM "AuditChainHead" WHERE "Id" = {id} FOR UPDATE""",
            SqlDialect.SqlServer => $"""SELECT * FROM "AuditChainHead" WITH (UPDLOCK, HOLDLOCK, ROWLOCK) WHERE "Id" = {id}""",
            _ => $"""SELECT * FROM "AuditChainHead" WHERE "Id" = {id}""",
        };
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
