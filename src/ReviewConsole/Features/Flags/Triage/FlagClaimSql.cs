using System.Globalization;
using System.Text;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Database;

namespace ReviewConsole.Features.Flags.Triage;

/// <summary>
/// Next as one statement per provider: it picks the reviewer's best flag — assigned to them first,
/// then (Leads) escalated, then new; free or expired lease; not skipped; no category at today's
/// exposure cap — and leases it, in a single UPDATE whose row choice is a locking read, so there is
/// no gap between choosing and claiming. Each tier reads its own index in priority order and stops
/// at the first eligible row.
/// SQLite: <c>UPDATE … WHERE Id = COALESCE((SELECT … LIMIT 1), …) RETURNING</c> (one writer at a
/// time, so the sub-select cannot go stale). PostgreSQL: the tiers' <c>FOR UPDATE SKIP LOCKED</c>
/// sub-selects in a CTE, then <c>UPDATE … FROM pick RETURNING</c>. SQL Server: the same with
/// <c>TOP (1) … WITH (UPDLOCK, READPAST, ROWLOCK)</c> and <c>OUTPUT inserted.Id</c>.
/// </summary>
public static class FlagClaimSql
{
    public sealed record Statement(string Sql, IReadOnlyList<KeyValuePair<string, object?>> Parameters);

    public static Statement Next(
        SqlDialect dialect,
        string reviewerId,
        TriageRights rights,
        IReadOnlyCollection<long> skipped,
        WellnessOptions caps,
        DateTimeOffset now,
        DateTimeOffset leaseUntil)
    {
        ArgumentNullException.ThrowIfNull(rights);
        ArgumentNullException.ThrowIfNull(skipped);
        ArgumentNullException.ThrowIfNull(caps);
        var parameters = new List<KeyValuePair<string, object?>>
        {
            new("@me", reviewerId),
            new("@now", RawSql.Time(dialect, now)),
            new("@until", RawSql.Time(dialect, leaseUntil)),
            new("@day", RawSql.Time(dialect, WellnessService.StartOfDay(now))),
            new("@capDefault", caps.DailyCapPerCategory),
        };

        var common = new StringBuilder();
        common.Append("""(f."LeaseOwner" IS NULL OR f."LeaseExpiresAt" < @now OR f."LeaseOwner" = @me)""");
        if (skipped.Count > 0)
        {
            var names = skipped.Distinct().Select((id, i) =>
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"@k{i}");
                parameters.Add(new(name, id));
                return name;
            });
            common.Append(""" AND f."Id" NOT IN (""").Append(string.Join(", ", names)).Append(')');
        }

        var capCase = new StringBuilder("CASE d.\"Category\"");
        var c = 0;
        foreach (var (category, cap) in caps.CategoryCaps.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            capCase.Append(CultureInfo.InvariantCulture, $" WHEN @cc{c} THEN @cv{c}");
            parameters.Add(new(string.Create(CultureInfo.InvariantCulture, $"@cc{c}"), category));
            parameters.Add(new(string.Create(CultureInfo.InvariantCulture, $"@cv{c}"), cap));
            c++;
        }

        // With no per-category caps a bare default (CASE needs at least one WHEN).
        var capExpression = c == 0 ? "@capDefault" : capCase.Append(" ELSE @capDefault END").ToString();
        common.Append(CultureInfo.InvariantCulture, $"""
             AND NOT EXISTS (SELECT 1 FROM "ReviewerExposureDay" AS d WHERE d."ReviewerId" = @me AND d."Day" = @day AND d."Count" >= {capExpression}
             AND (d."Category" = f."TopCategory" OR EXISTS (SELECT 1 FROM "FlagCategoryScore" AS s WHERE s."FlagId" = f."Id" AND s."Category" = d."Category" AND s."Flagged" = {RawSql.True(dialect)})))
            """);

        var statuses = rights.DecidableStatuses.Select((status, i) =>
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"@st{i}");
            parameters.Add(new(name, status.ToString()));
            return name;
        }).ToList();
        parameters.Add(new("@new", nameof(FlagStatus.New)));
        parameters.Add(new("@escalated", nameof(FlagStatus.Escalated)));

        var tiers = new List<string>
        {
            Tier(dialect, "IX_Flag_AssignedTo_Status", $"""f."AssignedTo" = @me AND f."Status" IN ({string.Join(", ", statuses)})""", common.ToString()),
        };
        if (rights.CanDecideEscalated)
        {
            tiers.Add(Tier(dialect, "IX_Flag_Status_Priority_Id", """f."Status" = @escalated AND f."AssignedTo" IS NULL""", common.ToString()));
        }

        tiers.Add(Tier(dialect, "IX_Flag_Status_Priority_Id", """f."Status" = @new AND f."AssignedTo" IS NULL""", common.ToString()));

        const string Free = """(t."LeaseOwner" IS NULL OR t."LeaseExpiresAt" < @now OR t."LeaseOwner" = @me)""";
        var sql = dialect switch
        {
            SqlDialect.Sqlite => $"""
                UPDATE "Flag" AS t SET "LeaseOwner" = @me, "LeaseExpiresAt" = @until
                WHERE t."Id" = COALESCE({string.Join(",\n", tiers)}) AND {Free}
                RETURNING "Id"
                """,
            SqlDialect.Postgres => $"""
                WITH pick AS (SELECT COALESCE({string.Join(",\n", tiers)}) AS "Id")
                UPDATE "Flag" AS t SET "LeaseOwner" = @me, "LeaseExpiresAt" = @until
                FROM pick WHERE t."Id" = pick."Id" AND {Free}
                RETURNING t."Id"
                """,
            _ => $"""
                UPDATE t SET "LeaseOwner" = @me, "LeaseExpiresAt" = @until
                OUTPUT inserted."Id"
                FROM "Flag" AS t WITH (ROWLOCK)
                WHERE t."Id" = {SqlServerCoalesce(tiers)} AND {Free}
                """,
        };
        return new Statement(sql, parameters);
    }

    private static string Tier(SqlDialect dialect, string index, string where, string common) => dialect switch
    {
        // INDEXED BY pins the plan: with (AssignedTo IS NULL AND Status = …) SQLite would otherwise
        // be tempted by the two-column equality of the assignment index and sort every open flag.
        SqlDialect.Sqlite => $"""(SELECT f."Id" FROM "Flag" AS f INDEXED BY "{index}" WHERE {where} AND {common} ORDER BY f."Priority" DESC, f."Id" DESC LIMIT 1)""",
        SqlDialect.Postgres => $"""(SELECT f."Id" FROM "Flag" AS f WHERE {where} AND {common} ORDER BY f."Priority" DESC, f."Id" DESC LIMIT 1 FOR UPDATE SKIP LOCKED)""",
        _ => $"""(SELECT TOP (1) f."Id" FROM "Flag" AS f WITH (UPDLOCK, READPAST, ROWLOCK) WHERE {where} AND {common} ORDER BY f."Priority" DESC, f."Id" DESC)""",
    };

    // COALESCE over sub-selects is expanded by SQL Server into CASE and may run them twice; ISNULL runs each once.
    private static string SqlServerCoalesce(List<string> tiers) =>
        tiers.Skip(1).Aggregate(tiers[0], (acc, next) => $"ISNULL({acc}, {next})");
}
