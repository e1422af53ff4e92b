using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ReviewConsole.Components.Pages;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Tests.Pages;

public sealed class HomePageTests : BunitContext
{
    public HomePageTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Theory]
    [InlineData(Roles.Lead, "/dashboard")]
    [InlineData(Roles.Auditor, "/dashboard")]
    [InlineData(Roles.Admin, "/dashboard")]
    [InlineData(Roles.Reviewer, "/flags/classifiers")]
    public void Render_RoleWithAnArea_GoesToItsFirstArea(string role, string expected)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@example.test");
        auth.SetRoles(role);

        Render<HomePage>();

        Assert.Equal(expected, new Uri(Services.GetRequiredService<NavigationManager>().Uri).AbsolutePath);
    }

    [Theory]
    [InlineData(Roles.UseCaseReviewer)]
    [InlineData(Roles.IncidentResponder)]
    public void Render_RoleWithoutAnAreaYet_SaysSoInsteadOfClaimingNoRole(string role)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@example.test");
        auth.SetRoles(role);

        var cut = Render<HomePage>();

        Assert.NotNull(cut.Find("[data-testid=no-areas]"));
        Assert.Empty(cut.FindAll("[data-testid=no-roles]"));
    }

    [Fact]
    public void Render_NoRole_AsksForOne()
    {
        AddAuthorization().SetAuthorized("someone@example.test");

        var cut = Render<HomePage>();

        Assert.Contains("no role yet", cut.Find("[data-testid=no-roles]").TextContent);
    }
}
