namespace ReviewConsole.Infrastructure.Identity;

/// <summary>The staff roles of the console (DESIGN.md, "Roles").</summary>
public static class Roles
{
    public const string Reviewer = nameof(Reviewer);
    public const string UseCaseReviewer = nameof(UseCaseReviewer);
    public const string IncidentResponder = nameof(IncidentResponder);
    public const string Lead = nameof(Lead);
    public const string Admin = nameof(Admin);
    public const string Auditor = nameof(Auditor);

    public static readonly IReadOnlyList<string> All = [Reviewer, UseCaseReviewer, IncidentResponder, Lead, Admin, Auditor];
}
