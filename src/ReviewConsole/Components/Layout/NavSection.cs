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
        new("Flags", "/flags", Icons.Material.Filled.Flag, Policies.Flags),
        new("Classifiers", "/flags/classifiers", Icons.Material.Filled.Insights, Policies.Flags),
        new("Use cases", "/use-cases", Icons.Material.Filled.AppRegistration, Policies.UseCases),
        new("Incidents", "/incidents", Icons.Material.Filled.Warning, Policies.Incidents),
        new("Actors", "/actors", Icons.Material.Filled.Business, Policies.Actors),
        new("Enforcement", "/enforcement", Icons.Material.Filled.Gavel, Policies.Enforcement),
        new("Appeals", "/appeals", Icons.Material.Filled.Balance, Policies.Enforcement),
        new("Statistics", "/statistics", Icons.Material.Filled.BarChart, Policies.Dashboard),
        new("Exposure", "/wellness/exposure", Icons.Material.Filled.MonitorHeart, Policies.Dashboard),
        new("Agreement", "/quality", Icons.Material.Filled.FactCheck, Policies.Dashboard),
        new("My quality", "/quality/me", Icons.Material.Filled.Verified, Policies.Flags),
        new("Wellness", "/wellness", Icons.Material.Filled.SelfImprovement, Policies.Flags),
        new("Audit", "/audit", Icons.Material.Filled.History, Policies.Audit),
        new("Admin", "/admin/users", Icons.Material.Filled.AdminPanelSettings, Policies.Admin),
    ];

    public static IReadOnlyList<NavSection> VisibleTo(Func<string, bool> isInRole) =>
        All.Where(s => Policies.Allows(s.Policy, isInRole)).ToList();
}
