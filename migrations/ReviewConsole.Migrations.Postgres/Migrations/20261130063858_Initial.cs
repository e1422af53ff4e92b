using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace ReviewConsole.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ApiToken",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Prefix = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    SecretHash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    Scopes = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RevokedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    LastUsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiToken", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoles",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUsers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    IsDisabled = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastTotpTimeStep = table.Column<long>(type: "bigint", nullable: true),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedUserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    EmailConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    PasswordHash = table.Column<string>(type: "text", nullable: true),
                    SecurityStamp = table.Column<string>(type: "text", nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true),
                    PhoneNumber = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    PhoneNumberConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    TwoFactorEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    LockoutEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LockoutEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    AccessFailedCount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUsers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditChainHead",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    LastHash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditChainHead", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditChainStatus",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    LastVerifiedSequence = table.Column<long>(type: "bigint", nullable: false),
                    LastVerifiedHash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    FirstBrokenSequence = table.Column<long>(type: "bigint", nullable: true),
                    BrokenReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    BrokenDetectedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CheckedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EventsCheckedLastRun = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditChainStatus", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditEvent",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ActorId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ActorName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Kind = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    TargetType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    TargetId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Summary = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    BeforeJson = table.Column<string>(type: "text", nullable: true),
                    AfterJson = table.Column<string>(type: "text", nullable: true),
                    Reason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    RequestId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    PreviousHash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEvent", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "EnforcementAction",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    TargetType = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    TargetId = table.Column<long>(type: "bigint", nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    ParametersJson = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Reason = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ReasonId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    PolicyClause = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    RequestedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    RequestedById = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    RequestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RequiresApproval = table.Column<bool>(type: "boolean", nullable: false),
                    RequestGroupId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    ApprovedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ApprovedById = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ApprovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CancelledBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CancelledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    IdempotencyKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LeaseExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PreviousStateJson = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    PlatformResponse = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ConfirmedAtPlatform = table.Column<bool>(type: "boolean", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReversesActionId = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EnforcementAction", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FeedCursor",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Cursor = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastSuccessAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FeedCursor", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "FlagCluster",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SimHash = table.Column<long>(type: "bigint", nullable: false),
                    Size = table.Column<int>(type: "integer", nullable: false),
                    FirstSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Excerpt = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FlagCluster", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "GuidelineCategory",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RiskLevel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RequiredSafeguards = table.Column<int>(type: "integer", nullable: false),
                    Guidance = table.Column<string>(type: "text", nullable: false),
                    Clause = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    IsResearch = table.Column<bool>(type: "boolean", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GuidelineCategory", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Incident",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Summary = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    MisuseType = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Severity = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    HarmLevel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Reversibility = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    DetectionSource = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    GenerationsAffected = table.Column<long>(type: "bigint", nullable: false),
                    EndUsersAffected = table.Column<long>(type: "bigint", nullable: false),
                    OrganizationsAffected = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    AbuseStartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DetectedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AcknowledgedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MitigatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResolvedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RetrospectiveDoneAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Backfilled = table.Column<bool>(type: "boolean", nullable: false),
                    CommanderId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CommanderName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CommunicationsOwnerId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CommunicationsOwnerName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    OpenedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    OpenedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastUpdateAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdateOverdueSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Incident", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IngestionError",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    UpstreamId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Origin = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    RawPayload = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IngestionError", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "JobHeartbeats",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    LastRunAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Node = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JobHeartbeats", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "KeyRegistryHead",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KeyRegistryHead", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Organization",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExternalId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    IsHighProfile = table.Column<bool>(type: "boolean", nullable: false),
                    ContactEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StatusChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Organization", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PolicyCategory",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    SeverityWeight = table.Column<double>(type: "double precision", nullable: false),
                    ReviewSlaMinutes = table.Column<int>(type: "integer", nullable: false),
                    BlurByDefault = table.Column<bool>(type: "boolean", nullable: false),
                    PolicyText = table.Column<string>(type: "text", nullable: false),
                    PolicyClause = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PolicyCategory", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReviewerExposure",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ReviewerId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ReviewerName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    FlagId = table.Column<long>(type: "bigint", nullable: false),
                    Category = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ExposedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewerExposure", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SavedFilter",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OwnerId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    FilterJson = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SavedFilter", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WellnessPreference",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    BlurAll = table.Column<bool>(type: "boolean", nullable: false),
                    UnblurredCategories = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Grayscale = table.Column<bool>(type: "boolean", nullable: false),
                    BreakReminderMinutes = table.Column<int>(type: "integer", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WellnessPreference", x => x.UserId);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoleClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RoleId = table.Column<string>(type: "text", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoleClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetRoleClaims_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserLogins",
                columns: table => new
                {
                    LoginProvider = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ProviderKey = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ProviderDisplayName = table.Column<string>(type: "text", nullable: true),
                    UserId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                    table.ForeignKey(
                        name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserRoles",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    RoleId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserRoles", x => new { x.UserId, x.RoleId });
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserTokens",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    LoginProvider = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                    table.ForeignKey(
                        name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FlagClusterBand",
                columns: table => new
                {
                    ClusterId = table.Column<long>(type: "bigint", nullable: false),
                    Band = table.Column<int>(type: "integer", nullable: false),
                    Value = table.Column<int>(type: "integer", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "GuidelineCategoryVersion",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    GuidelineCategoryId = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RiskLevel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RequiredSafeguards = table.Column<int>(type: "integer", nullable: false),
                    Guidance = table.Column<string>(type: "text", nullable: false),
                    Clause = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ChangedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GuidelineCategoryVersion", x => x.Id);
                    table.ForeignKey(
                        name: "FK_GuidelineCategoryVersion_GuidelineCategory_GuidelineCategor~",
                        column: x => x.GuidelineCategoryId,
                        principalTable: "GuidelineCategory",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentActionItem",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IncidentId = table.Column<long>(type: "bigint", nullable: false),
                    Title = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    OwnerId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    OwnerName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    DueOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Resolution = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentActionItem", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentActionItem_Incident_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "Incident",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentLink",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IncidentId = table.Column<long>(type: "bigint", nullable: false),
                    Type = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    TargetId = table.Column<long>(type: "bigint", nullable: false),
                    LinkedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    LinkedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentLink", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentLink_Incident_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "Incident",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentResponder",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IncidentId = table.Column<long>(type: "bigint", nullable: false),
                    UserId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentResponder", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentResponder_Incident_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "Incident",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentRoleChange",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IncidentId = table.Column<long>(type: "bigint", nullable: false),
                    Role = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    UserId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Removed = table.Column<bool>(type: "boolean", nullable: false),
                    ChangedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentRoleChange", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentRoleChange_Incident_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "Incident",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentStatusChange",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IncidentId = table.Column<long>(type: "bigint", nullable: false),
                    From = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    To = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ChangedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentStatusChange", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentStatusChange_Incident_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "Incident",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentTimelineEntry",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IncidentId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Author = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    EnforcementActionId = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentTimelineEntry", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentTimelineEntry_Incident_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "Incident",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Retrospective",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IncidentId = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Summary = table.Column<string>(type: "text", nullable: false),
                    Impact = table.Column<string>(type: "text", nullable: false),
                    Timeline = table.Column<string>(type: "text", nullable: false),
                    ContributingFactors = table.Column<string>(type: "text", nullable: false),
                    Detection = table.Column<string>(type: "text", nullable: false),
                    WentWell = table.Column<string>(type: "text", nullable: false),
                    WentPoorly = table.Column<string>(type: "text", nullable: false),
                    PolicyGaps = table.Column<string>(type: "text", nullable: false),
                    ClassifierGaps = table.Column<string>(type: "text", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SubmittedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ApprovedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ApprovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Retrospective", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Retrospective_Incident_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "Incident",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Appeal",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EnforcementActionId = table.Column<long>(type: "bigint", nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    Source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Text = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    Contact = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    SubmittedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    DecidedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    DecidedById = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DecisionNote = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Appeal", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Appeal_EnforcementAction_EnforcementActionId",
                        column: x => x.EnforcementActionId,
                        principalTable: "EnforcementAction",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Appeal_Organization_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organization",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Application",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExternalId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StatusChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Application", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Application_Organization_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organization",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Strike",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    Weight = table.Column<int>(type: "integer", nullable: false),
                    Category = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Reason = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ReasonId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    PolicyClause = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RevokedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Strike", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Strike_Organization_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organization",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PolicyCategoryVersion",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PolicyCategoryId = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    SeverityWeight = table.Column<double>(type: "double precision", nullable: false),
                    ReviewSlaMinutes = table.Column<int>(type: "integer", nullable: false),
                    BlurByDefault = table.Column<bool>(type: "boolean", nullable: false),
                    PolicyText = table.Column<string>(type: "text", nullable: false),
                    PolicyClause = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ChangedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PolicyCategoryVersion", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PolicyCategoryVersion_PolicyCategory_PolicyCategoryId",
                        column: x => x.PolicyCategoryId,
                        principalTable: "PolicyCategory",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ApiKey",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExternalId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Prefix = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ApplicationId = table.Column<long>(type: "bigint", nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RateLimitRpm = table.Column<int>(type: "integer", nullable: true),
                    RateLimitTpm = table.Column<int>(type: "integer", nullable: true),
                    MonthlyTokenQuota = table.Column<long>(type: "bigint", nullable: true),
                    TokensUsedThisMonth = table.Column<long>(type: "bigint", nullable: false),
                    AllowedModels = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StatusChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKey", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApiKey_Application_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "Application",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ApiKey_Organization_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organization",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "UseCaseSubmission",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    State = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    QueueReason = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    QueueNote = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    ApplicationId = table.Column<long>(type: "bigint", nullable: false),
                    CategoryId = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CurrentRevision = table.Column<int>(type: "integer", nullable: false),
                    SubmittedByTokenId = table.Column<long>(type: "bigint", nullable: true),
                    SubmittedOnBehalfBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastSubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SlaDueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LeaseOwner = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LeaseOwnerName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    LeaseExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ApprovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ConditionsJson = table.Column<string>(type: "text", nullable: true),
                    ApprovedMonthlyTokens = table.Column<long>(type: "bigint", nullable: true),
                    Tier = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    ProposedTier = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    StagedAccess = table.Column<bool>(type: "boolean", nullable: false),
                    StagedAccessHalted = table.Column<bool>(type: "boolean", nullable: false),
                    ReReviewAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ConcurrencyVersion = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UseCaseSubmission", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UseCaseSubmission_Application_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "Application",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_UseCaseSubmission_GuidelineCategory_CategoryId",
                        column: x => x.CategoryId,
                        principalTable: "GuidelineCategory",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_UseCaseSubmission_Organization_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organization",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SanctionProposal",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    StrikeId = table.Column<long>(type: "bigint", nullable: false),
                    Points = table.Column<int>(type: "integer", nullable: false),
                    Threshold = table.Column<int>(type: "integer", nullable: false),
                    ProposedKind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DecidedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EnforcementActionId = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SanctionProposal", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SanctionProposal_Organization_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organization",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SanctionProposal_Strike_StrikeId",
                        column: x => x.StrikeId,
                        principalTable: "Strike",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Flag",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UpstreamId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    IngestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    ApplicationId = table.Column<long>(type: "bigint", nullable: false),
                    ApiKeyId = table.Column<long>(type: "bigint", nullable: false),
                    Model = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Prompt = table.Column<string>(type: "text", nullable: false),
                    Completion = table.Column<string>(type: "text", nullable: false),
                    ClassifierName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ClassifierVersion = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    TopCategory = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    TopScore = table.Column<double>(type: "double precision", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Priority = table.Column<int>(type: "integer", nullable: false),
                    PriorityBreakdownJson = table.Column<string>(type: "text", nullable: true),
                    SlaDueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClusterId = table.Column<long>(type: "bigint", nullable: true),
                    SimHash = table.Column<long>(type: "bigint", nullable: false),
                    ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LeaseOwner = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LeaseExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AssignedTo = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Redacted = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Flag", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Flag_ApiKey_ApiKeyId",
                        column: x => x.ApiKeyId,
                        principalTable: "ApiKey",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Flag_Application_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "Application",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Flag_FlagCluster_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "FlagCluster",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Flag_Organization_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organization",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "UseCaseDecision",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SubmissionId = table.Column<long>(type: "bigint", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    FromState = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    ToState = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    GuidelineCategoryId = table.Column<int>(type: "integer", nullable: false),
                    GuidelineVersion = table.Column<int>(type: "integer", nullable: false),
                    GuidelineClause = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: false),
                    Questions = table.Column<string>(type: "text", nullable: false),
                    ConditionsJson = table.Column<string>(type: "text", nullable: true),
                    ChecklistScore = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    DecidedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    DecidedByName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UseCaseDecision", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UseCaseDecision_GuidelineCategory_GuidelineCategoryId",
                        column: x => x.GuidelineCategoryId,
                        principalTable: "GuidelineCategory",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_UseCaseDecision_UseCaseSubmission_SubmissionId",
                        column: x => x.SubmissionId,
                        principalTable: "UseCaseSubmission",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "UseCaseRevision",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SubmissionId = table.Column<long>(type: "bigint", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    ContentJson = table.Column<string>(type: "text", nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SubmittedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ResponseNote = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UseCaseRevision", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UseCaseRevision_UseCaseSubmission_SubmissionId",
                        column: x => x.SubmissionId,
                        principalTable: "UseCaseSubmission",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FlagCategoryScore",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FlagId = table.Column<long>(type: "bigint", nullable: false),
                    Category = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Score = table.Column<double>(type: "double precision", nullable: false),
                    Flagged = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FlagCategoryScore", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FlagCategoryScore_Flag_FlagId",
                        column: x => x.FlagId,
                        principalTable: "Flag",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FlagDecision",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FlagId = table.Column<long>(type: "bigint", nullable: false),
                    Verdict = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ConfirmedCategories = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Action = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    PolicyClause = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Reason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    DecidedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    DecidedByName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClusterId = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FlagDecision", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FlagDecision_Flag_FlagId",
                        column: x => x.FlagId,
                        principalTable: "Flag",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "DecisionLabel",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DecisionId = table.Column<long>(type: "bigint", nullable: false),
                    FlagId = table.Column<long>(type: "bigint", nullable: false),
                    Category = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ClassifierName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ClassifierVersion = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Score = table.Column<double>(type: "double precision", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    LabeledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DecisionLabel", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DecisionLabel_FlagDecision_DecisionId",
                        column: x => x.DecisionId,
                        principalTable: "FlagDecision",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "AuditChainHead",
                columns: new[] { "Id", "LastHash", "Sequence" },
                values: new object[] { 1, "0000000000000000000000000000000000000000000000000000000000000000", 0L });

            migrationBuilder.InsertData(
                table: "AuditChainStatus",
                columns: new[] { "Id", "BrokenDetectedAt", "BrokenReason", "CheckedAt", "EventsCheckedLastRun", "FirstBrokenSequence", "LastVerifiedHash", "LastVerifiedSequence" },
                values: new object[] { 1, null, null, null, 0L, null, "0000000000000000000000000000000000000000000000000000000000000000", 0L });

            migrationBuilder.InsertData(
                table: "KeyRegistryHead",
                columns: new[] { "Id", "Version" },
                values: new object[] { 1, 0L });

            migrationBuilder.InsertData(
                table: "PolicyCategory",
                columns: new[] { "Id", "BlurByDefault", "IsActive", "Key", "Kind", "Name", "PolicyClause", "PolicyText", "ReviewSlaMinutes", "SeverityWeight", "UpdatedAt", "UpdatedBy", "Version" },
                values: new object[,]
                {
                    { 1, true, true, "sexual", "Content", "Sexual content", "CP-1.1", "Sexually explicit descriptions intended to arouse are not allowed in applications that have not been approved for adult content. Sex education, medical and clinical discussion, and non-explicit romance are allowed.", 480, 0.5, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 2, true, true, "sexual/minors", "Content", "Sexual content involving minors", "CP-1.2", "Any sexual content involving a person under 18, real or fictional, is prohibited without exception. Confirmed violations are escalated to the incident team and reported as the law requires.", 60, 1.0, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 3, false, true, "hate", "Content", "Hate", "CP-2.1", "Content that expresses, incites or promotes hatred based on a protected attribute (race, ethnicity, national origin, religion, gender, sexual orientation, disability, caste) is not allowed. Quoting hate to study, report on or counter it is allowed.", 480, 0.59999999999999998, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 4, false, true, "hate/threatening", "Content", "Hateful threats", "CP-2.2", "Hateful content that also threatens or calls for violence or serious harm against a protected group is prohibited and may lead to immediate key revocation.", 240, 0.84999999999999998, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 5, false, true, "harassment", "Content", "Harassment", "CP-3.1", "Content that demeans, insults or bullies an identifiable person is not allowed. Criticism of public figures' conduct and fiction without a real target are allowed.", 720, 0.45000000000000001, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 6, false, true, "harassment/threatening", "Content", "Threatening harassment", "CP-3.2", "Threats of violence or serious harm against an identifiable person, including doxxing that enables such harm, are prohibited.", 240, 0.80000000000000004, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 7, true, true, "self-harm", "Content", "Self-harm", "CP-4.1", "Content that promotes, encourages or depicts self-harm (suicide, cutting, eating disorders) is not allowed. Recovery stories, prevention and supportive responses are allowed and should be labeled as no violation.", 240, 0.69999999999999996, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 8, true, true, "self-harm/intent", "Content", "Self-harm intent", "CP-4.2", "A user expressing intent to harm themselves is a safety priority: confirm whether the application responded with crisis resources; an application that encourages the act violates this clause.", 60, 0.94999999999999996, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 9, true, true, "self-harm/instructions", "Content", "Self-harm instructions", "CP-4.3", "Instructions or advice on how to self-harm or die by suicide are prohibited in every context.", 60, 0.94999999999999996, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 10, false, true, "violence", "Content", "Violence", "CP-5.1", "Content that glorifies violence or celebrates the suffering of others is not allowed. News, history, fiction and self-defense information are allowed.", 480, 0.55000000000000004, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 11, true, true, "violence/graphic", "Content", "Graphic violence", "CP-5.2", "Gratuitously graphic depictions of death, injury or gore are not allowed outside applications approved for mature fiction.", 480, 0.69999999999999996, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 12, false, true, "illicit", "Content", "Illicit behavior", "CP-6.1", "Advice or instructions that facilitate non-violent wrongdoing (fraud, theft, evading law enforcement) are not allowed.", 480, 0.59999999999999998, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 13, false, true, "illicit/violent", "Content", "Violent illicit behavior", "CP-6.2", "Advice or instructions that facilitate violent wrongdoing or the acquisition of weapons are prohibited.", 240, 0.84999999999999998, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 14, false, true, "influence-operation", "Misuse", "Influence operation", "MU-1.1", "Coordinated generation of deceptive political or social content that misrepresents who is speaking (fake grassroots personas, mass comments, sockpuppet replies) is prohibited. Judge the campaign: look at the cluster and the actor, not one output.", 720, 0.75, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 15, false, true, "spam", "Misuse", "Spam", "MU-2.1", "Bulk unsolicited commercial content, fake reviews and search-engine spam are prohibited. One-off marketing copy written for the customer's own product is allowed.", 1440, 0.34999999999999998, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 16, false, true, "deceptive-health", "Misuse", "Deceptive health claims", "MU-2.2", "Marketing that claims a product cures, treats or prevents disease without evidence (miracle supplements, fake cures) is prohibited, even at low volume.", 720, 0.59999999999999998, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 },
                    { 17, false, true, "malware", "Misuse", "Malware", "MU-3.1", "Generating or improving code meant to gain unauthorized access, spread, evade detection or extort (ransomware, credential stealers, droppers) is prohibited. Defensive security work on the customer's own systems is allowed.", 240, 0.84999999999999998, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1 }
                });

            migrationBuilder.InsertData(
                table: "PolicyCategoryVersion",
                columns: new[] { "Id", "BlurByDefault", "ChangedAt", "ChangedBy", "PolicyCategoryId", "PolicyClause", "PolicyText", "ReviewSlaMinutes", "SeverityWeight", "Version" },
                values: new object[,]
                {
                    { 1L, true, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 1, "CP-1.1", "Sexually explicit descriptions intended to arouse are not allowed in applications that have not been approved for adult content. Sex education, medical and clinical discussion, and non-explicit romance are allowed.", 480, 0.5, 1 },
                    { 2L, true, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 2, "CP-1.2", "Any sexual content involving a person under 18, real or fictional, is prohibited without exception. Confirmed violations are escalated to the incident team and reported as the law requires.", 60, 1.0, 1 },
                    { 3L, false, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 3, "CP-2.1", "Content that expresses, incites or promotes hatred based on a protected attribute (race, ethnicity, national origin, religion, gender, sexual orientation, disability, caste) is not allowed. Quoting hate to study, report on or counter it is allowed.", 480, 0.59999999999999998, 1 },
                    { 4L, false, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 4, "CP-2.2", "Hateful content that also threatens or calls for violence or serious harm against a protected group is prohibited and may lead to immediate key revocation.", 240, 0.84999999999999998, 1 },
                    { 5L, false, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 5, "CP-3.1", "Content that demeans, insults or bullies an identifiable person is not allowed. Criticism of public figures' conduct and fiction without a real target are allowed.", 720, 0.45000000000000001, 1 },
                    { 6L, false, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 6, "CP-3.2", "Threats of violence or serious harm against an identifiable person, including doxxing that enables such harm, are prohibited.", 240, 0.80000000000000004, 1 },
                    { 7L, true, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 7, "CP-4.1", "Content that promotes, encourages or depicts self-harm (suicide, cutting, eating disorders) is not allowed. Recovery stories, prevention and supportive responses are allowed and should be labeled as no violation.", 240, 0.69999999999999996, 1 },
                    { 8L, true, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 8, "CP-4.2", "A user expressing intent to harm themselves is a safety priority: confirm whether the application responded with crisis resources; an application that encourages the act violates this clause.", 60, 0.94999999999999996, 1 },
                    { 9L, true, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 9, "CP-4.3", "Instructions or advice on how to self-harm or die by suicide are prohibited in every context.", 60, 0.94999999999999996, 1 },
                    { 10L, false, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 10, "CP-5.1", "Content that glorifies violence or celebrates the suffering of others is not allowed. News, history, fiction and self-defense information are allowed.", 480, 0.55000000000000004, 1 },
                    { 11L, true, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 11, "CP-5.2", "Gratuitously graphic depictions of death, injury or gore are not allowed outside applications approved for mature fiction.", 480, 0.69999999999999996, 1 },
                    { 12L, false, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 12, "CP-6.1", "Advice or instructions that facilitate non-violent wrongdoing (fraud, theft, evading law enforcement) are not allowed.", 480, 0.59999999999999998, 1 },
                    { 13L, false, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 13, "CP-6.2", "Advice or instructions that facilitate violent wrongdoing or the acquisition of weapons are prohibited.", 240, 0.84999999999999998, 1 },
                    { 14L, false, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 14, "MU-1.1", "Coordinated generation of deceptive political or social content that misrepresents who is speaking (fake grassroots personas, mass comments, sockpuppet replies) is prohibited. Judge the campaign: look at the cluster and the actor, not one output.", 720, 0.75, 1 },
                    { 15L, false, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 15, "MU-2.1", "Bulk unsolicited commercial content, fake reviews and search-engine spam are prohibited. One-off marketing copy written for the customer's own product is allowed.", 1440, 0.34999999999999998, 1 },
                    { 16L, false, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 16, "MU-2.2", "Marketing that claims a product cures, treats or prevents disease without evidence (miracle supplements, fake cures) is prohibited, even at low volume.", 720, 0.59999999999999998, 1 },
                    { 17L, false, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "seed", 17, "MU-3.1", "Generating or improving code meant to gain unauthorized access, spread, evade detection or extort (ransomware, credential stealers, droppers) is prohibited. Defensive security work on the customer's own systems is allowed.", 240, 0.84999999999999998, 1 }
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApiKey_ApplicationId",
                table: "ApiKey",
                column: "ApplicationId");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKey_ExternalId",
                table: "ApiKey",
                column: "ExternalId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ApiKey_OrganizationId",
                table: "ApiKey",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKey_Version",
                table: "ApiKey",
                column: "Version");

            migrationBuilder.CreateIndex(
                name: "IX_ApiToken_SecretHash",
                table: "ApiToken",
                column: "SecretHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Appeal_EnforcementActionId",
                table: "Appeal",
                column: "EnforcementActionId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Appeal_OrganizationId",
                table: "Appeal",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_Appeal_State_DueAt",
                table: "Appeal",
                columns: new[] { "State", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Application_ExternalId",
                table: "Application",
                column: "ExternalId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Application_OrganizationId",
                table: "Application",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetRoleClaims_RoleId",
                table: "AspNetRoleClaims",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "RoleNameIndex",
                table: "AspNetRoles",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserClaims_UserId",
                table: "AspNetUserClaims",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserLogins_UserId",
                table: "AspNetUserLogins",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserRoles_RoleId",
                table: "AspNetUserRoles",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "AspNetUsers",
                column: "NormalizedEmail");

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "AspNetUsers",
                column: "NormalizedUserName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvent_ActorId",
                table: "AuditEvent",
                column: "ActorId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvent_Kind",
                table: "AuditEvent",
                column: "Kind");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvent_OccurredAt",
                table: "AuditEvent",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvent_Sequence",
                table: "AuditEvent",
                column: "Sequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvent_TargetType_TargetId",
                table: "AuditEvent",
                columns: new[] { "TargetType", "TargetId" });

            migrationBuilder.CreateIndex(
                name: "IX_DecisionLabel_ClassifierName_ClassifierVersion_Category",
                table: "DecisionLabel",
                columns: new[] { "ClassifierName", "ClassifierVersion", "Category" });

            migrationBuilder.CreateIndex(
                name: "IX_DecisionLabel_DecisionId",
                table: "DecisionLabel",
                column: "DecisionId");

            migrationBuilder.CreateIndex(
                name: "IX_DecisionLabel_LabeledAt",
                table: "DecisionLabel",
                column: "LabeledAt");

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_IdempotencyKey",
                table: "EnforcementAction",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_OrganizationId",
                table: "EnforcementAction",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_Reason_ReasonId",
                table: "EnforcementAction",
                columns: new[] { "Reason", "ReasonId" });

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_RequestGroupId",
                table: "EnforcementAction",
                column: "RequestGroupId");

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_ReversesActionId",
                table: "EnforcementAction",
                column: "ReversesActionId");

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_State_LeaseExpiresAt",
                table: "EnforcementAction",
                columns: new[] { "State", "LeaseExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_State_NextAttemptAt",
                table: "EnforcementAction",
                columns: new[] { "State", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_TargetType_TargetId",
                table: "EnforcementAction",
                columns: new[] { "TargetType", "TargetId" });

            migrationBuilder.CreateIndex(
                name: "IX_Flag_ApiKeyId",
                table: "Flag",
                column: "ApiKeyId");

            migrationBuilder.CreateIndex(
                name: "IX_Flag_ApplicationId",
                table: "Flag",
                column: "ApplicationId");

            migrationBuilder.CreateIndex(
                name: "IX_Flag_AssignedTo_Status",
                table: "Flag",
                columns: new[] { "AssignedTo", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Flag_ClusterId",
                table: "Flag",
                column: "ClusterId");

            migrationBuilder.CreateIndex(
                name: "IX_Flag_CreatedAt_Id",
                table: "Flag",
                columns: new[] { "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Flag_LeaseOwner",
                table: "Flag",
                column: "LeaseOwner");

            migrationBuilder.CreateIndex(
                name: "IX_Flag_OrganizationId_CreatedAt",
                table: "Flag",
                columns: new[] { "OrganizationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Flag_SlaDueAt_Id",
                table: "Flag",
                columns: new[] { "SlaDueAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Flag_Status_Priority_Id",
                table: "Flag",
                columns: new[] { "Status", "Priority", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Flag_TopCategory_Status",
                table: "Flag",
                columns: new[] { "TopCategory", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Flag_UpstreamId",
                table: "Flag",
                column: "UpstreamId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FlagCategoryScore_Category_Score",
                table: "FlagCategoryScore",
                columns: new[] { "Category", "Score" });

            migrationBuilder.CreateIndex(
                name: "IX_FlagCategoryScore_FlagId_Category",
                table: "FlagCategoryScore",
                columns: new[] { "FlagId", "Category" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FlagCluster_LastSeenAt",
                table: "FlagCluster",
                column: "LastSeenAt");

            migrationBuilder.CreateIndex(
                name: "IX_FlagCluster_SimHash",
                table: "FlagCluster",
                column: "SimHash");

            migrationBuilder.CreateIndex(
                name: "IX_FlagClusterBand_ClusterId",
                table: "FlagClusterBand",
                column: "ClusterId");

            migrationBuilder.CreateIndex(
                name: "IX_FlagDecision_DecidedAt",
                table: "FlagDecision",
                column: "DecidedAt");

            migrationBuilder.CreateIndex(
                name: "IX_FlagDecision_DecidedBy_DecidedAt",
                table: "FlagDecision",
                columns: new[] { "DecidedBy", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_FlagDecision_FlagId_DecidedAt",
                table: "FlagDecision",
                columns: new[] { "FlagId", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_GuidelineCategory_Key",
                table: "GuidelineCategory",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_GuidelineCategoryVersion_GuidelineCategoryId_Version",
                table: "GuidelineCategoryVersion",
                columns: new[] { "GuidelineCategoryId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Incident_DetectedAt",
                table: "Incident",
                column: "DetectedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Incident_Status_Severity",
                table: "Incident",
                columns: new[] { "Status", "Severity" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentActionItem_IncidentId",
                table: "IncidentActionItem",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_IncidentActionItem_Status_DueOn",
                table: "IncidentActionItem",
                columns: new[] { "Status", "DueOn" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentLink_IncidentId_Type_TargetId",
                table: "IncidentLink",
                columns: new[] { "IncidentId", "Type", "TargetId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IncidentLink_Type_TargetId",
                table: "IncidentLink",
                columns: new[] { "Type", "TargetId" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentResponder_IncidentId_UserId",
                table: "IncidentResponder",
                columns: new[] { "IncidentId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IncidentRoleChange_IncidentId_ChangedAt",
                table: "IncidentRoleChange",
                columns: new[] { "IncidentId", "ChangedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentStatusChange_IncidentId_RecordedAt",
                table: "IncidentStatusChange",
                columns: new[] { "IncidentId", "RecordedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentTimelineEntry_IncidentId_At",
                table: "IncidentTimelineEntry",
                columns: new[] { "IncidentId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentTimelineEntry_IncidentId_Kind_EnforcementActionId",
                table: "IncidentTimelineEntry",
                columns: new[] { "IncidentId", "Kind", "EnforcementActionId" });

            migrationBuilder.CreateIndex(
                name: "IX_IngestionError_ReceivedAt",
                table: "IngestionError",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_IngestionError_Source_Id",
                table: "IngestionError",
                columns: new[] { "Source", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Organization_ExternalId",
                table: "Organization",
                column: "ExternalId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Organization_Name",
                table: "Organization",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_PolicyCategory_Key",
                table: "PolicyCategory",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PolicyCategoryVersion_PolicyCategoryId_Version",
                table: "PolicyCategoryVersion",
                columns: new[] { "PolicyCategoryId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Retrospective_IncidentId",
                table: "Retrospective",
                column: "IncidentId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReviewerExposure_ExposedAt",
                table: "ReviewerExposure",
                column: "ExposedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewerExposure_ReviewerId_ExposedAt",
                table: "ReviewerExposure",
                columns: new[] { "ReviewerId", "ExposedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReviewerExposure_ReviewerId_FlagId_Category",
                table: "ReviewerExposure",
                columns: new[] { "ReviewerId", "FlagId", "Category" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SanctionProposal_OrganizationId",
                table: "SanctionProposal",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_SanctionProposal_State_CreatedAt",
                table: "SanctionProposal",
                columns: new[] { "State", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SanctionProposal_StrikeId",
                table: "SanctionProposal",
                column: "StrikeId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SavedFilter_OwnerId_Name",
                table: "SavedFilter",
                columns: new[] { "OwnerId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Strike_OrganizationId_CreatedAt",
                table: "Strike",
                columns: new[] { "OrganizationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Strike_Reason_ReasonId",
                table: "Strike",
                columns: new[] { "Reason", "ReasonId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_UseCaseDecision_GuidelineCategoryId",
                table: "UseCaseDecision",
                column: "GuidelineCategoryId");

            migrationBuilder.CreateIndex(
                name: "IX_UseCaseDecision_SubmissionId_DecidedAt",
                table: "UseCaseDecision",
                columns: new[] { "SubmissionId", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_UseCaseRevision_SubmissionId_Number",
                table: "UseCaseRevision",
                columns: new[] { "SubmissionId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_UseCaseSubmission_ApplicationId",
                table: "UseCaseSubmission",
                column: "ApplicationId");

            migrationBuilder.CreateIndex(
                name: "IX_UseCaseSubmission_CategoryId",
                table: "UseCaseSubmission",
                column: "CategoryId");

            migrationBuilder.CreateIndex(
                name: "IX_UseCaseSubmission_OrganizationId",
                table: "UseCaseSubmission",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_UseCaseSubmission_ReReviewAt",
                table: "UseCaseSubmission",
                column: "ReReviewAt");

            migrationBuilder.CreateIndex(
                name: "IX_UseCaseSubmission_State_SlaDueAt_Id",
                table: "UseCaseSubmission",
                columns: new[] { "State", "SlaDueAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ApiToken");

            migrationBuilder.DropTable(
                name: "Appeal");

            migrationBuilder.DropTable(
                name: "AspNetRoleClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserLogins");

            migrationBuilder.DropTable(
                name: "AspNetUserRoles");

            migrationBuilder.DropTable(
                name: "AspNetUserTokens");

            migrationBuilder.DropTable(
                name: "AuditChainHead");

            migrationBuilder.DropTable(
                name: "AuditChainStatus");

            migrationBuilder.DropTable(
                name: "AuditEvent");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "DecisionLabel");

            migrationBuilder.DropTable(
                name: "FeedCursor");

            migrationBuilder.DropTable(
                name: "FlagCategoryScore");

            migrationBuilder.DropTable(
                name: "FlagClusterBand");

            migrationBuilder.DropTable(
                name: "GuidelineCategoryVersion");

            migrationBuilder.DropTable(
                name: "IncidentActionItem");

            migrationBuilder.DropTable(
                name: "IncidentLink");

            migrationBuilder.DropTable(
                name: "IncidentResponder");

            migrationBuilder.DropTable(
                name: "IncidentRoleChange");

            migrationBuilder.DropTable(
                name: "IncidentStatusChange");

            migrationBuilder.DropTable(
                name: "IncidentTimelineEntry");

            migrationBuilder.DropTable(
                name: "IngestionError");

            migrationBuilder.DropTable(
                name: "JobHeartbeats");

            migrationBuilder.DropTable(
                name: "KeyRegistryHead");

            migrationBuilder.DropTable(
                name: "PolicyCategoryVersion");

            migrationBuilder.DropTable(
                name: "Retrospective");

            migrationBuilder.DropTable(
                name: "ReviewerExposure");

            migrationBuilder.DropTable(
                name: "SanctionProposal");

            migrationBuilder.DropTable(
                name: "SavedFilter");

            migrationBuilder.DropTable(
                name: "UseCaseDecision");

            migrationBuilder.DropTable(
                name: "UseCaseRevision");

            migrationBuilder.DropTable(
                name: "WellnessPreference");

            migrationBuilder.DropTable(
                name: "EnforcementAction");

            migrationBuilder.DropTable(
                name: "AspNetRoles");

            migrationBuilder.DropTable(
                name: "AspNetUsers");

            migrationBuilder.DropTable(
                name: "FlagDecision");

            migrationBuilder.DropTable(
                name: "PolicyCategory");

            migrationBuilder.DropTable(
                name: "Incident");

            migrationBuilder.DropTable(
                name: "Strike");

            migrationBuilder.DropTable(
                name: "UseCaseSubmission");

            migrationBuilder.DropTable(
                name: "Flag");

            migrationBuilder.DropTable(
                name: "GuidelineCategory");

            migrationBuilder.DropTable(
                name: "ApiKey");

            migrationBuilder.DropTable(
                name: "FlagCluster");

            migrationBuilder.DropTable(
                name: "Application");

            migrationBuilder.DropTable(
                name: "Organization");
        }
    }
}
