using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewConsole.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ClassifierLabelCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ClassifierLabelCount",
                columns: table => new
                {
                    ClassifierName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ClassifierVersion = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    TruePositives = table.Column<int>(type: "INTEGER", nullable: false),
                    FalsePositives = table.Column<int>(type: "INTEGER", nullable: false),
                    FalseNegatives = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClassifierLabelCount", x => new { x.ClassifierName, x.ClassifierVersion, x.Category });
                });

            // The counts of the labels already stored (this table is kept on write from now on).
            migrationBuilder.Sql("""
                INSERT INTO "ClassifierLabelCount" ("ClassifierName", "ClassifierVersion", "Category", "TruePositives", "FalsePositives", "FalseNegatives")
                SELECT "ClassifierName", "ClassifierVersion", "Category",
                    SUM(CASE WHEN "Outcome" = 'TruePositive' THEN 1 ELSE 0 END),
                    SUM(CASE WHEN "Outcome" = 'FalsePositive' THEN 1 ELSE 0 END),
                    SUM(CASE WHEN "Outcome" = 'FalseNegative' THEN 1 ELSE 0 END)
                FROM "DecisionLabel"
                GROUP BY "ClassifierName", "ClassifierVersion", "Category"
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ClassifierLabelCount");
        }
    }
}
