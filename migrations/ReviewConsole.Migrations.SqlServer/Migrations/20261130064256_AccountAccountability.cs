using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewConsole.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class AccountAccountability : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SeverityAtResolution",
                table: "Incident",
                type: "nvarchar(10)",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CheckpointSignature",
                table: "AuditChainStatus",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RetrospectiveAuthor",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    IncidentId = table.Column<long>(type: "bigint", nullable: false),
                    UserId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    UserName = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    FirstContributedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RetrospectiveAuthor", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RetrospectiveAuthor_Incident_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "Incident",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.UpdateData(
                table: "AuditChainStatus",
                keyColumn: "Id",
                keyValue: 1,
                column: "CheckpointSignature",
                value: null);

            migrationBuilder.CreateIndex(
                name: "IX_RetrospectiveAuthor_IncidentId_UserId",
                table: "RetrospectiveAuthor",
                columns: new[] { "IncidentId", "UserId" },
                unique: true);

            // The database itself refuses changes to the audit trail (see AuditAppendOnlyTriggers). Each
            // statement runs through EXEC: CREATE TRIGGER must start its batch, also in idempotent scripts.
            foreach (var statement in ReviewConsole.Data.Audit.AuditAppendOnlyTriggers.SqlServerCreate)
            {
                migrationBuilder.Sql("EXEC(N'" + statement.Replace("'", "''", System.StringComparison.Ordinal) + "')");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in ReviewConsole.Data.Audit.AuditAppendOnlyTriggers.SqlServerDrop)
            {
                migrationBuilder.Sql("EXEC(N'" + statement.Replace("'", "''", System.StringComparison.Ordinal) + "')");
            }

            migrationBuilder.DropTable(
                name: "RetrospectiveAuthor");

            migrationBuilder.DropColumn(
                name: "SeverityAtResolution",
                table: "Incident");

            migrationBuilder.DropColumn(
                name: "CheckpointSignature",
                table: "AuditChainStatus");
        }
    }
}
