using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.UseCases;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Actors;

/// <summary>One key's usage on one UTC day, as reported (the push API's row, one CSV line).</summary>
public sealed record UsageReport(string? KeyId, string? Date, long? Tokens, long? Requests, int? EndUsers = null);

/// <summary>Why one row was refused: its position (0-based index, or the CSV line) and the reasons.</summary>
public sealed record UsageRowError(int Row, string? KeyId, IReadOnlyList<string> Errors);

public sealed record UsageIntakeResult(bool Accepted, int Inserted, int Replaced, int Unchanged, IReadOnlyList<UsageRowError> Errors, string Message)
{
    public static UsageIntakeResult Refused(string message, IReadOnlyList<UsageRowError> errors) => new(false, 0, 0, 0, errors, message);
}

/// <summary>
/// Usage intake (push API and CSV import): per key per UTC day, tokens and requests (and, for
/// pilots, distinct end users). A batch is all or nothing: every bad row is answered with its
/// reasons and nothing is stored. A good batch upserts one row per (key, day) — re-sending the
/// same report changes nothing — and, in the same transaction, keeps the keys' usage this month,
/// the research credit ledgers and the pilot caps up to date.
/// </summary>
public sealed class UsageService(
    IDbContextFactory<AppDbContext> dbFactory,
    UseCaseMonitorService monitor,
    EnforcementDispatcher dispatcher,
    AuditLog audit,
    TimeProvider clock)
{
    public const int MaxRows = 5000;
    public const string CsvHeader = "key_id,date,tokens,requests,end_users";
    private static readonly string[] CsvColumns = ["key_id", "date", "tokens", "requests"];

    /// <summary>Records <paramref name="rows"/>. A token bound to an organization may only report its own keys
    /// (others read as unknown, so key ids of other organizations do not leak).</summary>
    public async Task<UsageIntakeResult> RecordAsync(IReadOnlyList<UsageReport> rows, StaffUser by, long? tokenOrganizationId, CancellationToken cancellationToken, Func<int, int>? rowNumber = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(by);
        if (rows.Count == 0)
        {
            return UsageIntakeResult.Refused("No usage rows were sent.", []);
        }

        if (rows.Count > MaxRows)
        {
            return UsageIntakeResult.Refused($"At most {MaxRows} rows per request; {rows.Count} were sent.", []);
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var errors = new List<UsageRowError>();
        var parsed = new List<(int Row, string KeyId, DateOnly Day, long Tokens, long Requests, int? EndUsers)>();
        var seen = new HashSet<(string, DateOnly)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var problems = new List<string>();
            var keyId = row.KeyId?.Trim();
            if (string.IsNullOrEmpty(keyId) || keyId.Length > 100)
            {
                problems.Add("key_id is required (at most 100 characters).");
            }

            DateOnly day = default;
            if (!DateOnly.TryParseExact(row.Date?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
            {
                problems.Add("date must be a UTC day written yyyy-MM-dd.");
            }
            else if (day > today)
            {
                problems.Add($"date {day:yyyy-MM-dd} is in the future.");
            }
            else if (day < today.AddDays(-400))
            {
                problems.Add($"date {day:yyyy-MM-dd} is more than 400 days ago.");
            }

            if (row.Tokens is not >= 0)
            {
                problems.Add("tokens must be a whole number, 0 or more.");
            }

            if (row.Requests is not >= 0)
            {
                problems.Add("requests must be a whole number, 0 or more.");
            }

            if (row.EndUsers is < 0)
            {
                problems.Add("end_users must be 0 or more.");
            }

            if (problems.Count == 0 && !seen.Add((keyId!, day)))
            {
                problems.Add($"key {keyId} appears twice for {day:yyyy-MM-dd} in this batch.");
            }

            var number = rowNumber?.Invoke(i) ?? i;
            if (problems.Count > 0)
            {
                errors.Add(new UsageRowError(number, keyId, problems));
            }
            else
            {
                parsed.Add((number, keyId!, day, row.Tokens!.Value, row.Requests!.Value, row.EndUsers));
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var externalIds = parsed.Select(p => p.KeyId).Distinct().ToList();
        var keyQuery = db.Set<ApiKey>().AsNoTracking().Where(k => externalIds.Contains(k.ExternalId));
        if (tokenOrganizationId is { } org)
        {
            keyQuery = keyQuery.Where(k => k.OrganizationId == org);
        }

        var keys = await keyQuery.Select(k => new { k.Id, k.ExternalId, k.ApplicationId, k.OrganizationId }).ToDictionaryAsync(k => k.ExternalId, StringComparer.Ordinal, cancellationToken);
        errors.AddRange(parsed.Where(p => !keys.ContainsKey(p.KeyId)).Select(p => new UsageRowError(p.Row, p.KeyId, [$"Unknown key id '{Clip(p.KeyId)}'."])));
        if (errors.Count > 0)
        {
            var sorted = errors.OrderBy(e => e.Row).ToList();
            return UsageIntakeResult.Refused($"{sorted.Count} row(s) refused; nothing was stored.", sorted);
        }

        var now = clock.GetUtcNow();
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        List<long> actions = [];
        var counts = await db.InTransactionAsync(
            async ct =>
            {
                actions = [];
                db.ChangeTracker.Clear();
                int inserted = 0, replaced = 0, unchanged = 0;
                var keyIds = keys.Values.Select(k => k.Id).ToList();
                var days = parsed.Select(p => p.Day).Distinct().ToList();
                var existing = await db.Set<KeyUsageDay>().Where(u => keyIds.Contains(u.ApiKeyId) && days.Contains(u.Day)).ToListAsync(ct);
                foreach (var p in parsed)
                {
                    var key = keys[p.KeyId];
                    var current = existing.FirstOrDefault(u => u.ApiKeyId == key.Id && u.Day == p.Day);
                    if (current is null)
                    {
                        db.Add(new KeyUsageDay { ApiKeyId = key.Id, ApplicationId = key.ApplicationId, OrganizationId = key.OrganizationId, Day = p.Day, Tokens = p.Tokens, Requests = p.Requests, EndUsers = p.EndUsers, ReportedAt = now, ReportedBy = by.Name });
                        inserted++;
                    }
                    else if (current.Tokens == p.Tokens && current.Requests == p.Requests && current.EndUsers == p.EndUsers)
                    {
                        unchanged++;
                    }
                    else
                    {
                        (current.Tokens, current.Requests, current.EndUsers, current.ReportedAt, current.ReportedBy) = (p.Tokens, p.Requests, p.EndUsers, now, by.Name);
                        replaced++;
                    }
                }

                await db.SaveChangesAsync(ct);

                // Counters on write: each key's usage this month is the sum of its days this month.
                foreach (var keyId in keyIds)
                {
                    var month = await db.Set<KeyUsageDay>().Where(u => u.ApiKeyId == keyId && u.Day >= monthStart).SumAsync(u => (long?)u.Tokens, ct) ?? 0;
                    await db.Set<ApiKey>().Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.TokensUsedThisMonth, month), ct);
                }

                await monitor.OnUsageAsync(db, keys.Values.Select(k => k.ApplicationId).Distinct().ToList(), actions, ct);
                await audit.AppendAsync(db, by, new AuditEntry("actor.usage.recorded", "ApiKey", "*", $"Usage for {keyIds.Count} key(s): {inserted} new day(s), {replaced} replaced, {unchanged} unchanged"), ct);
                return (inserted, replaced, unchanged);
            },
            cancellationToken);
        dispatcher.Enqueue(actions);
        return new UsageIntakeResult(true, counts.inserted, counts.replaced, counts.unchanged, [], $"Usage stored: {counts.inserted} new, {counts.replaced} replaced, {counts.unchanged} unchanged.");
    }

    /// <summary>The staff CSV import (Lead or Admin): <c>key_id,date,tokens,requests[,end_users]</c> with a header line,
    /// parsed by CsvHelper; errors name the file's line numbers.</summary>
    public async Task<UsageIntakeResult> ImportCsvAsync(string csv, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(by);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!await StaffDirectory.IsInAnyRoleAsync(db, by.Id, [Roles.Lead, Roles.Admin], cancellationToken))
            {
                return UsageIntakeResult.Refused("Only a Lead or an Admin can import usage.", []);
            }
        }

        var (rows, lines, problem) = ParseCsv(csv);
        if (problem is not null)
        {
            return UsageIntakeResult.Refused(problem, []);
        }

        return await RecordAsync(rows, by, null, cancellationToken, i => lines[i]);
    }

    /// <summary>Parses the CSV; returns the rows with their line numbers, or why the file as a whole cannot be read.</summary>
    public static (IReadOnlyList<UsageReport> Rows, IReadOnlyList<int> Lines, string? Problem) ParseCsv(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var rows = new List<UsageReport>();
        var lines = new List<int>();
        try
        {
            using var reader = CsvReader.FromText(csv, new CsvReaderOptions { HasHeader = true, TrimWhitespace = true, TrackLineNumbers = true });
            var headers = reader.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
            var missing = CsvColumns.Where(c => !headers.Contains(c)).ToList();
            if (missing.Count > 0)
            {
                return ([], [], $"The header must name {CsvHeader} (end_users optional); missing: {string.Join(", ", missing)}.");
            }

            int Index(string name) => headers.IndexOf(name);
            string? Field(int index) => index >= 0 && index < reader.FieldCount ? reader.GetStringOrNull(index) : null;
            while (reader.Read())
            {
                if (rows.Count > MaxRows)
                {
                    return ([], [], $"At most {MaxRows} rows per file.");
                }

                rows.Add(new UsageReport(
                    Field(Index("key_id")),
                    Field(Index("date")),
                    long.TryParse(Field(Index("tokens")), NumberStyles.None, CultureInfo.InvariantCulture, out var tokens) ? tokens : null,
                    long.TryParse(Field(Index("requests")), NumberStyles.None, CultureInfo.InvariantCulture, out var requests) ? requests : null,
                    string.IsNullOrEmpty(Field(Index("end_users"))) ? null : int.TryParse(Field(Index("end_users")), NumberStyles.None, CultureInfo.InvariantCulture, out var users) ? users : -1));
                lines.Add((int)Math.Min(int.MaxValue, reader.LineNumber));
            }
        }
        catch (CsvFormatException e)
        {
            return ([], [], $"The file is not valid CSV: {e.Message}");
        }

        return rows.Count == 0 ? ([], [], "The file has no usage rows.") : (rows, lines, null);
    }

    private static string Clip(string value) => value.Length > 60 ? value[..60] + "…" : value;
}
