using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewConsole.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class Quality2ClusterDoubleReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ClusterId",
                table: "DoubleReview",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MemberCount",
                table: "DoubleReview",
                type: "int",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.CreateTable(
                name: "DoubleReviewMember",
                columns: table => new
                {
                    DoubleReviewId = table.Column<long>(type: "bigint", nullable: false),
                    FlagId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DoubleReviewMember", x => new { x.DoubleReviewId, x.FlagId });
                    table.ForeignKey(
                        name: "FK_DoubleReviewMember_DoubleReview_DoubleReviewId",
                        column: x => x.DoubleReviewId,
                        principalTable: "DoubleReview",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_DoubleReviewMember_Flag_FlagId",
                        column: x => x.FlagId,
                        principalTable: "Flag",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DoubleReviewMember_FlagId",
                table: "DoubleReviewMember",
                column: "FlagId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DoubleReviewMember");

            migrationBuilder.DropColumn(
                name: "ClusterId",
                table: "DoubleReview");

            migrationBuilder.DropColumn(
                name: "MemberCount",
                table: "DoubleReview");
        }
    }
}
