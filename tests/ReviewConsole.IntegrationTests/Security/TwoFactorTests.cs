using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Identity;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Security;

public sealed class TwoFactorTests : IDisposable
{
    private const string AdminEmail = "first-admin@example.test";
    private const string AdminPassword = "First-Admin-Password-1";
    private readonly ConsoleAppFactory factory = new() { Clock = new FakeTimeProvider(DateTimeOffset.UtcNow) };

    [Fact]
    public async Task PrivilegedUserWithout2fa_OutsideDemo_IsSentToAuthenticatorSetup()
    {
        UseRealMode();
        using var client = await factory.CreateSignedInAsync(AdminEmail, AdminPassword);

        var page = await client.GetAsync(new Uri("/admin/users", UriKind.Relative));
        var setup = await client.GetAsync(new Uri("/Account/Manage/EnableAuthenticator?required=true", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/Account/Manage/EnableAuthenticator", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
        Assert.Contains("two-factor-required", await setup.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/admin/users")]
    [InlineData("POST", "/jobs/recurring/trigger")]
    [InlineData("PUT", "/admin/tokens")]
    [InlineData("DELETE", "/dashboard")]
    [InlineData("POST", "/audit/export.csv")]
    public async Task PrivilegedUserWithout2fa_OutsideDemo_EveryMethodIsHeld(string method, string path)
    {
        UseRealMode();
        using var client = await factory.CreateSignedInAsync(AdminEmail, AdminPassword);
        // A valid antiforgery token (the setup page is reachable), so nothing but the rule refuses.
        var setup = await client.GetStringAsync(new Uri(TwoFactorRequirement.SetupPath, UriKind.Relative));
        var token = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(setup, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["jobs[]"] = "heartbeat" }),
        };
        request.Headers.Add("RequestVerificationToken", token);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(TwoFactorRequirementMiddleware.RefusalText, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PrivilegedUserAfterEnabling2fa_ReachesPages_AndSignInNeedsACode()
    {
        UseRealMode();
        using var client = await factory.CreateSignedInAsync(AdminEmail, AdminPassword);
        var key = await ResetKeyAsync(AdminEmail);

        var enabled = await AccountForms.PostAsync(client, "/Account/Manage/EnableAuthenticator", "send-code", new Dictionary<string, string> { ["Input.Code"] = CodeNow(key) });
        var page = await client.GetAsync(new Uri("/admin/users", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await using var db = factory.Database.CreateContext();
        Assert.True(await db.Set<AuditEvent>().AnyAsync(e => e.Kind == AuditKinds.TwoFactorEnabled));
    }

    [Fact]
    public async Task DemoMode_PrivilegedUserWithout2fa_SeesWarningButIsNotBlocked()
    {
        using var client = await factory.CreateSignedInAsync(Roles.Lead);

        var response = await client.GetAsync(new Uri("/dashboard", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("two-factor-warning", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoMode_Reviewer_NoWarning()
    {
        using var client = await factory.CreateSignedInAsync(Roles.Reviewer);

        var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.DoesNotContain("two-factor-warning", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TotpCode_UsedOnce_RefusedTheSecondTime_NextStepAccepted()
    {
        var email = DemoUsers.All.Single(u => u.Role == Roles.Lead).Email;
        var key = await ResetKeyAsync(email);
        await EnableAsync(email);
        var code = CodeNow(key);

        using var first = factory.CreateAnonymous();
        var firstPassword = await first.PostLoginAsync(email, DemoUsers.Password);
        Assert.Contains("LoginWith2fa", firstPassword.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var firstCode = await AccountForms.PostAsync(first, firstPassword.Headers.Location!.OriginalString, "login-with-2fa", new Dictionary<string, string> { ["Input.TwoFactorCode"] = code });
        Assert.Equal(HttpStatusCode.Redirect, firstCode.StatusCode);
        Assert.DoesNotContain("LoginWith2fa", firstCode.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // An observer replays the same code in a second session within its validity window.
        using var replay = factory.CreateAnonymous();
        var replayPassword = await replay.PostLoginAsync(email, DemoUsers.Password);
        var replayed = await AccountForms.PostAsync(replay, replayPassword.Headers.Location!.OriginalString, "login-with-2fa", new Dictionary<string, string> { ["Input.TwoFactorCode"] = code });
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Contains("Invalid authenticator code", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        factory.Clock!.Advance(TimeSpan.FromSeconds(30));
        var next = await AccountForms.PostAsync(replay, replayPassword.Headers.Location!.OriginalString, "login-with-2fa", new Dictionary<string, string> { ["Input.TwoFactorCode"] = CodeNow(key) });
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        await using var db = factory.Database.CreateContext();
        var kinds = await db.Set<AuditEvent>().Where(e => e.ActorName == email).Select(e => e.Kind).ToListAsync();
        Assert.Equal(2, kinds.Count(k => k == AuditKinds.SignedIn));
        Assert.Equal(1, kinds.Count(k => k == AuditKinds.SignInFailed));
    }

    [Fact]
    public async Task VerifyTwoFactorToken_SameCodeTwice_SecondRefused()
    {
        var email = DemoUsers.All.Single(u => u.Role == Roles.Admin).Email;
        var key = await ResetKeyAsync(email);
        var code = CodeNow(key);
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        var provider = users.Options.Tokens.AuthenticatorTokenProvider;

        Assert.True(await users.VerifyTwoFactorTokenAsync(user, provider, code));
        Assert.False(await users.VerifyTwoFactorTokenAsync(user, provider, code));
        // A code of the step before the accepted one (still inside the drift window) is refused too.
        var previous = ReplayGuardedAuthenticatorTokenProvider.ComputeCode(
            ReplayGuardedAuthenticatorTokenProvider.Base32Decode(key),
            ReplayGuardedAuthenticatorTokenProvider.CurrentStep(factory.Clock!.GetUtcNow()) - 1).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(await users.VerifyTwoFactorTokenAsync(user, provider, previous));
    }

    private void UseRealMode()
    {
        factory.Settings["Demo:Enabled"] = "false";
        factory.Settings["Seed:AdminEmail"] = AdminEmail;
        factory.Settings["Seed:AdminPassword"] = AdminPassword;
    }

    private async Task<string> ResetKeyAsync(string email)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        await users.ResetAuthenticatorKeyAsync(user);
        return (await users.GetAuthenticatorKeyAsync(user))!;
    }

    private async Task EnableAsync(string email)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        await users.SetTwoFactorEnabledAsync((await users.FindByEmailAsync(email))!, true);
    }

    private string CodeNow(string key) =>
        ReplayGuardedAuthenticatorTokenProvider.ComputeCode(
            ReplayGuardedAuthenticatorTokenProvider.Base32Decode(key),
            ReplayGuardedAuthenticatorTokenProvider.CurrentStep(factory.Clock!.GetUtcNow())).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => factory.Dispose();
}
