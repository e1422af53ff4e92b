using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using ReviewConsole.Components.Account;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Infrastructure.Web;

/// <summary>Razor components, MudBlazor and the HTTP pipeline around them, with its hardening:
/// security headers, rate limits, antiforgery and the two-factor requirement.</summary>
public static class WebShellSetup
{
    /// <summary>
    /// No inline script anywhere (app.js and the framework's files are all served from 'self');
    /// inline styles are allowed because MudBlazor positions popovers and sets theme variables with
    /// style attributes. connect-src is 'self' only: CSP Level 3 lets 'self' match the same host's
    /// ws:/wss: (the Blazor circuit), so no other host can be reached from a page, which the
    /// browser tests check by running circuits under this policy. The same policy covers the Hangfire
    /// dashboard at /jobs: checked for Hangfire 1.8 (its pages load scripts from files and use only
    /// inline style attributes), and the browser tests visit it under this policy, so no exemption.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    public static WebApplicationBuilder AddWebShell(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents();
        builder.Services.AddMudServices(config =>
        {
            config.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            config.SnackbarConfiguration.PreventDuplicates = true;
        });
        builder.Services.AddHttpContextAccessor();

        builder.Services.AddOptionsWithValidateOnStart<SecurityOptions>().Bind(builder.Configuration.GetSection(SecurityOptions.SectionName));
        builder.Services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        builder.Services.AddSingleton<TwoFactorRequirement>();
        var production = builder.Environment.IsProduction();
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "ReviewConsole.Antiforgery";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = production ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        });
        builder.Services.AddConsoleRateLimiting();
        return builder;
    }

    public static WebApplication UseWebShell(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }

        app.UseSecurityHeaders();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        // Authentication before the limiter: exports are limited per user, API calls per token id.
        app.UseAuthentication();
        app.UseMiddleware<ApiCallerMiddleware>();
        app.UseRateLimiter();
        app.UseMiddleware<TwoFactorRequirementMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapWebShell<TApp>(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<TApp>()
            .AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
        return app;
    }

    private static void UseSecurityHeaders(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            await next(context);
        });
    }
}
