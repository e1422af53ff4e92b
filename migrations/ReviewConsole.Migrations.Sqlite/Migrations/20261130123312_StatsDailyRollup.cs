using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewConsole.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class StatsDailyRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DecisionDayCount",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    PreviousDay = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Verdict = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DecisionDayCount", x => new { x.Day, x.PreviousDay, x.Verdict });
                });

            migrationBuilder.CreateTable(
                name: "DecisionFact",
                columns: table => new
                {
                    DecisionId = table.Column<long>(type: "INTEGER", nullable: false),
                    FlagId = table.Column<long>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    PreviousDay = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Verdict = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    LatencyPreviousDay = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    LatencyBucket = table.Column<int>(type: "INTEGER", nullable: true),
                    LatencyTicks = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DecisionFact", x => x.DecisionId);
                });

            migrationBuilder.CreateTable(
                name: "FlagDayCount",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    TopCategory = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FlagDayCount", x => new { x.Day, x.TopCategory, x.Source });
                });

            migrationBuilder.CreateTable(
                name: "LatencyDayCount",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    PreviousDay = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Bucket = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LatencyDayCount", x => new { x.Day, x.PreviousDay, x.Bucket });
                });

            migrationBuilder.CreateTable(
                name: "StatisticsRollupState",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    FlagWatermark = table.Column<long>(type: "INTEGER", nullable: false),
                    DecisionWatermark = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatisticsRollupState", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "StatisticsRollupState",
                columns: new[] { "Id", "DecisionWatermark", "FlagWatermark", "Version" },
                values: new object[] { 1, 0L, 0L, 0L });

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_Reason_State_CompletedAt_ReasonId",
                table: "EnforcementAction",
                columns: new[] { "Reason", "State", "CompletedAt", "ReasonId" });

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_RequestedAt_ReversesActionId_Kind_State",
                table: "EnforcementAction",
                columns: new[] { "RequestedAt", "ReversesActionId", "Kind", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_DecisionFact_FlagId",
                table: "DecisionFact",
                column: "FlagId");

            migrationBuilder.CreateIndex(
                name: "IX_DecisionFact_LatencyBucket_Day_LatencyPreviousDay_LatencyTicks",
                table: "DecisionFact",
                columns: new[] { "LatencyBucket", "Day", "LatencyPreviousDay", "LatencyTicks" });

            migrationBuilder.CreateIndex(
                name: "IX_FlagDayCount_TopCategory",
                table: "FlagDayCount",
                column: "TopCategory");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DecisionDayCount");

            migrationBuilder.DropTable(
                name: "DecisionFact");

            migrationBuilder.DropTable(
                name: "FlagDayCount");

            migrationBuilder.DropTable(
                name: "LatencyDayCount");

            migrationBuilder.DropTable(
                name: "StatisticsRollupState");

            migrationBuilder.DropIndex(
                name: "IX_EnforcementAction_Reason_State_CompletedAt_ReasonId",
                table: "EnforcementAction");

            migrationBuilder.DropIndex(
                name: "IX_EnforcementAction_RequestedAt_ReversesActionId_Kind_State",
                table: "EnforcementAction");
        }
    }
}
