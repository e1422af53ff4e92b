using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Foundation;

public sealed class IdentitySeedingTests
{
    private const string AdminEmail = "first.admin@example.test";

    [Fact]
    public async Task FirstStart_OutsideDemoWithPassword_CreatesOneAdminWhoCanSignIn()
    {
        using var database = new TestDatabase();
        var logs = new CapturedLogs();
        using var factory = OutsideDemo(database, password: "Configured-Admin-Pass-1");
        using var app = WithLogs(factory, logs);

        using var admin = await app.CreateSignedInAsync(AdminEmail, "Configured-Admin-Pass-1");

        Assert.Equal([(AdminEmail, Roles.Admin)], await UsersAndRolesAsync(database));
        await AssertIsAdminAsync(admin);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("Configured-Admin-Pass-1"));
    }

    [Fact]
    public async Task FirstStart_OutsideDemoWithoutPassword_LogsGeneratedPasswordOnce_SecondStartDoesNothing()
    {
        using var database = new TestDatabase();
        string password;

        var firstLogs = new CapturedLogs();
        using (var first = OutsideDemo(database, password: ""))
        {
            using var app = WithLogs(first, firstLogs);
            using var anonymous = app.CreateAnonymous();
            await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative));

            var logged = Assert.Single(firstLogs.Entries, e => e.Values.ContainsKey("Password"));
            Assert.Equal(LogLevel.Warning, logged.Level);
            password = Assert.IsType<string>(logged.Values["Password"]);
            Assert.Contains(password, logged.Message);
            Assert.Single(firstLogs.Entries, e => e.Message.Contains(password));

            using var admin = await app.CreateSignedInAsync(AdminEmail, password);
            await AssertIsAdminAsync(admin);
        }

        Assert.Equal([(AdminEmail, Roles.Admin)], await UsersAndRolesAsync(database));

        var secondLogs = new CapturedLogs();
        using (var second = OutsideDemo(database, password: ""))
        {
            using var app = WithLogs(second, secondLogs);

            // The first Admin and their password are unchanged, and nothing new was generated or logged.
            using var admin = await app.CreateSignedInAsync(AdminEmail, password);
            await AssertIsAdminAsync(admin);
            Assert.DoesNotContain(secondLogs.Entries, e => e.Values.ContainsKey("Password") || e.Message.Contains(password));
            Assert.DoesNotContain(secondLogs.Entries, e => e.Category == typeof(IdentitySeeder).FullName && e.Level >= LogLevel.Warning);
        }

        Assert.Equal([(AdminEmail, Roles.Admin)], await UsersAndRolesAsync(database));
    }

    [Fact]
    public async Task Start_DemoMode_SeedsOneUserPerRoleAndNoSeedAdmin()
    {
        using var factory = new ConsoleAppFactory();
        using var client = factory.CreateAnonymous();
        await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        var expected = DemoUsers.All.Select(u => (u.Email, u.Role)).Order().ToList();
        Assert.Equal(expected, await UsersAndRolesAsync(factory.Database));
        Assert.Equal(Roles.All.Order(), expected.Select(u => u.Role).Order());
    }

    [Fact]
    public async Task LoginPage_DemoMode_ListsDemoAccountsAndDemoBadge()
    {
        using var factory = new ConsoleAppFactory();
        using var client = factory.CreateAnonymous();

        var page = await client.GetStringAsync(new Uri("/Account/Login", UriKind.Relative));

        Assert.Contains("data-testid=\"demo-badge\">DEMO<", page);
        Assert.Contains("data-testid=\"demo-accounts\"", page);
        Assert.Contains(DemoUsers.Password, page);
        Assert.All(DemoUsers.All, u => Assert.Contains(u.Email, page));
    }

    [Fact]
    public async Task LoginPage_OutsideDemo_ShowsNoDemoAccounts()
    {
        using var database = new TestDatabase();
        using var factory = OutsideDemo(database, password: "Configured-Admin-Pass-1");
        using var client = factory.CreateAnonymous();

        var page = await client.GetStringAsync(new Uri("/Account/Login", UriKind.Relative));

        Assert.Contains("data-testid=\"sign-in\"", page);
        Assert.DoesNotContain("demo-badge", page);
        Assert.DoesNotContain("demo-accounts", page);
        Assert.DoesNotContain(DemoUsers.Password, page);
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LocksTheAccountOut()
    {
        using var factory = new ConsoleAppFactory();
        using var client = factory.CreateAnonymous();
        var user = DemoUsers.All.Single(u => u.Role == Roles.Lead);

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var wrong = await client.PostLoginAsync(user.Email, "Wrong-password-123");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("Invalid email or password", await wrong.Content.ReadAsStringAsync());
        }

        using var fifth = await client.PostLoginAsync(user.Email, "Wrong-password-123");
        Assert.Equal(HttpStatusCode.Redirect, fifth.StatusCode);
        Assert.EndsWith("/Account/Lockout", fifth.Headers.Location!.ToString());

        // Now even the right password is refused, and no session was started.
        using var right = await client.PostLoginAsync(user.Email, DemoUsers.Password);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.EndsWith("/Account/Lockout", right.Headers.Location!.ToString());
        using var dashboard = await client.GetAsync(new Uri("/dashboard", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.StartsWith("/Account/Login", dashboard.Headers.Location!.PathAndQuery);

        await using var db = factory.Database.CreateContext();
        var stored = await db.Users.SingleAsync(u => u.Email == user.Email);
        Assert.True(stored.LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(10), $"LockoutEnd was {stored.LockoutEnd}.");
    }

    private static ConsoleAppFactory OutsideDemo(TestDatabase database, string password)
    {
        var factory = new ConsoleAppFactory(database);
        factory.Settings["Demo:Enabled"] = "false";
        factory.Settings["Seed:AdminEmail"] = AdminEmail;
        factory.Settings["Seed:AdminPassword"] = password;
        factory.Settings["Hangfire:ServerEnabled"] = "false";
        return factory;
    }

    private static WebApplicationFactory<Program> WithLogs(ConsoleAppFactory factory, CapturedLogs logs) =>
        factory.WithWebHostBuilder(builder => builder.ConfigureLogging(logging => logging.AddProvider(logs)));

    private static async Task AssertIsAdminAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/admin/users", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<List<(string Email, string Role)>> UsersAndRolesAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var rows = await (from u in db.Users
                          join ur in db.UserRoles on u.Id equals ur.UserId into userRoles
                          from ur in userRoles.DefaultIfEmpty()
                          join r in db.Roles on ur.RoleId equals r.Id into roles
                          from r in roles.DefaultIfEmpty()
                          select new { u.Email, Role = r.Name }).ToListAsync();
        return rows.Select(x => (x.Email!, x.Role ?? "(none)")).Order().ToList();
    }
}
