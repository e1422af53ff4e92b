using Bunit;
using MudBlazor.Services;
using ReviewConsole.Components.Layout;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Tests.Layout;

public sealed class NavMenuTests : BunitContext
{
    /// <summary>
    /// What each role must see, written out by hand rather than derived from
    /// <see cref="Policies.RolesByPolicy"/> or <see cref="NavSection.VisibleTo"/>, so a change to
    /// either that widens or narrows the navigation shows up here.
    /// </summary>
    public static TheoryData<string, string[]> SectionsByRole => new()
    {
        { Roles.Reviewer, ["Flags", "Classifiers", "Actors", "Enforcement", "Appeals", "My quality", "Wellness"] },
        { Roles.UseCaseReviewer, ["Use cases", "Actors"] },
        { Roles.IncidentResponder, ["Incidents", "Actors", "Enforcement", "Appeals"] },
        { Roles.Lead, ["Dashboard", "Flags", "Classifiers", "Use cases", "Incidents", "Actors", "Enforcement", "Appeals", "Statistics", "Exposure", "Agreement", "My quality", "Wellness"] },
        { Roles.Admin, ["Dashboard", "Flags", "Classifiers", "Use cases", "Incidents", "Actors", "Enforcement", "Appeals", "Statistics", "Exposure", "Agreement", "My quality", "Wellness", "Audit", "Admin"] },
        { Roles.Auditor, ["Dashboard", "Flags", "Classifiers", "Use cases", "Incidents", "Actors", "Enforcement", "Appeals", "Statistics", "Exposure", "Agreement", "My quality", "Wellness", "Audit"] },
    };

    public NavMenuTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Theory]
    [MemberData(nameof(SectionsByRole))]
    public void Render_SignedInWithRole_ShowsExactlyTheRolesSections(string role, string[] expected)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(role.ToLowerInvariant() + "@example.test");
        auth.SetRoles(role);

        var cut = Render<NavMenu>();

        Assert.Equal(expected, Sections(cut));
    }

    [Fact]
    public void Render_EveryRoleAtOnce_ShowsEverySection()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("everyone@example.test");
        auth.SetRoles([.. Roles.All]);

        var cut = Render<NavMenu>();

        Assert.Equal(["Dashboard", "Flags", "Classifiers", "Use cases", "Incidents", "Actors", "Enforcement", "Appeals", "Statistics", "Exposure", "Agreement", "My quality", "Wellness", "Audit", "Admin"], Sections(cut));
        Assert.Equal(
            ["/dashboard", "/flags", "/flags/classifiers", "/use-cases", "/incidents", "/actors", "/enforcement", "/appeals", "/statistics", "/wellness/exposure", "/quality", "/quality/me", "/wellness", "/audit", "/admin/users"],
            cut.FindAll("a[href]").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void Render_NotSignedIn_ShowsNoSection()
    {
        AddAuthorization();

        var cut = Render<NavMenu>();

        Assert.Empty(Sections(cut));
        Assert.Empty(cut.FindAll("a"));
    }

    [Fact]
    public void Render_SignedInWithoutRole_ShowsNoSection()
    {
        AddAuthorization().SetAuthorized("nobody@example.test");

        var cut = Render<NavMenu>();

        Assert.Empty(Sections(cut));
    }

    private static string[] Sections(IRenderedComponent<NavMenu> cut) =>
        [.. cut.FindAll("[data-nav]").Select(e => e.GetAttribute("data-nav")!)];
}
