using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ReviewConsole.Data.Identity;

namespace ReviewConsole.Infrastructure.Identity;

/// <summary>
/// Creates the roles, and either the demo users (demo mode) or the first Admin. The first Admin's
/// password comes from configuration or is generated and logged exactly once, when the account is
/// created; there is no fixed default.
/// </summary>
public sealed class IdentitySeeder(
    UserManager<AppUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<DemoOptions> demo,
    IOptions<SeedOptions> seed,
    TimeProvider clock,
    ILogger<IdentitySeeder> logger)
{
    public async Task SeedAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");
            }
        }

        if (demo.Value.Enabled)
        {
            foreach (var demoUser in DemoUsers.All)
            {
                await EnsureUserAsync(demoUser.Email, demoUser.DisplayName, DemoUsers.Password, demoUser.Role);
            }

            return;
        }

        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0)
        {
            return;
        }

        var password = seed.Value.AdminPassword;
        var generated = string.IsNullOrEmpty(password);
        if (generated)
        {
            password = GeneratePassword();
        }

        if (await EnsureUserAsync(seed.Value.AdminEmail, "Administrator", password!, Roles.Admin) && generated)
        {
            logger.LogWarning(
                "Created the first Admin {Email} with the generated password {Password}. It is shown only this once: sign in and change it.",
                seed.Value.AdminEmail,
                password);
        }
    }

    public static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 20);
        return new string(chars) + "-7a!";
    }

    private async Task<bool> EnsureUserAsync(string email, string displayName, string password, string role)
    {
        if (await users.FindByEmailAsync(email) is not null)
        {
            return false;
        }

        var user = new AppUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName,
            CreatedAt = clock.GetUtcNow(),
        };
        Check(await users.CreateAsync(user, password), $"create user {email}");
        Check(await users.AddToRoleAsync(user, role), $"add {email} to {role}");
        return true;
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}
