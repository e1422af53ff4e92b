using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReviewConsole.Data.UseCases;

namespace ReviewConsole.Features.UseCases;

/// <summary>Who the application's end users are.</summary>
public enum EndUserAudience
{
    Internal,
    Businesses,
    Public,
}

public sealed record SamplePair(string Prompt, string Output);

/// <summary>The research part of a research access application.</summary>
public sealed record ResearchDetails(string Institution, string ResearchQuestion, string DataHandling, decimal RequestedCreditsUsd);

/// <summary>
/// What the developer wrote, as stored per revision. Every string here is untrusted: pages render
/// it as text only.
/// </summary>
public sealed record UseCaseContent
{
    public SubmissionKind Kind { get; init; }

    public string OrganizationId { get; init; } = "";

    public string AppId { get; init; } = "";

    public string Name { get; init; } = "";

    public string Description { get; init; } = "";

    public string Category { get; init; } = "";

    public EndUserAudience EndUsers { get; init; }

    public bool MinorsPossible { get; init; }

    public long ExpectedMonthlyTokens { get; init; }

    public IReadOnlyList<string> Models { get; init; } = [];

    public bool OutputsPublishedAutomatically { get; init; }

    public bool HumanReviewsOutputsFirst { get; init; }

    public Safeguards Safeguards { get; init; }

    public string SafeguardNotes { get; init; } = "";

    public IReadOnlyList<SamplePair> Samples { get; init; } = [];

    public string ContactName { get; init; } = "";

    public string ContactEmail { get; init; } = "";

    public ResearchDetails? Research { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static UseCaseContent FromJson(string json) =>
        JsonSerializer.Deserialize<UseCaseContent>(json, Json) ?? throw new InvalidOperationException("Empty use-case content.");

    /// <summary>The content as labelled lines, in form order: what the revision diff compares.</summary>
    public IReadOnlyList<ContentField> Fields()
    {
        var fields = new List<ContentField>
        {
            new("Kind", Kind == SubmissionKind.ResearchAccess ? "Research access" : "Application"),
            new("Organization", OrganizationId),
            new("App", AppId),
            new("Name", Name),
            new("Description", Description),
            new("Category", Category),
            new("End users", EndUsers.ToString()),
            new("Minors possible", MinorsPossible ? "Yes" : "No"),
            new("Expected monthly tokens", ExpectedMonthlyTokens.ToString("N0", CultureInfo.InvariantCulture)),
            new("Models", string.Join(", ", Models)),
            new("Outputs published automatically", OutputsPublishedAutomatically ? "Yes" : "No"),
            new("A human sees outputs first", HumanReviewsOutputsFirst ? "Yes" : "No"),
            new("Safeguards", SafeguardCatalog.Describe(Safeguards)),
            new("Safeguard notes", SafeguardNotes),
        };
        for (var i = 0; i < Samples.Count; i++)
        {
            fields.Add(new($"Sample {i + 1} prompt", Samples[i].Prompt));
            fields.Add(new($"Sample {i + 1} output", Samples[i].Output));
        }

        fields.Add(new("Contact", $"{ContactName} <{ContactEmail}>"));
        if (Research is { } r)
        {
            fields.Add(new("Institution", r.Institution));
            fields.Add(new("Research question", r.ResearchQuestion));
            fields.Add(new("Data handling", r.DataHandling));
            fields.Add(new("Requested credits (USD)", r.RequestedCreditsUsd.ToString("N2", CultureInfo.InvariantCulture)));
        }

        return fields;
    }
}

public sealed record ContentField(string Label, string Value);

/// <summary>Display names and descriptions of the safeguards.</summary>
public static class SafeguardCatalog
{
    public static readonly IReadOnlyList<Safeguards> All =
    [
        Safeguards.HumanInTheLoop,
        Safeguards.EndUserRateLimits,
        Safeguards.OutputLengthLimit,
        Safeguards.ContentFilter,
        Safeguards.EndUserIdentification,
        Safeguards.ReportingChannel,
    ];

    public static string Name(Safeguards safeguard) => safeguard switch
    {
        Safeguards.HumanInTheLoop => "Human in the loop",
        Safeguards.EndUserRateLimits => "End-user rate limits",
        Safeguards.OutputLengthLimit => "Output length limit",
        Safeguards.ContentFilter => "Content filter",
        Safeguards.EndUserIdentification => "End-user identification",
        Safeguards.ReportingChannel => "Reporting channel",
        _ => safeguard.ToString(),
    };

    /// <summary>The API's name for a safeguard (<c>human_in_the_loop</c>).</summary>
    public static string Code(Safeguards safeguard) => safeguard switch
    {
        Safeguards.HumanInTheLoop => "human_in_the_loop",
        Safeguards.EndUserRateLimits => "end_user_rate_limits",
        Safeguards.OutputLengthLimit => "output_length_limit",
        Safeguards.ContentFilter => "content_filter",
        Safeguards.EndUserIdentification => "end_user_identification",
        Safeguards.ReportingChannel => "reporting_channel",
        _ => safeguard.ToString(),
    };

    public static Safeguards? FromCode(string code) =>
        All.Cast<Safeguards?>().FirstOrDefault(s => string.Equals(Code(s!.Value), code, StringComparison.OrdinalIgnoreCase));

    public static string Describe(Safeguards set)
    {
        var names = All.Where(s => set.HasFlag(s)).Select(Name).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    public static IReadOnlyList<Safeguards> Split(Safeguards set) => All.Where(s => set.HasFlag(s)).ToList();

    public static Safeguards Combine(IEnumerable<Safeguards> items) => items.Aggregate(Safeguards.None, (a, b) => a | b);
}
