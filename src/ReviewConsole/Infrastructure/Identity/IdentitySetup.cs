using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Components.Account;
using ReviewConsole.Data;
using ReviewConsole.Data.Identity;

namespace ReviewConsole.Infrastructure.Identity;

public static class IdentitySetup
{
    public static WebApplicationBuilder AddIdentityAndAccess(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptionsWithValidateOnStart<DemoOptions>().Bind(builder.Configuration.GetSection(DemoOptions.SectionName));
        services.AddOptionsWithValidateOnStart<SeedOptions>().Bind(builder.Configuration.GetSection(SeedOptions.SectionName));
        services.AddSingleton<IValidateOptions<SeedOptions>, SeedOptionsValidator>();

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/Account/Login";
            cookie.LogoutPath = "/Account/Logout";
            cookie.AccessDeniedPath = "/Account/AccessDenied";
            cookie.Cookie.Name = "ReviewConsole.Auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            // Production is served over TLS (possibly behind a proxy): the cookie never travels in clear.
            cookie.Cookie.SecurePolicy = builder.Environment.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(10);
            cookie.SlidingExpiration = true;
        });

        // Role changes and disabling take effect on open sessions within a minute: the cookie's
        // security stamp is re-checked this often (the circuit re-checks on its own interval).
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromSeconds(30));
        services.Configure<PasswordHasherOptions>(o => o.IterationCount = 210_000);

        services.AddIdentityCore<AppUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Password.RequiredLength = 12;
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version2;
                options.Tokens.AuthenticatorTokenProvider = ReplayGuardedAuthenticatorTokenProvider.ProviderName;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager<DisabledAwareSignInManager>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<ReplayGuardedAuthenticatorTokenProvider>(ReplayGuardedAuthenticatorTokenProvider.ProviderName);

        services.AddDataProtection()
            .SetApplicationName("ReviewConsole")
            .PersistKeysToDbContext<AppDbContext>();

        services.AddAuthorization(Policies.Register);
        services.AddScoped<IdentitySeeder>();
        services.AddScoped<AccountChangeAudit>();
        return builder;
    }

    /// <summary>Seeds roles and users. Several nodes starting together race to create the same
    /// rows; the loser hits a unique index and simply tries again in a fresh scope (its context
    /// still tracks the failed insert), by then seeing the winner's rows.</summary>
    public static async Task SeedIdentityAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        const int attempts = 20;
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().SeedAsync();
                return;
            }
            catch (Exception e) when (attempt < attempts && e is DbUpdateException or InvalidOperationException)
            {
                app.Logger.LogInformation(e, "Identity seeding raced another node (attempt {Attempt}); trying again.", attempt);
                // Jittered, so two nodes do not race each other in lockstep through every row.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(50, 500)));
            }
        }
    }
}
