using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace ReviewConsole.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class EffectsRegistryLimitsCreditsNotices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LimitAllowedModels",
                table: "Organization",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitMaxOutputTokens",
                table: "Organization",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LimitMonthlyTokenQuota",
                table: "Organization",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitPilotEndUserCap",
                table: "Organization",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitRpm",
                table: "Organization",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitTpm",
                table: "Organization",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NoticeOptOutReason",
                table: "EnforcementAction",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "NoticeQueued",
                table: "EnforcementAction",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "LimitAllowedModels",
                table: "Application",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitMaxOutputTokens",
                table: "Application",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LimitMonthlyTokenQuota",
                table: "Application",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitPilotEndUserCap",
                table: "Application",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitRpm",
                table: "Application",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitTpm",
                table: "Application",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxOutputTokens",
                table: "ApiKey",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PilotEndUserCap",
                table: "ApiKey",
                type: "int",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "KeyUsageDay",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ApiKeyId = table.Column<long>(type: "bigint", nullable: false),
                    ApplicationId = table.Column<long>(type: "bigint", nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false),
                    Requests = table.Column<long>(type: "bigint", nullable: false),
                    EndUsers = table.Column<int>(type: "int", nullable: true),
                    ReportedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    ReportedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KeyUsageDay", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KeyUsageDay_ApiKey_ApiKeyId",
                        column: x => x.ApiKeyId,
                        principalTable: "ApiKey",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Notice",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    EnforcementActionId = table.Column<long>(type: "bigint", nullable: false),
                    RelatedActionId = table.Column<long>(type: "bigint", nullable: true),
                    TemplateKey = table.Column<string>(type: "nvarchar(60)", maxLength: 60, nullable: false),
                    TemplateVersion = table.Column<int>(type: "int", nullable: true),
                    Subject = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "nvarchar(max)", maxLength: 8000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Notice", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Notice_Organization_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organization",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "NoticeTemplateVersion",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Key = table.Column<string>(type: "nvarchar(60)", maxLength: 60, nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Subject = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "nvarchar(max)", maxLength: 8000, nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NoticeTemplateVersion", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ResearchCreditAccount",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    SubmissionId = table.Column<long>(type: "bigint", nullable: false),
                    ApplicationId = table.Column<long>(type: "bigint", nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    GrantedUsd = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    UsedUsd = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    UsedTokens = table.Column<long>(type: "bigint", nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    GrantedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    GrantActionId = table.Column<long>(type: "bigint", nullable: false),
                    ExhaustedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchCreditAccount", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "NoticeTemplateVersion",
                columns: new[] { "Id", "Body", "CreatedAt", "CreatedBy", "Key", "Name", "Subject", "Version" },
                values: new object[,]
                {
                    { 1L, "Hello {{organization_name}},\n\nWe have applied the following enforcement action to {{target}} under our usage policy ({{policy_clause}}), effective {{effective_at}}:\n\n{{action}}\n\n{{note}}\n\nYou may appeal this decision until {{appeal_deadline}} by sending an appeal with reference {{appeal_reference}}.\n\nThe Trust & Safety team", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", "sanction-applied", "Sanction applied", "Enforcement action on your account: {{action}}", 1 },
                    { 2L, "Hello {{organization_name}},\n\n{{action}} applies to {{target}} from {{effective_at}} until {{expires_at}} under {{policy_clause}}.\n\n{{note}}\n\nAppeal reference: {{appeal_reference}} (appeals accepted until {{appeal_deadline}}).\n\nThe Trust & Safety team", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", "time-bounded-sanction", "Time-bounded sanction", "Temporary restriction on your account until {{expires_at}}", 1 },
                    { 3L, "Hello {{organization_name}},\n\nWe reviewed recent traffic from your organization ({{organization_id}}) and found content that violates our usage policy ({{policy_clause}}).\n\n{{note}}\n\nRepeated violations lead to rate limits, key revocation or suspension.\n\nThe Trust & Safety team", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", "warning", "Warning", "Usage policy warning for {{organization_name}}", 1 }
                });

            migrationBuilder.CreateIndex(
                name: "IX_KeyUsageDay_ApiKeyId_Day",
                table: "KeyUsageDay",
                columns: new[] { "ApiKeyId", "Day" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_KeyUsageDay_ApplicationId_Day",
                table: "KeyUsageDay",
                columns: new[] { "ApplicationId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_Notice_EnforcementActionId",
                table: "Notice",
                column: "EnforcementActionId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Notice_OrganizationId_Id",
                table: "Notice",
                columns: new[] { "OrganizationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_NoticeTemplateVersion_Key_Version",
                table: "NoticeTemplateVersion",
                columns: new[] { "Key", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ResearchCreditAccount_ApplicationId",
                table: "ResearchCreditAccount",
                column: "ApplicationId");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchCreditAccount_GrantActionId",
                table: "ResearchCreditAccount",
                column: "GrantActionId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ResearchCreditAccount_SubmissionId",
                table: "ResearchCreditAccount",
                column: "SubmissionId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "KeyUsageDay");

            migrationBuilder.DropTable(
                name: "Notice");

            migrationBuilder.DropTable(
                name: "NoticeTemplateVersion");

            migrationBuilder.DropTable(
                name: "ResearchCreditAccount");

            migrationBuilder.DropColumn(
                name: "LimitAllowedModels",
                table: "Organization");

            migrationBuilder.DropColumn(
                name: "LimitMaxOutputTokens",
                table: "Organization");

            migrationBuilder.DropColumn(
                name: "LimitMonthlyTokenQuota",
                table: "Organization");

            migrationBuilder.DropColumn(
                name: "LimitPilotEndUserCap",
                table: "Organization");

            migrationBuilder.DropColumn(
                name: "LimitRpm",
                table: "Organization");

            migrationBuilder.DropColumn(
                name: "LimitTpm",
                table: "Organization");

            migrationBuilder.DropColumn(
                name: "NoticeOptOutReason",
                table: "EnforcementAction");

            migrationBuilder.DropColumn(
                name: "NoticeQueued",
                table: "EnforcementAction");

            migrationBuilder.DropColumn(
                name: "LimitAllowedModels",
                table: "Application");

            migrationBuilder.DropColumn(
                name: "LimitMaxOutputTokens",
                table: "Application");

            migrationBuilder.DropColumn(
                name: "LimitMonthlyTokenQuota",
                table: "Application");

            migrationBuilder.DropColumn(
                name: "LimitPilotEndUserCap",
                table: "Application");

            migrationBuilder.DropColumn(
                name: "LimitRpm",
                table: "Application");

            migrationBuilder.DropColumn(
                name: "LimitTpm",
                table: "Application");

            migrationBuilder.DropColumn(
                name: "MaxOutputTokens",
                table: "ApiKey");

            migrationBuilder.DropColumn(
                name: "PilotEndUserCap",
                table: "ApiKey");
        }
    }
}
