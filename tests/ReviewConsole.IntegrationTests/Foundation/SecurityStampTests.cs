using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Features.Admin;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Foundation;

/// <summary>
/// Sessions follow the user's security stamp. The app re-checks it every 30 seconds; these tests
/// check it on every request, so what would happen within half a minute happens at once.
/// </summary>
public sealed class SecurityStampTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new();
    private readonly WebApplicationFactory<Program> app;

    public SecurityStampTests()
    {
        factory.Settings["Hangfire:ServerEnabled"] = "false";
        app = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero)));
    }

    [Fact]
    public async Task EnableAuthenticatorPage_FirstVisit_KeepsTheSession()
    {
        using var client = await app.CreateSignedInAsync(Roles.Reviewer);

        using var page = await client.GetAsync(new Uri("/Account/Manage/EnableAuthenticator", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        using var next = await client.GetAsync(new Uri("/Account/Manage", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task DisableUser_ByAdmin_EndsTheirSession()
    {
        using var client = await app.CreateSignedInAsync(Roles.Lead);
        using (var before = await client.GetAsync(new Uri("/dashboard", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var lead = DemoUsers.All.Single(u => u.Role == Roles.Lead);
        var admin = DemoUsers.All.Single(u => u.Role == Roles.Admin);
        string leadId, adminId;
        await using (var db = factory.Database.CreateContext())
        {
            leadId = await db.Users.Where(u => u.Email == lead.Email).Select(u => u.Id).SingleAsync();
            adminId = await db.Users.Where(u => u.Email == admin.Email).Select(u => u.Id).SingleAsync();
        }

        var result = await app.Services.GetRequiredService<UserAdminService>().SetDisabledAsync(leadId, disabled: true, new StaffUser(adminId, admin.Email));
        Assert.True(result.Succeeded, result.Message);

        using var after = await client.GetAsync(new Uri("/dashboard", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/Account/Login", after.Headers.Location!.AbsolutePath);
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.CreateSignedInAsync(Roles.Lead));
    }

    public void Dispose() => factory.Dispose();
}
