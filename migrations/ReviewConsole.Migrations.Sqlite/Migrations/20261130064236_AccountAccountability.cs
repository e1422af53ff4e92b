using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewConsole.Migrations.Sqlite.Migrations
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
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CheckpointSignature",
                table: "AuditChainStatus",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RetrospectiveAuthor",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IncidentId = table.Column<long>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    FirstContributedAt = table.Column<long>(type: "INTEGER", nullable: false)
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

            // The database itself refuses changes to the audit trail (see AuditAppendOnlyTriggers).
            migrationBuilder.Sql(ReviewConsole.Data.Audit.AuditAppendOnlyTriggers.SqliteCreate);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ReviewConsole.Data.Audit.AuditAppendOnlyTriggers.SqliteDrop);

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
