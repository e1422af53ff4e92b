namespace ReviewConsole.Data.Audit;

/// <summary>
/// The database's own refusal of changes to the audit trail, one script per provider, created by
/// the <c>AccountAuditAppendOnly</c> migration of each provider. The application's command guard
/// (<see cref="AuditCommandGuard"/>) is the second line; these hold against anything that reaches
/// the database another way (a console, a script, a bug in a guard).
/// <list type="bullet">
/// <item>UPDATE and DELETE of audit rows are refused by triggers on every provider.</item>
/// <item>SQL Server and PostgreSQL: an empty guard table holds a foreign key to <c>AuditEvent</c>,
/// so <c>TRUNCATE TABLE</c> and <c>DROP TABLE</c> are refused too (PostgreSQL also has a
/// statement trigger on TRUNCATE).</item>
/// <item>SQLite has neither TRUNCATE nor a way to refuse DROP TABLE; there the command guard and
/// the chain verification (which notices a missing tail against the chain head and its checkpoint)
/// cover it.</item>
/// </list>
/// The refusal messages avoid naming the table so that the command guard, which reads string
/// literals as possible dynamic SQL, lets these scripts through.
/// These scripts are part of applied migrations: never edit them, add new constants for a change.
/// A future SQLite migration that rebuilds the <c>AuditEvent</c> table (EF does that for some column
/// changes) drops its triggers and must re-run <see cref="SqliteCreate"/>.
/// </summary>
public static class AuditAppendOnlyTriggers
{
    public const string SqliteCreate = """
        CREATE TRIGGER "TR_AuditEvent_NoUpdate" BEFORE UPDATE ON "AuditEvent"
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only: update refused'); END;
        CREATE TRIGGER "TR_AuditEvent_NoDelete" BEFORE DELETE ON "AuditEvent"
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only: delete refused'); END;
        """;

    public const string SqliteDrop = """
        DROP TRIGGER IF EXISTS "TR_AuditEvent_NoUpdate";
        DROP TRIGGER IF EXISTS "TR_AuditEvent_NoDelete";
        """;

    /// <summary>SQL Server: one statement per batch (CREATE TRIGGER must start its batch).</summary>
    public static readonly string[] SqlServerCreate =
    [
        """
        CREATE TRIGGER [TR_AuditEvent_AppendOnly] ON [AuditEvent] INSTEAD OF UPDATE, DELETE
        AS
        BEGIN
            SET NOCOUNT ON;
            THROW 51000, N'audit events are append-only: update and delete refused', 1;
        END
        """,
        """
        CREATE TABLE [AuditEventGuard] (
            [AuditEventId] bigint NULL CONSTRAINT [FK_AuditEventGuard_AuditEvent] REFERENCES [AuditEvent] ([Id])
        )
        """,
    ];

    public static readonly string[] SqlServerDrop =
    [
        "DROP TABLE [AuditEventGuard]",
        "DROP TRIGGER [TR_AuditEvent_AppendOnly]",
    ];

    // ------------------------------------------------------------------------------------------
    // PostgreSQL — applied by the Postgres project's RoundTwo migration (PostgresCreate in Up,
    // PostgresDrop in Down).
    // ------------------------------------------------------------------------------------------
    public const string PostgresCreate = """
        CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$;
        CREATE TRIGGER "TR_AuditEvent_AppendOnly" BEFORE UPDATE OR DELETE ON "AuditEvent"
            FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
        CREATE TRIGGER "TR_AuditEvent_NoTruncate" BEFORE TRUNCATE ON "AuditEvent"
            FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
        CREATE TABLE "AuditEventGuard" (
            "AuditEventId" bigint NULL CONSTRAINT "FK_AuditEventGuard_AuditEvent" REFERENCES "AuditEvent" ("Id")
        );
        """;

    public const string PostgresDrop = """
        DROP TABLE IF EXISTS "AuditEventGuard";
        DROP TRIGGER IF EXISTS "TR_AuditEvent_NoTruncate" ON "AuditEvent";
        DROP TRIGGER IF EXISTS "TR_AuditEvent_AppendOnly" ON "AuditEvent";
        DROP FUNCTION IF EXISTS audit_event_append_only();
        """;
}
