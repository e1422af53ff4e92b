using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReviewConsole.Data.Flags;

/// <summary>
/// How many labels of each outcome one classifier version has per category: the figures classifier
/// precision is computed from (the classifier page, the precision term of every new flag's priority),
/// kept on write so neither counts the label table, which grows with every decision.
/// </summary>
public class ClassifierLabelCount
{
    public required string ClassifierName { get; set; }

    public required string ClassifierVersion { get; set; }

    public required string Category { get; set; }

    public int TruePositives { get; set; }

    public int FalsePositives { get; set; }

    public int FalseNegatives { get; set; }
}

internal sealed class ClassifierLabelCountConfiguration : IEntityTypeConfiguration<ClassifierLabelCount>
{
    public void Configure(EntityTypeBuilder<ClassifierLabelCount> builder)
    {
        builder.HasKey(c => new { c.ClassifierName, c.ClassifierVersion, c.Category });
        builder.Property(c => c.ClassifierName).HasMaxLength(100);
        builder.Property(c => c.ClassifierVersion).HasMaxLength(50);
        builder.Property(c => c.Category).HasMaxLength(100);
    }
}

/// <summary>
/// Keeps <see cref="ClassifierLabelCount"/> in step with every <see cref="DecisionLabel"/> any
/// feature saves (labels are only ever added): the labels being inserted are counted before the save
/// and added to their counters with one atomic upsert per classifier version and category right after
/// it, inside the caller's transaction, so a rolled-back decision leaves no count behind and two
/// nodes labelling at once never lose an increment. (A save outside a unit of work commits its own
/// transaction first; the counts then follow in their own statement.)
/// </summary>
public sealed class ClassifierLabelCountInterceptor : SaveChangesInterceptor
{
    public static readonly ClassifierLabelCountInterceptor Instance = new();

    private readonly ConditionalWeakTable<DbContext, List<LabelDelta>> pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Take(eventData.Context) is { Count: > 0 } deltas)
        {
            foreach (var (sql, parameters) in Statements(eventData.Context!, deltas))
            {
                eventData.Context!.Database.ExecuteSqlRaw(sql, parameters);
            }
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Take(eventData.Context) is { Count: > 0 } deltas)
        {
            foreach (var (sql, parameters) in Statements(eventData.Context!, deltas))
            {
                await eventData.Context!.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
            }
        }

        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Take(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Take(eventData.Context);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        List<LabelDelta>? deltas = null;
        foreach (var entry in context.ChangeTracker.Entries<DecisionLabel>())
        {
            if (entry.State != EntityState.Added)
            {
                continue;
            }

            var label = entry.Entity;
            deltas ??= [];
            deltas.Add(new LabelDelta(
                label.ClassifierName,
                label.ClassifierVersion,
                label.Category,
                label.Outcome == LabelOutcome.TruePositive ? 1 : 0,
                label.Outcome == LabelOutcome.FalsePositive ? 1 : 0,
                label.Outcome == LabelOutcome.FalseNegative ? 1 : 0));
        }

        pending.Remove(context);
        if (deltas is not null)
        {
            pending.Add(context, deltas);
        }
    }

    private List<LabelDelta>? Take(DbContext? context)
    {
        if (context is null || !pending.TryGetValue(context, out var deltas))
        {
            return null;
        }

        pending.Remove(context);
        return deltas;
    }

    /// <summary>One upsert per counter: <c>INSERT … ON CONFLICT DO UPDATE</c> on SQLite and
    /// PostgreSQL, <c>MERGE … WITH (HOLDLOCK)</c> on SQL Server.</summary>
    private static IEnumerable<(string Sql, object[] Parameters)> Statements(DbContext context, List<LabelDelta> deltas)
    {
        var entity = context.Model.FindEntityType(typeof(ClassifierLabelCount))!;
        var sql = context.GetService<ISqlGenerationHelper>();
        var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var table = sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
        string Col(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(store)!);
        var (name, version, category) = (Col(nameof(ClassifierLabelCount.ClassifierName)), Col(nameof(ClassifierLabelCount.ClassifierVersion)), Col(nameof(ClassifierLabelCount.Category)));
        var (tp, fp, fn) = (Col(nameof(ClassifierLabelCount.TruePositives)), Col(nameof(ClassifierLabelCount.FalsePositives)), Col(nameof(ClassifierLabelCount.FalseNegatives)));
        var sqlServer = context.Database.ProviderName == "Microsoft.EntityFrameworkCore.SqlServer";
        var text = sqlServer
            ? $$"""
                MERGE {{table}} WITH (HOLDLOCK) AS t
                USING (VALUES ({0}, {1}, {2}, {3}, {4}, {5})) AS s (n, v, c, tp, fp, fn)
                ON t.{{name}} = s.n AND t.{{version}} = s.v AND t.{{category}} = s.c
                WHEN MATCHED THEN UPDATE SET {{tp}} = t.{{tp}} + s.tp, {{fp}} = t.{{fp}} + s.fp, {{fn}} = t.{{fn}} + s.fn
                WHEN NOT MATCHED THEN INSERT ({{name}}, {{version}}, {{category}}, {{tp}}, {{fp}}, {{fn}}) VALUES (s.n, s.v, s.c, s.tp, s.fp, s.fn);
                """
            : $$"""
                INSERT INTO {{table}} ({{name}}, {{version}}, {{category}}, {{tp}}, {{fp}}, {{fn}}) VALUES ({0}, {1}, {2}, {3}, {4}, {5})
                ON CONFLICT ({{name}}, {{version}}, {{category}}) DO UPDATE SET
                    {{tp}} = {{table}}.{{tp}} + excluded.{{tp}}, {{fp}} = {{table}}.{{fp}} + excluded.{{fp}}, {{fn}} = {{table}}.{{fn}} + excluded.{{fn}}
                """;
        return deltas
            .GroupBy(d => (d.Name, d.Version, d.Category))
            .OrderBy(g => g.Key.Name, StringComparer.Ordinal).ThenBy(g => g.Key.Version, StringComparer.Ordinal).ThenBy(g => g.Key.Category, StringComparer.Ordinal)
            .Select(g => (text, new object[] { g.Key.Name, g.Key.Version, g.Key.Category, g.Sum(d => d.TruePositives), g.Sum(d => d.FalsePositives), g.Sum(d => d.FalseNegatives) }));
    }

    private sealed record LabelDelta(string Name, string Version, string Category, int TruePositives, int FalsePositives, int FalseNegatives);
}
