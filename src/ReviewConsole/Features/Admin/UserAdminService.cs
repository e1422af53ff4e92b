using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Identity;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Admin;

public sealed record UserSummary(
    string Id,
    string Email,
    string DisplayName,
    IReadOnlyList<string> Roles,
    bool IsDisabled,
    bool IsLockedOut,
    bool TwoFactorEnabled,
    DateTimeOffset CreatedAt);

public sealed class InviteUserRequest
{
    [Required, EmailAddress, StringLength(256)]
    public string Email { get; set; } = "";

    [Required, StringLength(200, MinimumLength = 2)]
    public string DisplayName { get; set; } = "";

    public IReadOnlyCollection<string> Roles { get; set; } = [];
}

/// <summary>The result of an admin operation: either done, or refused with a message for the admin.</summary>
public sealed record AdminResult(bool Succeeded, string Message, string? TemporaryPassword = null)
{
    public static AdminResult Ok(string message, string? temporaryPassword = null) => new(true, message, temporaryPassword);

    public static AdminResult Refused(string message) => new(false, message);
}

/// <summary>
/// Users and roles. Every change that narrows access (roles, disabling) renews the user's security
/// stamp, so their open cookies and circuits stop validating within a minute. Each change and its
/// audit event commit in one transaction on the Identity stores' own context.
/// </summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           select new { ur.UserId, r.Name }).ToListAsync(cancellationToken);
        var rolesByUser = roles.ToLookup(x => x.UserId, x => x.Name!);
        return users.Select(u => new UserSummary(
            u.Id,
            u.Email ?? u.UserName ?? u.Id,
            u.DisplayName,
            rolesByUser[u.Id].OrderBy(r => r, StringComparer.Ordinal).ToList(),
            u.IsDisabled,
            u.LockoutEnd is { } end && end > now,
            u.TwoFactorEnabled,
            u.CreatedAt)).ToList();
    }

    public async Task<AdminResult> InviteAsync(InviteUserRequest request, StaffUser by)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        var roles = request.Roles.Distinct().ToList();
        if (roles.Count == 0)
        {
            return AdminResult.Refused("Pick at least one role.");
        }

        var unknown = roles.Except(Roles.All).ToList();
        if (unknown.Count > 0)
        {
            return AdminResult.Refused($"Unknown role: {string.Join(", ", unknown)}.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (await users.FindByEmailAsync(request.Email) is not null)
        {
            return AdminResult.Refused($"A user with the email {request.Email} already exists.");
        }

        var password = IdentitySeeder.GeneratePassword();
        var user = new AppUser
        {
            UserName = request.Email,
            Email = request.Email,
            EmailConfirmed = true,
            DisplayName = request.DisplayName.Trim(),
            CreatedAt = clock.GetUtcNow(),
        };
        var refused = await db.InTransactionAsync<AdminResult?>(
            async ct =>
            {
                var created = await users.CreateAsync(user, password);
                if (!created.Succeeded)
                {
                    return AdminResult.Refused(Describe(created));
                }

                var added = await users.AddToRolesAsync(user, roles);
                if (!added.Succeeded)
                {
                    return AdminResult.Refused(Describe(added));
                }

                await audit.AppendAsync(db, by, new AuditEntry(
                    AuditKinds.Invited, AuditTargets.User, user.Id, $"Invited {user.Email} as {string.Join(", ", roles)}",
                    AfterJson: Snapshot(user.Email, user.DisplayName, roles, disabled: false)), CancellationToken.None);
                return null;
            },
            refusal => refusal is null,
            CancellationToken.None);
        if (refused is not null)
        {
            return refused;
        }

        return AdminResult.Ok($"Invited {request.Email}.", password);
    }

    public async Task<AdminResult> SetRolesAsync(string userId, IReadOnlyCollection<string> roles, StaffUser by, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(by);
        roles = roles.Distinct(StringComparer.Ordinal).ToList();
        var unknown = roles.Except(Roles.All).ToList();
        if (unknown.Count > 0)
        {
            return AdminResult.Refused($"Unknown role: {string.Join(", ", unknown)}.");
        }

        if (userId == by.Id && !roles.Contains(Roles.Admin))
        {
            return AdminResult.Refused("You cannot remove your own Admin role; ask another Admin.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return AdminResult.Refused("That user no longer exists.");
        }

        var current = await users.GetRolesAsync(user);
        if (current.Order(StringComparer.Ordinal).SequenceEqual(roles.Order(StringComparer.Ordinal)))
        {
            return AdminResult.Ok($"Roles of {user.Email} are unchanged.");
        }

        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var refused = await db.InTransactionAsync<AdminResult?>(
            async ct =>
            {
                var removed = await users.RemoveFromRolesAsync(user, current.Except(roles));
                if (!removed.Succeeded)
                {
                    return AdminResult.Refused(Describe(removed));
                }

                var added = await users.AddToRolesAsync(user, roles.Except(current));
                if (!added.Succeeded)
                {
                    return AdminResult.Refused(Describe(added));
                }

                await users.UpdateSecurityStampAsync(user);
                await audit.AppendAsync(db, by, new AuditEntry(
                    AuditKinds.RolesChanged, AuditTargets.User, user.Id,
                    $"Roles of {user.Email}: {Describe(current)} → {Describe(roles)}",
                    reason,
                    Snapshot(user.Email, user.DisplayName, current, user.IsDisabled),
                    Snapshot(user.Email, user.DisplayName, roles, user.IsDisabled)), CancellationToken.None);
                return null;
            },
            refusal => refusal is null,
            CancellationToken.None);
        if (refused is not null)
        {
            return refused;
        }

        return AdminResult.Ok($"Roles of {user.Email} are now {(roles.Count == 0 ? "none" : string.Join(", ", roles))}.");
    }

    public async Task<AdminResult> SetDisabledAsync(string userId, bool disabled, StaffUser by, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (userId == by.Id && disabled)
        {
            return AdminResult.Refused("You cannot disable your own account.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return AdminResult.Refused("That user no longer exists.");
        }

        if (user.IsDisabled == disabled)
        {
            return AdminResult.Ok(disabled ? $"{user.Email} is already disabled." : $"{user.Email} is already enabled.");
        }

        var roles = await users.GetRolesAsync(user);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var refused = await db.InTransactionAsync<AdminResult?>(
            async ct =>
            {
                user.IsDisabled = disabled;
                var updated = await users.UpdateAsync(user);
                if (!updated.Succeeded)
                {
                    return AdminResult.Refused(Describe(updated));
                }

                await users.UpdateSecurityStampAsync(user);
                await audit.AppendAsync(db, by, new AuditEntry(
                    disabled ? AuditKinds.Disabled : AuditKinds.Enabled, AuditTargets.User, user.Id,
                    disabled ? $"Disabled {user.Email}" : $"Enabled {user.Email}",
                    reason,
                    Snapshot(user.Email, user.DisplayName, roles, !disabled),
                    Snapshot(user.Email, user.DisplayName, roles, disabled)), CancellationToken.None);
                return null;
            },
            refusal => refusal is null,
            CancellationToken.None);
        if (refused is not null)
        {
            return refused;
        }

        return AdminResult.Ok(disabled ? $"Disabled {user.Email}; their sessions end within a minute." : $"Enabled {user.Email}.");
    }

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));

    private static string Describe(IEnumerable<string> roles)
    {
        var list = roles.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }

    private static string Snapshot(string? email, string displayName, IEnumerable<string> roles, bool disabled) =>
        JsonSerializer.Serialize(new { email, displayName, roles = roles.Order(StringComparer.Ordinal).ToList(), disabled });
}
