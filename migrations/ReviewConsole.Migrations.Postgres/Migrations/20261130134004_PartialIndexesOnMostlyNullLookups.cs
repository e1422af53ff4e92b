using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewConsole.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class PartialIndexesOnMostlyNullLookups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Flag_AssignedTo_Status",
                table: "Flag");

            migrationBuilder.DropIndex(
                name: "IX_Flag_LeaseOwner",
                table: "Flag");

            migrationBuilder.DropIndex(
                name: "IX_EnforcementAction_RequestGroupId",
                table: "EnforcementAction");

            migrationBuilder.DropIndex(
                name: "IX_EnforcementAction_ReversesActionId",
                table: "EnforcementAction");

            migrationBuilder.CreateIndex(
                name: "IX_Strike_OrganizationId_RevokedAt_ExpiresAt_Weight",
                table: "Strike",
                columns: new[] { "OrganizationId", "RevokedAt", "ExpiresAt", "Weight" });

            migrationBuilder.CreateIndex(
                name: "IX_Flag_AssignedTo_Status",
                table: "Flag",
                columns: new[] { "AssignedTo", "Status" },
                filter: "\"AssignedTo\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Flag_LeaseOwner",
                table: "Flag",
                column: "LeaseOwner",
                filter: "\"LeaseOwner\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_RequestGroupId",
                table: "EnforcementAction",
                column: "RequestGroupId",
                filter: "\"RequestGroupId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_ReversesActionId",
                table: "EnforcementAction",
                column: "ReversesActionId",
                filter: "\"ReversesActionId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Strike_OrganizationId_RevokedAt_ExpiresAt_Weight",
                table: "Strike");

            migrationBuilder.DropIndex(
                name: "IX_Flag_AssignedTo_Status",
                table: "Flag");

            migrationBuilder.DropIndex(
                name: "IX_Flag_LeaseOwner",
                table: "Flag");

            migrationBuilder.DropIndex(
                name: "IX_EnforcementAction_RequestGroupId",
                table: "EnforcementAction");

            migrationBuilder.DropIndex(
                name: "IX_EnforcementAction_ReversesActionId",
                table: "EnforcementAction");

            migrationBuilder.CreateIndex(
                name: "IX_Flag_AssignedTo_Status",
                table: "Flag",
                columns: new[] { "AssignedTo", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Flag_LeaseOwner",
                table: "Flag",
                column: "LeaseOwner");

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_RequestGroupId",
                table: "EnforcementAction",
                column: "RequestGroupId");

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementAction_ReversesActionId",
                table: "EnforcementAction",
                column: "ReversesActionId");
        }
    }
}
