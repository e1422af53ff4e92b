using System.Security.Claims;
using MudBlazor;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.UseCases;

/// <summary>Who may act (not just read) in the use-case area, and shared display helpers.</summary>
public static class UseCaseAccess
{
    /// <summary>UseCaseReviewers, Leads and Admins decide and submit on behalf; Auditors only read.</summary>
    public static readonly IReadOnlyList<string> Deciders = [Roles.UseCaseReviewer, Roles.Lead, Roles.Admin];

    public static bool CanDecide(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Deciders.Any(user.IsInRole);
    }

    public static Color RiskColor(RiskLevel risk) => risk switch
    {
        RiskLevel.Allowed => Color.Success,
        RiskLevel.NeedsReview => Color.Info,
        RiskLevel.HighRisk => Color.Warning,
        _ => Color.Error,
    };

    public static string RiskLabel(RiskLevel risk) => risk switch
    {
        RiskLevel.NeedsReview => "Needs review",
        RiskLevel.HighRisk => "High risk",
        _ => risk.ToString(),
    };

    public static Color StateColor(SubmissionState state) => state switch
    {
        SubmissionState.Submitted => Color.Info,
        SubmissionState.ReReview => Color.Warning,
        SubmissionState.ChangesRequested => Color.Secondary,
        SubmissionState.Approved or SubmissionState.ApprovedWithConditions => Color.Success,
        _ => Color.Error,
    };

    public static string ReasonLabel(QueueReason reason) => reason switch
    {
        QueueReason.New => "New",
        QueueReason.Resubmitted => "Resubmitted",
        QueueReason.ScheduledReReview => "Scheduled re-review",
        QueueReason.Drift => "Drift",
        QueueReason.NextTierProposed => "Next tier proposed",
        QueueReason.FlagSpike => "Flag spike",
        _ => reason.ToString(),
    };

    public static string DecisionLabel(UseCaseDecisionKind kind) => kind switch
    {
        UseCaseDecisionKind.Approve => "Approve",
        UseCaseDecisionKind.ApproveWithConditions => "Approve with conditions",
        UseCaseDecisionKind.RequestChanges => "Request changes",
        UseCaseDecisionKind.Reject => "Reject",
        _ => kind.ToString(),
    };
}
