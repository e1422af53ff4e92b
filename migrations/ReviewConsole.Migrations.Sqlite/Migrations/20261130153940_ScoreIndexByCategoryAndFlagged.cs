using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewConsole.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ScoreIndexByCategoryAndFlagged : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FlagCategoryScore_Category_Score",
                table: "FlagCategoryScore");

            migrationBuilder.CreateIndex(
                name: "IX_FlagCategoryScore_Category_Flagged",
                table: "FlagCategoryScore",
                columns: new[] { "Category", "Flagged" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FlagCategoryScore_Category_Flagged",
                table: "FlagCategoryScore");

            migrationBuilder.CreateIndex(
                name: "IX_FlagCategoryScore_Category_Score",
                table: "FlagCategoryScore",
                columns: new[] { "Category", "Score" });
        }
    }
}
