using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace ReviewConsole.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RoundTwo : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FlagClusterBand");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "BreakSnoozedUntil",
                table: "WellnessPreference",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastActivityAt",
                table: "WellnessPreference",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "StretchStartedAt",
                table: "WellnessPreference",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ConfirmedViolations",
                table: "Organization",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "LimitAllowedModels",
                table: "Organization",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitMaxOutputTokens",
                table: "Organization",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LimitMonthlyTokenQuota",
                table: "Organization",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitPilotEndUserCap",
                table: "Organization",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitRpm",
                table: "Organization",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitTpm",
                table: "Organization",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SeverityAtResolution",
                table: "Incident",
                type: "character varying(10)",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DoubleReviewId",
                table: "FlagDecision",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OrganizationId",
                table: "FlagDecision",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "PolicyVersions",
                table: "FlagDecision",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "SeenByDecider",
                table: "FlagDecision",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "OpenCount",
                table: "FlagCluster",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "NoticeOptOutReason",
                table: "EnforcementAction",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "NoticeQueued",
                table: "EnforcementAction",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "CheckpointSignature",
                table: "AuditChainStatus",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LimitAllowedModels",
                table: "Application",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitMaxOutputTokens",
                table: "Application",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LimitMonthlyTokenQuota",
                table: "Application",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitPilotEndUserCap",
                table: "Application",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitRpm",
                table: "Application",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LimitTpm",
                table: "Application",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxOutputTokens",
                table: "ApiKey",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PilotEndUserCap",
                table: "ApiKey",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DoubleReview",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FlagId = table.Column<long>(type: "bigint", nullable: false),
                    State = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    SampleRate = table.Column<double>(type: "double precision", nullable: false),
                    SampledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FirstReviewerId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    FirstReviewerName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    FirstVerdict = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    FirstCategories = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    FirstAction = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    FirstClause = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    FirstReason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    SecondReviewerId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    SecondReviewerName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    SecondVerdict = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    SecondCategories = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    SecondAction = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    SecondClause = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SecondReason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    SecondAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AdjudicatedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    AdjudicatedByName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    AdjudicatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FinalDecisionId = table.Column<long>(type: "bigint", nullable: true),
                    PolicyVersions = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DoubleReview", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DoubleReview_Flag_FlagId",
                        column: x => x.FlagId,
                        principalTable: "Flag",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "FlagJobLease",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Owner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    WatermarkAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FlagJobLease", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "GoldenItem",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    SourceId = table.Column<long>(type: "bigint", nullable: false),
                    ExpectedVerdict = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ExpectedCategories = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    ExpectedClause = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    PromotedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    PromotedByName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    PromotedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GoldenItem", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "KeyUsageDay",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ApiKeyId = table.Column<long>(type: "bigint", nullable: false),
                    ApplicationId = table.Column<long>(type: "bigint", nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false),
                    Requests = table.Column<long>(type: "bigint", nullable: false),
                    EndUsers = table.Column<int>(type: "integer", nullable: true),
                    ReportedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReportedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
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
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    EnforcementActionId = table.Column<long>(type: "bigint", nullable: false),
                    RelatedActionId = table.Column<long>(type: "bigint", nullable: true),
                    TemplateKey = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    TemplateVersion = table.Column<int>(type: "integer", nullable: true),
                    Subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SubmissionId = table.Column<long>(type: "bigint", nullable: false),
                    ApplicationId = table.Column<long>(type: "bigint", nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    GrantedUsd = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    UsedUsd = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    UsedTokens = table.Column<long>(type: "bigint", nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    GrantedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    GrantActionId = table.Column<long>(type: "bigint", nullable: false),
                    ExhaustedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchCreditAccount", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RetrospectiveAuthor",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IncidentId = table.Column<long>(type: "bigint", nullable: false),
                    UserId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    FirstContributedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "ReviewerExposureDay",
                columns: table => new
                {
                    ReviewerId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Day = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Category = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewerExposureDay", x => new { x.ReviewerId, x.Day, x.Category });
                });

            migrationBuilder.CreateTable(
                name: "UnknownCategory",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    FirstSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FlagCount = table.Column<int>(type: "integer", nullable: false),
                    ExampleFlagId = table.Column<long>(type: "bigint", nullable: true),
                    MappedTo = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ResolvedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResolvedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UnknownCategory", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "GoldenAnswer",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    GoldenItemId = table.Column<long>(type: "bigint", nullable: false),
                    ReviewerId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ReviewerName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    AssignedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Verdict = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Categories = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Clause = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    VerdictCorrect = table.Column<bool>(type: "boolean", nullable: true),
                    CategoriesCorrect = table.Column<bool>(type: "boolean", nullable: true),
                    Correct = table.Column<bool>(type: "boolean", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GoldenAnswer", x => x.Id);
                    table.ForeignKey(
                        name: "FK_GoldenAnswer_GoldenItem_GoldenItemId",
                        column: x => x.GoldenItemId,
                        principalTable: "GoldenItem",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.UpdateData(
                table: "AuditChainStatus",
                keyColumn: "Id",
                keyValue: 1,
                column: "CheckpointSignature",
                value: null);

            migrationBuilder.InsertData(
                table: "FlagJobLease",
                columns: new[] { "Name", "ExpiresAt", "Owner", "WatermarkAt" },
                values: new object[] { "refresh-flag-priority", null, null, null });

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

            migrationBuilder.CreateIndex(
                name: "IX_DoubleReview_FlagId",
                table: "DoubleReview",
                column: "FlagId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DoubleReview_SecondAt",
                table: "DoubleReview",
                column: "SecondAt");

            migrationBuilder.CreateIndex(
                name: "IX_DoubleReview_State_SampledAt",
                table: "DoubleReview",
                columns: new[] { "State", "SampledAt" });

            migrationBuilder.CreateIndex(
                name: "IX_GoldenAnswer_GoldenItemId_ReviewerId",
                table: "GoldenAnswer",
                columns: new[] { "GoldenItemId", "ReviewerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_GoldenAnswer_ReviewerId_AnsweredAt",
                table: "GoldenAnswer",
                columns: new[] { "ReviewerId", "AnsweredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_GoldenItem_IsActive",
                table: "GoldenItem",
                column: "IsActive");

            migrationBuilder.CreateIndex(
                name: "IX_GoldenItem_Kind_SourceId",
                table: "GoldenItem",
                columns: new[] { "Kind", "SourceId" },
                unique: true);

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

            migrationBuilder.CreateIndex(
                name: "IX_RetrospectiveAuthor_IncidentId_UserId",
                table: "RetrospectiveAuthor",
                columns: new[] { "IncidentId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_UnknownCategory_Key",
                table: "UnknownCategory",
                column: "Key",
                unique: true);

            // Counters on write start from the rows already there (LoopCountersAndExposureCaps on the other providers).
            migrationBuilder.Sql("UPDATE \"FlagDecision\" SET \"OrganizationId\" = (SELECT f.\"OrganizationId\" FROM \"Flag\" AS f WHERE f.\"Id\" = \"FlagDecision\".\"FlagId\");");
            migrationBuilder.Sql("UPDATE \"FlagCluster\" SET \"Size\" = (SELECT COUNT(*) FROM \"Flag\" AS f WHERE f.\"ClusterId\" = \"FlagCluster\".\"Id\"), \"OpenCount\" = (SELECT COUNT(*) FROM \"Flag\" AS f WHERE f.\"ClusterId\" = \"FlagCluster\".\"Id\" AND f.\"Status\" <> 'Decided');");
            migrationBuilder.Sql("UPDATE \"Organization\" SET \"ConfirmedViolations\" = (SELECT COUNT(*) FROM \"FlagDecision\" AS d WHERE d.\"OrganizationId\" = \"Organization\".\"Id\" AND d.\"Verdict\" = 'Violation');");

            // The audit trail is append-only in the database itself (AccountAccountability on the other providers).
            migrationBuilder.Sql(ReviewConsole.Data.Audit.AuditAppendOnlyTriggers.PostgresCreate);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ReviewConsole.Data.Audit.AuditAppendOnlyTriggers.PostgresDrop);

            migrationBuilder.DropTable(
                name: "DoubleReview");

            migrationBuilder.DropTable(
                name: "FlagJobLease");

            migrationBuilder.DropTable(
                name: "GoldenAnswer");

            migrationBuilder.DropTable(
                name: "KeyUsageDay");

            migrationBuilder.DropTable(
                name: "Notice");

            migrationBuilder.DropTable(
                name: "NoticeTemplateVersion");

            migrationBuilder.DropTable(
                name: "ResearchCreditAccount");

            migrationBuilder.DropTable(
                name: "RetrospectiveAuthor");

            migrationBuilder.DropTable(
                name: "ReviewerExposureDay");

            migrationBuilder.DropTable(
                name: "UnknownCategory");

            migrationBuilder.DropTable(
                name: "GoldenItem");

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
                name: "SeverityAtResolution",
                table: "Incident");

            migrationBuilder.DropColumn(
                name: "DoubleReviewId",
                table: "FlagDecision");

            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "FlagDecision");

            migrationBuilder.DropColumn(
                name: "PolicyVersions",
                table: "FlagDecision");

            migrationBuilder.DropColumn(
                name: "SeenByDecider",
                table: "FlagDecision");

            migrationBuilder.DropColumn(
                name: "OpenCount",
                table: "FlagCluster");

            migrationBuilder.DropColumn(
                name: "NoticeOptOutReason",
                table: "EnforcementAction");

            migrationBuilder.DropColumn(
                name: "NoticeQueued",
                table: "EnforcementAction");

            migrationBuilder.DropColumn(
                name: "CheckpointSignature",
                table: "AuditChainStatus");

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

            migrationBuilder.CreateTable(
                name: "FlagClusterBand",
                columns: table => new
                {
                    Band = table.Column<int>(type: "integer", nullable: false),
                    Value = table.Column<int>(type: "integer", nullable: false),
                    ClusterId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FlagClusterBand", x => new { x.Band, x.Value, x.ClusterId });
                    table.ForeignKey(
                        name: "FK_FlagClusterBand_FlagCluster_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "FlagCluster",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FlagClusterBand_ClusterId",
                table: "FlagClusterBand",
                column: "ClusterId");
        }
    }
}
