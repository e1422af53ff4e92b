using System.Globalization;
using System.Text;
using ReviewConsole.Data.UseCases;

namespace ReviewConsole.Features.UseCases;

public sealed record UseCaseNotice(string Subject, string Message);

/// <summary>The words the developer receives for a decision: what was decided, why, and what to do next.</summary>
public static class UseCaseNotices
{
    /// <summary>The template name use-case decision notices carry (composed here from the decision).</summary>
    public const string TemplateKey = "use-case-decision";

    public static IReadOnlyList<string> SplitQuestions(string questions) =>
        questions.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static UseCaseNotice Compose(long submissionId, string name, UseCaseDecisionKind kind, string reason, string questions, UseCaseConditions? conditions, string guidelineName, string clause, decimal? researchCreditsUsd = null)
    {
        var text = new StringBuilder();
        string subject;
        switch (kind)
        {
            case UseCaseDecisionKind.Approve:
                subject = $"Use case {submissionId} approved: {name}";
                text.AppendLine(CultureInfo.InvariantCulture, $"Your use case '{name}' is approved under the '{guidelineName}' guidelines ({clause}). You can launch it as described.");
                break;
            case UseCaseDecisionKind.ApproveWithConditions:
                subject = $"Use case {submissionId} approved with conditions: {name}";
                text.AppendLine(CultureInfo.InvariantCulture, $"Your use case '{name}' is approved under the '{guidelineName}' guidelines ({clause}) with these conditions, which the platform now enforces:");
                foreach (var line in conditions?.Describe() ?? [])
                {
                    text.AppendLine("- " + line);
                }

                break;
            case UseCaseDecisionKind.RequestChanges:
                subject = $"Changes requested for use case {submissionId}: {name}";
                text.AppendLine(CultureInfo.InvariantCulture, $"Before we can decide on '{name}', please answer these questions and resubmit (PUT /api/v1/use-cases/{submissionId}):");
                foreach (var question in SplitQuestions(questions))
                {
                    text.AppendLine("- " + question);
                }

                break;
            case UseCaseDecisionKind.Reject:
                subject = $"Use case {submissionId} not approved: {name}";
                text.AppendLine(CultureInfo.InvariantCulture, $"Your use case '{name}' is not approved. Guideline cited: '{guidelineName}', clause {clause}.");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        if (researchCreditsUsd is { } credits && kind is UseCaseDecisionKind.Approve or UseCaseDecisionKind.ApproveWithConditions)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Subsidized research credits granted: {credits:N2} USD.");
        }

        if (!string.IsNullOrWhiteSpace(reason))
        {
            text.AppendLine().Append("Reviewer's note: ").AppendLine(reason.Trim());
        }

        return new UseCaseNotice(subject, text.ToString().TrimEnd());
    }
}
