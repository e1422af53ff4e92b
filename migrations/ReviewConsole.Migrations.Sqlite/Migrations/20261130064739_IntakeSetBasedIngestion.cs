using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewConsole.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class IntakeSetBasedIngestion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FlagClusterBand");

            migrationBuilder.CreateTable(
                name: "FlagJobLease",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    WatermarkAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FlagJobLease", x => x.Name);
                });

            migrationBuilder.InsertData(
                table: "FlagJobLease",
                columns: new[] { "Name", "ExpiresAt", "Owner", "WatermarkAt" },
                values: new object[] { "refresh-flag-priority", null, null, null });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FlagJobLease");

            migrationBuilder.CreateTable(
                name: "FlagClusterBand",
                columns: table => new
                {
                    Band = table.Column<int>(type: "INTEGER", nullable: false),
                    Value = table.Column<int>(type: "INTEGER", nullable: false),
                    ClusterId = table.Column<long>(type: "INTEGER", nullable: false)
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
