using MudBlazor;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Components.Layout;

/// <summary>One entry of the main navigation, shown to the roles of its policy.</summary>
public sealed record NavSection(string Title, string Href, string Icon, string Policy)
{
    /// <summary>The console's areas in navigation order. An area appears here once its pages exist.</summary>
    public static readonly IReadOnlyList<NavSection> All =
    [
        new("Dashboard", "/dashboard", Icons.Material.Filled.Dashboard, Policies.Dashboard),
        new("Classifiers", "/flags/classifiers", Icons.Material.Filled.Insights, Policies.Flags),
        new("Admin", "/admin/users", Icons.Material.Filled.AdminPanelSettings, Policies.Admin),
        new("Policies", "/admin/policies", Icons.Material.Filled.Policy, Policies.Admin),
        new("Ingestion errors", "/admin/ingestion-errors", Icons.Material.Filled.ReportProblem, Policies.Admin),
    ];

    public static IReadOnlyList<NavSection> VisibleTo(Func<string, bool> isInRole) =>
        All.Where(s => Policies.Allows(s.Policy, isInRole)).ToList();
}
