using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Identity;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Quality;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Queue;

/// <summary>
/// The flag queue: filtered, sorted, keyset-paged. A page is <c>WHERE filters AND (key, id) after
/// cursor ORDER BY key, id LIMIT n</c>, which the (Status, Priority, Id), (CreatedAt, Id) and
/// (SlaDueAt, Id) indexes serve without counting or skipping rows, so page 1000 costs what page 1 does.
/// </summary>
public sealed class FlagQueueService(IDbContextFactory<AppDbContext> dbFactory, FlagTriageService triage, AuditLog audit, TimeProvider clock, IOptions<FlagsTriageOptions> options)
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public int DefaultPageSize => options.Value.QueuePageSize;

    public Task<QueuePage> GetPageAsync(FlagQueueFilter filter, FlagQueueCursor? after, int pageSize, CancellationToken cancellationToken) =>
        GetPageAsync(filter, after, pageSize, viewerId: null, cancellationToken);

    /// <summary>A page as <paramref name="viewerId"/> sees it: flags they were served as golden items
    /// show (and filter, sort and page) in the state they saw them in, not their real one.</summary>
    public async Task<QueuePage> GetPageAsync(FlagQueueFilter filter, FlagQueueCursor? after, int pageSize, string? viewerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        pageSize = Math.Clamp(pageSize, 1, 500);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var golden = viewerId is null ? null : await GoldenFlagView.ForViewerAsync(db, viewerId, null, cancellationToken);
        var goldenIds = golden is { Count: > 0 } ? golden.Keys.ToList() : null;
        // Sorted by priority, "Open" (two statuses) is one query per status, so each reads the
        // (Status, Priority, Id) index in order; an IN over both would make SQLite sort every open
        // flag. Other sort keys have their own index, in which the status is just a filter.
        var statuses = filter.Status == QueueStatusFilter.Open && filter.Sort == QueueSort.Priority
            ? [QueueStatusFilter.New, QueueStatusFilter.Escalated]
            : new[] { filter.Status };
        var rows = new List<QueueRow>();
        foreach (var status in statuses)
        {
            var query = Filter(db, db.Set<Flag>().AsNoTracking(), filter with { Status = status });
            if (goldenIds is not null)
            {
                query = query.Where(f => !goldenIds.Contains(f.Id));
            }

            if (after is not null)
            {
                query = query.Where(After(filter.Sort, filter.Descending, after));
            }

            rows.AddRange(await Order(query, filter.Sort, filter.Descending)
                .Take(pageSize + 1)
                .Select(f => new QueueRow(
                    f.Id, f.UpstreamId, f.CreatedAt, f.TopCategory, f.TopScore, f.Status, f.Priority, f.SlaDueAt,
                    f.OrganizationId, f.ClassifierName, f.ClassifierVersion, f.LeaseOwner, f.LeaseExpiresAt, f.AssignedTo, f.ClusterId))
                .ToListAsync(cancellationToken));
        }

        if (golden is { Count: > 0 })
        {
            rows.AddRange(await GoldenRowsAsync(db, filter, after, golden, viewerId!, cancellationToken));
        }

        if (statuses.Length > 1 || golden is { Count: > 0 })
        {
            rows = [.. SortRows(rows, filter.Sort, filter.Descending).Take(pageSize + 1)];
        }

        var hasMore = rows.Count > pageSize;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var orgIds = rows.Select(r => r.OrganizationId).Distinct().ToList();
        var orgs = await db.Set<Organization>().AsNoTracking().Where(o => orgIds.Contains(o.Id))
            .ToDictionaryAsync(o => o.Id, o => (o.ExternalId, o.Name), cancellationToken);
        var now = clock.GetUtcNow();
        var userIds = rows.Select(r => r.LeaseExpiresAt > now ? r.LeaseOwner : null).Concat(rows.Select(r => r.AssignedTo)).OfType<string>().Distinct().ToList();
        var users = await db.Set<AppUser>().AsNoTracking().Where(u => userIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => string.IsNullOrEmpty(u.DisplayName) ? u.Email ?? u.Id : u.DisplayName, cancellationToken);

        var items = rows.Select(r => new FlagSummary(
            r.Id, r.UpstreamId, r.CreatedAt, r.TopCategory, r.TopScore, r.Status, r.Priority, r.SlaDueAt,
            triage.SlaOf(r.Status, r.SlaDueAt),
            orgs.TryGetValue(r.OrganizationId, out var o) ? o.ExternalId : "",
            orgs.TryGetValue(r.OrganizationId, out var n) ? n.Name : "",
            string.IsNullOrEmpty(r.ClassifierVersion) ? r.ClassifierName : $"{r.ClassifierName} {r.ClassifierVersion}",
            r.LeaseOwner is not null && r.LeaseExpiresAt > now ? users.GetValueOrDefault(r.LeaseOwner, r.LeaseOwner) : null,
            r.AssignedTo is null ? null : users.GetValueOrDefault(r.AssignedTo, r.AssignedTo),
            r.ClusterId)).ToList();
        return new QueuePage(items, hasMore && items.Count > 0 ? CursorOf(items[^1], filter.Sort) : null);
    }

    public static FlagQueueCursor CursorOf(FlagSummary last, QueueSort sort)
    {
        ArgumentNullException.ThrowIfNull(last);
        return sort switch
        {
            QueueSort.Priority => new FlagQueueCursor(last.Priority, 0, last.Id),
            QueueSort.CreatedAt => new FlagQueueCursor(last.CreatedAt.UtcTicks, 0, last.Id),
            QueueSort.SlaDueAt => new FlagQueueCursor(last.SlaDueAt.UtcTicks, 0, last.Id),
            QueueSort.TopScore => new FlagQueueCursor(0, last.TopScore, last.Id),
            _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, null),
        };
    }

    /// <summary>Active categories and classifiers for the filter menus.</summary>
    public async Task<(IReadOnlyList<(string Key, string Name)> Categories, IReadOnlyList<string> Classifiers)> FilterChoicesAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var categories = await db.Set<Data.Policies.PolicyCategory>().AsNoTracking().Where(c => c.IsActive).OrderBy(c => c.Key)
            .Select(c => new { c.Key, c.Name }).ToListAsync(cancellationToken);
        // Classifiers seen in the most recent flags: a bounded read, not a DISTINCT over the whole table.
        var classifiers = await db.Set<Flag>().AsNoTracking().OrderByDescending(f => f.Id).Take(2000).Select(f => f.ClassifierName)
            .Distinct().Where(c => c != "").OrderBy(c => c).ToListAsync(cancellationToken);
        return (categories.Select(c => (c.Key, c.Name)).ToList(), classifiers);
    }

    public async Task<IReadOnlyList<SavedFilterView>> SavedFiltersAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<SavedFilter>().AsNoTracking().Where(f => f.OwnerId == ownerId).OrderBy(f => f.Name).ToListAsync(cancellationToken);
        return rows.Select(r => new SavedFilterView(r.Id, r.Name, Deserialize(r.FilterJson))).ToList();
    }

    /// <summary>Saves (or replaces, by name) one of the owner's filters.</summary>
    public async Task<SavedFilterView> SaveFilterAsync(StaffUser owner, string name, FlagQueueFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(filter);
        name = name.Trim();
        if (name.Length is 0 or > 100)
        {
            throw new ArgumentException("A filter name has 1 to 100 characters.", nameof(name));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        SavedFilter? row = default!;
        await db.InTransactionAsync(
            async ct =>
            {
                row = await db.Set<SavedFilter>().SingleOrDefaultAsync(f => f.OwnerId == owner.Id && f.Name == name, ct);
                if (row is null)
                {
                    row = new SavedFilter { OwnerId = owner.Id, Name = name, CreatedAt = clock.GetUtcNow() };
                    db.Add(row);
                }

                row.FilterJson = JsonSerializer.Serialize(filter, Json);
                await db.SaveChangesAsync(ct);
                await audit.AppendAsync(db, owner, new AuditEntry("flag.filter-saved", "SavedFilter", row.Id.ToString(CultureInfo.InvariantCulture), $"Saved queue filter '{name}'", AfterJson: row.FilterJson), ct);
            },
            cancellationToken);
        return new SavedFilterView(row.Id, row.Name, filter);
    }

    public async Task<bool> DeleteFilterAsync(StaffUser owner, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var refused = await db.InTransactionAsync<bool?>(
            async ct =>
            {
                var deleted = await db.Set<SavedFilter>().Where(f => f.Id == id && f.OwnerId == owner.Id).ExecuteDeleteAsync(ct);
                if (deleted == 0)
                {
                    return false;
                }

                await audit.AppendAsync(db, owner, new AuditEntry("flag.filter-deleted", "SavedFilter", id.ToString(CultureInfo.InvariantCulture), "Deleted a saved queue filter"), ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused.Value;
        }

        return true;
    }

    private static FlagQueueFilter Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<FlagQueueFilter>(json, Json) ?? new FlagQueueFilter();
        }
        catch (JsonException)
        {
            // A filter saved by an older build with a field that no longer parses: start from the default.
            return new FlagQueueFilter();
        }
    }

    private IQueryable<Flag> Filter(AppDbContext db, IQueryable<Flag> query, FlagQueueFilter filter)
    {
        query = filter.Status switch
        {
            QueueStatusFilter.Open => query.Where(f => f.Status == FlagStatus.New || f.Status == FlagStatus.Escalated),
            QueueStatusFilter.New => query.Where(f => f.Status == FlagStatus.New),
            QueueStatusFilter.Escalated => query.Where(f => f.Status == FlagStatus.Escalated),
            QueueStatusFilter.Decided => query.Where(f => f.Status == FlagStatus.Decided),
            _ => query,
        };
        if (!string.IsNullOrWhiteSpace(filter.Category))
        {
            var category = filter.Category;
            query = query.Where(f => f.TopCategory == category || f.Scores.Any(s => s.Category == category && s.Flagged));
        }

        if (!string.IsNullOrWhiteSpace(filter.Organization))
        {
            var org = filter.Organization.Trim();
            var orgIds = db.Set<Organization>().Where(o => o.ExternalId == org || o.Name.Contains(org)).Select(o => o.Id);
            query = query.Where(f => orgIds.Contains(f.OrganizationId));
        }

        if (!string.IsNullOrWhiteSpace(filter.Classifier))
        {
            var classifier = filter.Classifier.Trim();
            query = query.Where(f => f.ClassifierName == classifier);
        }

        var now = clock.GetUtcNow();
        query = filter.Age switch
        {
            AgeFilter.LastHour => query.Where(f => f.CreatedAt >= now.AddHours(-1)),
            AgeFilter.LastDay => query.Where(f => f.CreatedAt >= now.AddDays(-1)),
            AgeFilter.OlderThanDay => query.Where(f => f.CreatedAt < now.AddDays(-1)),
            AgeFilter.OlderThanWeek => query.Where(f => f.CreatedAt < now.AddDays(-7)),
            _ => query,
        };

        var soon = now.AddMinutes(options.Value.SlaDueSoonMinutes);
        query = filter.Sla switch
        {
            SlaState.Breached => query.Where(f => f.Status != FlagStatus.Decided && f.SlaDueAt <= now),
            SlaState.DueSoon => query.Where(f => f.Status != FlagStatus.Decided && f.SlaDueAt > now && f.SlaDueAt <= soon),
            SlaState.Ok => query.Where(f => f.Status != FlagStatus.Decided && f.SlaDueAt > soon),
            SlaState.Closed => query.Where(f => f.Status == FlagStatus.Decided),
            _ => query,
        };

        if (filter.MinScore is { } min)
        {
            query = query.Where(f => f.TopScore >= min);
        }

        if (filter.MaxScore is { } max)
        {
            query = query.Where(f => f.TopScore <= max);
        }

        return query;
    }

    /// <summary>The viewer's golden flags as they saw them, through the same filters and cursor as the
    /// rest of the page (the state-dependent ones, status and SLA, applied to the state they saw).</summary>
    private async Task<List<QueueRow>> GoldenRowsAsync(AppDbContext db, FlagQueueFilter filter, FlagQueueCursor? after, IReadOnlyDictionary<long, GoldenFlagView> golden, string viewerId, CancellationToken cancellationToken)
    {
        var ids = golden.Keys.ToList();
        var stored = await Filter(db, db.Set<Flag>().AsNoTracking().Where(f => ids.Contains(f.Id)), filter with { Status = QueueStatusFilter.All, Sla = null })
            .Select(f => new QueueRow(
                f.Id, f.UpstreamId, f.CreatedAt, f.TopCategory, f.TopScore, f.Status, f.Priority, f.SlaDueAt,
                f.OrganizationId, f.ClassifierName, f.ClassifierVersion, f.LeaseOwner, f.LeaseExpiresAt, f.AssignedTo, f.ClusterId))
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var shown = stored.Select(r =>
        {
            var view = golden[r.Id];
            var held = view.HeldAt(now);
            return r with
            {
                Status = view.Status,
                SlaDueAt = view.SlaDueAt(r.CreatedAt, r.SlaDueAt),
                LeaseOwner = held ? viewerId : null,
                LeaseExpiresAt = held ? view.ExpiresAt : null,
                AssignedTo = null,
            };
        });
        var matching = shown.Where(r => filter.Status switch
        {
            QueueStatusFilter.Open => r.Status is FlagStatus.New or FlagStatus.Escalated,
            QueueStatusFilter.New => r.Status == FlagStatus.New,
            QueueStatusFilter.Escalated => r.Status == FlagStatus.Escalated,
            QueueStatusFilter.Decided => r.Status == FlagStatus.Decided,
            _ => true,
        });
        if (filter.Sla is { } sla)
        {
            matching = matching.Where(r => triage.SlaOf(r.Status, r.SlaDueAt) == sla);
        }

        if (after is not null)
        {
            matching = matching.Where(r => IsAfter(r, filter.Sort, filter.Descending, after));
        }

        return matching.ToList();
    }

    /// <summary><see cref="After"/> for rows in memory (the golden overlay): the same order by the
    /// sort key, then the id, without compiling the expression on every page.</summary>
    private static bool IsAfter(QueueRow row, QueueSort sort, bool descending, FlagQueueCursor cursor)
    {
        var order = sort switch
        {
            QueueSort.Priority => row.Priority.CompareTo((int)cursor.LongKey),
            QueueSort.CreatedAt => row.CreatedAt.CompareTo(new DateTimeOffset(cursor.LongKey, TimeSpan.Zero)),
            QueueSort.SlaDueAt => row.SlaDueAt.CompareTo(new DateTimeOffset(cursor.LongKey, TimeSpan.Zero)),
            QueueSort.TopScore => row.TopScore.CompareTo(cursor.DoubleKey),
            _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, null),
        };
        if (order == 0)
        {
            order = row.Id.CompareTo(cursor.Id);
        }

        return descending ? order < 0 : order > 0;
    }

    private static IEnumerable<QueueRow> SortRows(IEnumerable<QueueRow> rows, QueueSort sort, bool descending) => (sort, descending) switch
    {
        (QueueSort.Priority, true) => rows.OrderByDescending(r => r.Priority).ThenByDescending(r => r.Id),
        (QueueSort.Priority, false) => rows.OrderBy(r => r.Priority).ThenBy(r => r.Id),
        (QueueSort.CreatedAt, true) => rows.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id),
        (QueueSort.CreatedAt, false) => rows.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id),
        (QueueSort.SlaDueAt, true) => rows.OrderByDescending(r => r.SlaDueAt).ThenByDescending(r => r.Id),
        (QueueSort.SlaDueAt, false) => rows.OrderBy(r => r.SlaDueAt).ThenBy(r => r.Id),
        (QueueSort.TopScore, true) => rows.OrderByDescending(r => r.TopScore).ThenByDescending(r => r.Id),
        (QueueSort.TopScore, false) => rows.OrderBy(r => r.TopScore).ThenBy(r => r.Id),
        _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, null),
    };

    private sealed record QueueRow(
        long Id, string UpstreamId, DateTimeOffset CreatedAt, string TopCategory, double TopScore, FlagStatus Status, int Priority, DateTimeOffset SlaDueAt,
        long OrganizationId, string ClassifierName, string ClassifierVersion, string? LeaseOwner, DateTimeOffset? LeaseExpiresAt, string? AssignedTo, long? ClusterId);

    private static IQueryable<Flag> Order(IQueryable<Flag> query, QueueSort sort, bool descending) => (sort, descending) switch
    {
        (QueueSort.Priority, true) => query.OrderByDescending(f => f.Priority).ThenByDescending(f => f.Id),
        (QueueSort.Priority, false) => query.OrderBy(f => f.Priority).ThenBy(f => f.Id),
        (QueueSort.CreatedAt, true) => query.OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id),
        (QueueSort.CreatedAt, false) => query.OrderBy(f => f.CreatedAt).ThenBy(f => f.Id),
        (QueueSort.SlaDueAt, true) => query.OrderByDescending(f => f.SlaDueAt).ThenByDescending(f => f.Id),
        (QueueSort.SlaDueAt, false) => query.OrderBy(f => f.SlaDueAt).ThenBy(f => f.Id),
        (QueueSort.TopScore, true) => query.OrderByDescending(f => f.TopScore).ThenByDescending(f => f.Id),
        (QueueSort.TopScore, false) => query.OrderBy(f => f.TopScore).ThenBy(f => f.Id),
        _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, null),
    };

    /// <summary>The keyset condition: rows strictly after (key, id) in the page's order.</summary>
    private static Expression<Func<Flag, bool>> After(QueueSort sort, bool descending, FlagQueueCursor cursor)
    {
        var id = cursor.Id;
        switch (sort)
        {
            case QueueSort.Priority:
                var priority = (int)cursor.LongKey;
                return descending
                    ? f => f.Priority < priority || (f.Priority == priority && f.Id < id)
                    : f => f.Priority > priority || (f.Priority == priority && f.Id > id);
            case QueueSort.CreatedAt:
                var created = new DateTimeOffset(cursor.LongKey, TimeSpan.Zero);
                return descending
                    ? f => f.CreatedAt < created || (f.CreatedAt == created && f.Id < id)
                    : f => f.CreatedAt > created || (f.CreatedAt == created && f.Id > id);
            case QueueSort.SlaDueAt:
                var due = new DateTimeOffset(cursor.LongKey, TimeSpan.Zero);
                return descending
                    ? f => f.SlaDueAt < due || (f.SlaDueAt == due && f.Id < id)
                    : f => f.SlaDueAt > due || (f.SlaDueAt == due && f.Id > id);
            case QueueSort.TopScore:
                var score = cursor.DoubleKey;
                return descending
                    ? f => f.TopScore < score || (f.TopScore == score && f.Id < id)
                    : f => f.TopScore > score || (f.TopScore == score && f.Id > id);
            default:
                throw new ArgumentOutOfRangeException(nameof(sort), sort, null);
        }
    }
}
