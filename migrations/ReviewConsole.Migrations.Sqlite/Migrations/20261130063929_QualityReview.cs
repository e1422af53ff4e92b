using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewConsole.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class QualityReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "DoubleReviewId",
                table: "FlagDecision",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PolicyVersions",
                table: "FlagDecision",
                type: "TEXT",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "SeenByDecider",
                table: "FlagDecision",
                type: "INTEGER",
                nullable: false,
                defaultValue: true); // decisions made before this column were made on flags their reviewer opened

            migrationBuilder.CreateTable(
                name: "DoubleReview",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FlagId = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    SampleRate = table.Column<double>(type: "REAL", nullable: false),
                    SampledAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstReviewerId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    FirstReviewerName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    FirstVerdict = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    FirstCategories = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    FirstAction = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    FirstClause = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FirstReason = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    SecondReviewerId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    SecondReviewerName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    SecondVerdict = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    SecondCategories = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    SecondAction = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    SecondClause = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SecondReason = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    SecondAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AdjudicatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    AdjudicatedByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    AdjudicatedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinalDecisionId = table.Column<long>(type: "INTEGER", nullable: true),
                    PolicyVersions = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false)
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
                name: "GoldenItem",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SourceId = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpectedVerdict = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ExpectedCategories = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ExpectedClause = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    IsActive = table.Column<bool>(type: "INTEGER", nullable: false),
                    PromotedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    PromotedByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    PromotedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GoldenItem", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "UnknownCategory",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    FirstSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FlagCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ExampleFlagId = table.Column<long>(type: "INTEGER", nullable: true),
                    MappedTo = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ResolvedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolvedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UnknownCategory", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "GoldenAnswer",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    GoldenItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    ReviewerId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ReviewerName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AssignedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Verdict = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Categories = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Clause = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    VerdictCorrect = table.Column<bool>(type: "INTEGER", nullable: true),
                    CategoriesCorrect = table.Column<bool>(type: "INTEGER", nullable: true),
                    Correct = table.Column<bool>(type: "INTEGER", nullable: true)
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
                name: "IX_UnknownCategory_Key",
                table: "UnknownCategory",
                column: "Key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DoubleReview");

            migrationBuilder.DropTable(
                name: "GoldenAnswer");

            migrationBuilder.DropTable(
                name: "UnknownCategory");

            migrationBuilder.DropTable(
                name: "GoldenItem");

            migrationBuilder.DropColumn(
                name: "DoubleReviewId",
                table: "FlagDecision");

            migrationBuilder.DropColumn(
                name: "PolicyVersions",
                table: "FlagDecision");

            migrationBuilder.DropColumn(
                name: "SeenByDecider",
                table: "FlagDecision");
        }
    }
}
