using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewConsole.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class LoopCountersAndExposureCaps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "BreakSnoozedUntil",
                table: "WellnessPreference",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastActivityAt",
                table: "WellnessPreference",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "StretchStartedAt",
                table: "WellnessPreference",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ConfirmedViolations",
                table: "Organization",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "OrganizationId",
                table: "FlagDecision",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "OpenCount",
                table: "FlagCluster",
                type: "int",
                nullable: false,
                defaultValue: 0);

            // Counters on write start from the truth: backfill the copied organization and the counters.
            migrationBuilder.Sql("UPDATE [FlagDecision] SET [OrganizationId] = (SELECT f.[OrganizationId] FROM [Flag] AS f WHERE f.[Id] = [FlagDecision].[FlagId]);");
            migrationBuilder.Sql("UPDATE [FlagCluster] SET [Size] = (SELECT COUNT(*) FROM [Flag] AS f WHERE f.[ClusterId] = [FlagCluster].[Id]), [OpenCount] = (SELECT COUNT(*) FROM [Flag] AS f WHERE f.[ClusterId] = [FlagCluster].[Id] AND f.[Status] <> 'Decided');");
            migrationBuilder.Sql("UPDATE [Organization] SET [ConfirmedViolations] = (SELECT COUNT(*) FROM [FlagDecision] AS d WHERE d.[OrganizationId] = [Organization].[Id] AND d.[Verdict] = 'Violation');");

            migrationBuilder.CreateTable(
                name: "ReviewerExposureDay",
                columns: table => new
                {
                    ReviewerId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Day = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Category = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Count = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewerExposureDay", x => new { x.ReviewerId, x.Day, x.Category });
                });

            migrationBuilder.CreateIndex(
                name: "IX_FlagDecision_OrganizationId_DecidedAt",
                table: "FlagDecision",
                columns: new[] { "OrganizationId", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Flag_ClusterId_Priority_Id",
                table: "Flag",
                columns: new[] { "ClusterId", "Priority", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Flag_ClusterId_Status",
                table: "Flag",
                columns: new[] { "ClusterId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Flag_Status_TopCategory_SlaDueAt_CreatedAt",
                table: "Flag",
                columns: new[] { "Status", "TopCategory", "SlaDueAt", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReviewerExposureDay");

            migrationBuilder.DropIndex(
                name: "IX_FlagDecision_OrganizationId_DecidedAt",
                table: "FlagDecision");

            migrationBuilder.DropIndex(
                name: "IX_Flag_ClusterId_Priority_Id",
                table: "Flag");

            migrationBuilder.DropIndex(
                name: "IX_Flag_ClusterId_Status",
                table: "Flag");

            migrationBuilder.DropIndex(
                name: "IX_Flag_Status_TopCategory_SlaDueAt_CreatedAt",
                table: "Flag");

            migrationBuilder.DropColumn(
                name: "BreakSnoozedUntil",
                table: "WellnessPreference");

            migrationBuilder.DropColumn(
                name: "LastActivityAt",
                table: "WellnessPreference");

            migrationBuilder.DropColumn(
                name: "StretchStartedAt",
                table: "WellnessPreference");

            migrationBuilder.DropColumn(
                name: "ConfirmedViolations",
                table: "Organization");

            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "FlagDecision");

            migrationBuilder.DropColumn(
                name: "OpenCount",
                table: "FlagCluster");
        }
    }
}
