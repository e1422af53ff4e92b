using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewConsole.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Quality2GoldenUseCaseAnswers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExpectedDecision",
                table: "GoldenItem",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SourceDecisionId",
                table: "GoldenItem",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AnswerJson",
                table: "GoldenAnswer",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Decision",
                table: "GoldenAnswer",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ExpectedDecision",
                table: "GoldenItem");

            migrationBuilder.DropColumn(
                name: "SourceDecisionId",
                table: "GoldenItem");

            migrationBuilder.DropColumn(
                name: "AnswerJson",
                table: "GoldenAnswer");

            migrationBuilder.DropColumn(
                name: "Decision",
                table: "GoldenAnswer");
        }
    }
}
