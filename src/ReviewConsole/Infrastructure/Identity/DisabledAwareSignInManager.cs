using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Identity;
using ReviewConsole.Features.Audit;

namespace ReviewConsole.Infrastructure.Identity;

/// <summary>
/// A disabled account cannot sign in, and a cookie issued before it was disabled stops validating
/// (the security stamp is changed when an Admin disables it). Every sign-in outcome — success,
/// failure, lockout — is audited here, so no sign-in page can forget it.
/// </summary>
public sealed class DisabledAwareSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation,
    IDbContextFactory<AppDbContext> dbFactory,
    AuditLog audit)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(AppUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return !user.IsDisabled && await base.CanSignInAsync(user);
    }

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            await RecordAsync(new StaffUser("anonymous", Truncate(userName)), AuditKinds.SignInFailed, Truncate(userName), $"Sign-in failed for unknown account {Truncate(userName)}", "unknown account", "password");
            return SignInResult.Failed;
        }

        return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
    }

    public override async Task<SignInResult> PasswordSignInAsync(AppUser user, string password, bool isPersistent, bool lockoutOnFailure)
    {
        ArgumentNullException.ThrowIfNull(user);
        var result = await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        // RequiresTwoFactor is not an outcome yet: the second step records it.
        if (!result.RequiresTwoFactor)
        {
            await RecordAsync(user, result, "password");
        }

        return result;
    }

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient);
        if (user is not null)
        {
            await RecordAsync(user, result, "password+authenticator");
        }

        return result;
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        if (user is not null)
        {
            await RecordAsync(user, result, "password+recovery-code");
        }

        return result;
    }

    public override async Task SignOutAsync()
    {
        var principal = Context.User;
        await base.SignOutAsync();
        if (principal.Identity?.IsAuthenticated == true && principal.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier) is { } id)
        {
            var by = StaffUser.From(principal);
            await RecordAsync(by, AuditKinds.SignedOut, id.Value, $"{by.Name} signed out", null, null);
        }
    }

    private Task RecordAsync(AppUser user, SignInResult result, string method)
    {
        var actor = new StaffUser(user.Id, user.UserName ?? user.Id);
        var name = actor.Name;
        if (result.Succeeded)
        {
            return RecordAsync(actor, AuditKinds.SignedIn, user.Id, $"{name} signed in ({method})", null, method);
        }

        if (result.IsLockedOut)
        {
            return RecordAsync(actor, AuditKinds.LockedOut, user.Id, $"{name} is locked out after repeated failed sign-ins", "locked out", method);
        }

        var reason = result.IsNotAllowed ? (user.IsDisabled ? "account disabled" : "sign-in not allowed") : "wrong credentials";
        return RecordAsync(actor, AuditKinds.SignInFailed, user.Id, $"Sign-in failed for {name}: {reason}", reason, method);
    }

    private async Task RecordAsync(StaffUser actor, string kind, string targetId, string summary, string? reason, string? method)
    {
        var after = JsonSerializer.Serialize(new
        {
            method,
            ip = Context.Connection.RemoteIpAddress?.ToString(),
            userAgent = Truncate(Context.Request.Headers.UserAgent.ToString(), 200),
        });
        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        await audit.AppendAsync(db, actor, new AuditEntry(kind, AuditTargets.User, targetId, summary, reason, AfterJson: after), CancellationToken.None);
    }

    private static string Truncate(string? value, int max = 100) =>
        string.IsNullOrEmpty(value) ? "" : value.Length <= max ? value : value[..max];
}
