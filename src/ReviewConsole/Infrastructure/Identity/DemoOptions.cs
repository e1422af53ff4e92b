using Microsoft.Extensions.Options;

namespace ReviewConsole.Infrastructure.Identity;

public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Seed one user per role (credentials shown on the sign-in page) and run the demo feed.</summary>
    public bool Enabled { get; set; }
}

public sealed class SeedOptions
{
    public const string SectionName = "Seed";

    [System.ComponentModel.DataAnnotations.EmailAddress]
    public string AdminEmail { get; set; } = "admin@reviewconsole.local";

    /// <summary>Password of the first Admin outside demo mode; empty = generate one and log it once.</summary>
    public string? AdminPassword { get; set; }
}

[OptionsValidator]
public sealed partial class SeedOptionsValidator : IValidateOptions<SeedOptions>;

/// <summary>The demo accounts: one per role. Demo mode only; the sign-in page lists them.</summary>
public static class DemoUsers
{
    public const string Password = "Demo-Review-2026!";

    public static readonly IReadOnlyList<DemoUser> All =
    [
        new("reviewer@demo.local", "Riley Reviewer", Roles.Reviewer),
        new("usecases@demo.local", "Uma UseCaseReviewer", Roles.UseCaseReviewer),
        new("incidents@demo.local", "Ines IncidentResponder", Roles.IncidentResponder),
        new("lead@demo.local", "Lee Lead", Roles.Lead),
        new("admin@demo.local", "Ada Admin", Roles.Admin),
        new("auditor@demo.local", "Audrey Auditor", Roles.Auditor),
    ];
}

public sealed record DemoUser(string Email, string DisplayName, string Role);
