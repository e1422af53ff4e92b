using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;
using ReviewConsole.Data.UseCases;

namespace ReviewConsole.Features.UseCases;

/// <summary>
/// A submission as the intake API and the staff form send it. Everything is optional here so that
/// validation, not deserialization, explains what is missing, field by field.
/// </summary>
public sealed class UseCaseSubmissionRequest
{
    /// <summary><c>application</c> (default) or <c>research_access</c>.</summary>
    public string? Kind { get; set; }

    public string? OrganizationId { get; set; }

    public string? AppId { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    /// <summary>A guideline category key, e.g. <c>customer-support</c>.</summary>
    public string? Category { get; set; }

    /// <summary><c>internal</c>, <c>businesses</c> or <c>public</c>.</summary>
    public string? EndUsers { get; set; }

    public bool? MinorsPossible { get; set; }

    public long? ExpectedMonthlyTokens { get; set; }

    public List<string>? Models { get; set; }

    public bool? OutputsPublishedAutomatically { get; set; }

    public bool? HumanReviewsOutputsFirst { get; set; }

    /// <summary>Safeguard codes, e.g. <c>human_in_the_loop</c>.</summary>
    public List<string>? Safeguards { get; set; }

    public string? SafeguardNotes { get; set; }

    public List<SampleRequest>? Samples { get; set; }

    public ContactRequest? Contact { get; set; }

    public ResearchRequest? Research { get; set; }

    /// <summary>On a resubmission: the developer's answers to the reviewer's questions.</summary>
    public string? ResponseNote { get; set; }
}

public sealed class SampleRequest
{
    public string? Prompt { get; set; }

    public string? Output { get; set; }
}

public sealed class ContactRequest
{
    public string? Name { get; set; }

    public string? Email { get; set; }
}

public sealed class ResearchRequest
{
    public string? Institution { get; set; }

    public string? ResearchQuestion { get; set; }

    public string? DataHandling { get; set; }

    public decimal? RequestedCreditsUsd { get; set; }
}

/// <summary>The active categories validation needs: key → (is research, risk level).</summary>
public sealed record CategoryRule(int Id, string Key, string Name, bool IsResearch, RiskLevel RiskLevel);

/// <summary>Field-specific validation errors, keyed by the request's JSON path (<c>contact.email</c>, <c>samples[0].prompt</c>).</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsEmpty => errors.Count == 0;

    public IReadOnlyCollection<string> Fields => errors.Keys;

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    public string? For(string field) => errors.TryGetValue(field, out var list) ? string.Join(" ", list) : null;

    public IDictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public override string ToString() => string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}

/// <summary>Checks a request completely (every problem at once, each on its field) and builds the content.</summary>
public static partial class UseCaseRequestValidator
{
    public const int MaxSamples = 10;
    public const int MaxModels = 20;
    public const int MinDescription = 30;

    public static (UseCaseContent? Content, ValidationErrors Errors) Validate(UseCaseSubmissionRequest? request, IReadOnlyList<CategoryRule> categories)
    {
        var errors = new ValidationErrors();
        if (request is null)
        {
            errors.Add("body", "The request body is empty; send the submission as JSON.");
            return (null, errors);
        }

        var kind = SubmissionKind.Application;
        switch (request.Kind?.Trim().ToLowerInvariant())
        {
            case null or "" or "application":
                break;
            case "research_access" or "research-access" or "researchaccess":
                kind = SubmissionKind.ResearchAccess;
                break;
            default:
                errors.Add("kind", "Kind must be 'application' or 'research_access'.");
                break;
        }

        var org = ExternalId(errors, "organizationId", request.OrganizationId, "organization id");
        var app = ExternalId(errors, "appId", request.AppId, "app id");
        var name = Text(errors, "name", request.Name, "A name", 3, 200);
        var description = Text(errors, "description", request.Description, "A description", MinDescription, 5000);

        CategoryRule? category = null;
        if (string.IsNullOrWhiteSpace(request.Category))
        {
            errors.Add("category", "Choose a use-case category.");
        }
        else
        {
            category = categories.FirstOrDefault(c => string.Equals(c.Key, request.Category.Trim(), StringComparison.OrdinalIgnoreCase));
            if (category is null)
            {
                errors.Add("category", $"Unknown category '{Clip(request.Category)}'. Known categories: {string.Join(", ", categories.Select(c => c.Key))}.");
            }
            else if (category.IsResearch != (kind == SubmissionKind.ResearchAccess))
            {
                errors.Add("category", category.IsResearch
                    ? "The research access category is only for submissions of kind 'research_access'."
                    : "Research access applications must use a research category.");
            }
        }

        EndUserAudience audience = default;
        if (string.IsNullOrWhiteSpace(request.EndUsers))
        {
            errors.Add("endUsers", "Say who the end users are: internal, businesses or public.");
        }
        else if (!Enum.TryParse(request.EndUsers.Trim(), ignoreCase: true, out audience) || !Enum.IsDefined(audience) || int.TryParse(request.EndUsers, out _))
        {
            errors.Add("endUsers", "End users must be 'internal', 'businesses' or 'public'.");
        }

        if (request.MinorsPossible is null)
        {
            errors.Add("minorsPossible", "Say whether minors may use the application (true or false).");
        }

        switch (request.ExpectedMonthlyTokens)
        {
            case null:
                errors.Add("expectedMonthlyTokens", "Give the expected monthly volume in tokens.");
                break;
            case <= 0 or > 1_000_000_000_000:
                errors.Add("expectedMonthlyTokens", "The expected monthly volume must be between 1 and 1,000,000,000,000 tokens.");
                break;
        }

        var models = (request.Models ?? []).Select(m => m?.Trim() ?? "").ToList();
        if (models.Count == 0)
        {
            errors.Add("models", "List at least one model the application uses.");
        }
        else if (models.Count > MaxModels)
        {
            errors.Add("models", $"List at most {MaxModels} models.");
        }
        else
        {
            for (var i = 0; i < models.Count; i++)
            {
                if (models[i].Length is 0 or > 100)
                {
                    errors.Add($"models[{i}]", "A model name must be 1 to 100 characters.");
                }
            }
        }

        if (request.OutputsPublishedAutomatically is null)
        {
            errors.Add("outputsPublishedAutomatically", "Say whether outputs are published without a person seeing them (true or false).");
        }

        if (request.HumanReviewsOutputsFirst is null)
        {
            errors.Add("humanReviewsOutputsFirst", "Say whether a person sees each output before it is used (true or false).");
        }

        if (request.OutputsPublishedAutomatically == true && request.HumanReviewsOutputsFirst == true)
        {
            errors.Add("humanReviewsOutputsFirst", "Outputs cannot both be published automatically and be seen by a person first; choose one.");
        }

        var safeguards = Safeguards.None;
        for (var i = 0; i < (request.Safeguards?.Count ?? 0); i++)
        {
            var code = request.Safeguards![i];
            if (SafeguardCatalog.FromCode(code ?? "") is { } safeguard)
            {
                safeguards |= safeguard;
            }
            else
            {
                errors.Add($"safeguards[{i}]", $"Unknown safeguard '{Clip(code)}'. Known: {string.Join(", ", SafeguardCatalog.All.Select(SafeguardCatalog.Code))}.");
            }
        }

        var notes = request.SafeguardNotes?.Trim() ?? "";
        if (notes.Length > 2000)
        {
            errors.Add("safeguardNotes", "Safeguard notes must be at most 2000 characters.");
        }

        var samples = new List<SamplePair>();
        var requestSamples = request.Samples ?? [];
        if (requestSamples.Count == 0)
        {
            errors.Add("samples", "Include at least one sample prompt with its output.");
        }
        else if (requestSamples.Count > MaxSamples)
        {
            errors.Add("samples", $"Include at most {MaxSamples} samples.");
        }
        else
        {
            for (var i = 0; i < requestSamples.Count; i++)
            {
                var prompt = Text(errors, $"samples[{i}].prompt", requestSamples[i]?.Prompt, "A sample prompt", 1, 4000);
                var output = Text(errors, $"samples[{i}].output", requestSamples[i]?.Output, "A sample output", 1, 4000);
                samples.Add(new SamplePair(prompt, output));
            }
        }

        var contactName = Text(errors, "contact.name", request.Contact?.Name, "A contact name", 2, 200);
        var contactEmail = request.Contact?.Email?.Trim() ?? "";
        if (contactEmail.Length == 0)
        {
            errors.Add("contact.email", "A contact email is required.");
        }
        else if (contactEmail.Length > 256 || !new EmailAddressAttribute().IsValid(contactEmail) || !EmailShape().IsMatch(contactEmail))
        {
            errors.Add("contact.email", $"'{Clip(contactEmail)}' is not a valid email address.");
        }

        ResearchDetails? research = null;
        if (kind == SubmissionKind.ResearchAccess)
        {
            var r = request.Research;
            if (r is null)
            {
                errors.Add("research", "Research access applications need the research details: institution, research question, data handling and requested credits.");
            }
            else
            {
                var institution = Text(errors, "research.institution", r.Institution, "The institution", 2, 200);
                var question = Text(errors, "research.researchQuestion", r.ResearchQuestion, "The research question", MinDescription, 4000);
                var handling = Text(errors, "research.dataHandling", r.DataHandling, "The data handling plan", MinDescription, 4000);
                switch (r.RequestedCreditsUsd)
                {
                    case null:
                        errors.Add("research.requestedCreditsUsd", "Give the requested credits in USD.");
                        break;
                    case <= 0 or > 1_000_000:
                        errors.Add("research.requestedCreditsUsd", "Requested credits must be more than 0 and at most 1,000,000 USD.");
                        break;
                }

                research = new ResearchDetails(institution, question, handling, decimal.Round(r.RequestedCreditsUsd ?? 0, 2));
            }
        }
        else if (request.Research is not null)
        {
            errors.Add("research", "Research details belong to submissions of kind 'research_access'.");
        }

        if (request.ResponseNote is { Length: > 4000 })
        {
            errors.Add("responseNote", "The response note must be at most 4000 characters.");
        }

        if (!errors.IsEmpty)
        {
            return (null, errors);
        }

        return (new UseCaseContent
        {
            Kind = kind,
            OrganizationId = org,
            AppId = app,
            Name = name,
            Description = description,
            Category = category!.Key,
            EndUsers = audience,
            MinorsPossible = request.MinorsPossible!.Value,
            ExpectedMonthlyTokens = request.ExpectedMonthlyTokens!.Value,
            Models = models,
            OutputsPublishedAutomatically = request.OutputsPublishedAutomatically!.Value,
            HumanReviewsOutputsFirst = request.HumanReviewsOutputsFirst!.Value,
            Safeguards = safeguards,
            SafeguardNotes = notes,
            Samples = samples,
            ContactName = contactName,
            ContactEmail = contactEmail,
            Research = research,
        }, errors);
    }

    /// <summary>The request that reproduces <paramref name="content"/> (to prefill a resubmission).</summary>
    public static UseCaseSubmissionRequest ToRequest(UseCaseContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new UseCaseSubmissionRequest
        {
            Kind = content.Kind == SubmissionKind.ResearchAccess ? "research_access" : "application",
            OrganizationId = content.OrganizationId,
            AppId = content.AppId,
            Name = content.Name,
            Description = content.Description,
            Category = content.Category,
            EndUsers = content.EndUsers.ToString().ToLowerInvariant(),
            MinorsPossible = content.MinorsPossible,
            ExpectedMonthlyTokens = content.ExpectedMonthlyTokens,
            Models = [.. content.Models],
            OutputsPublishedAutomatically = content.OutputsPublishedAutomatically,
            HumanReviewsOutputsFirst = content.HumanReviewsOutputsFirst,
            Safeguards = SafeguardCatalog.Split(content.Safeguards).Select(SafeguardCatalog.Code).ToList(),
            SafeguardNotes = content.SafeguardNotes,
            Samples = content.Samples.Select(s => new SampleRequest { Prompt = s.Prompt, Output = s.Output }).ToList(),
            Contact = new ContactRequest { Name = content.ContactName, Email = content.ContactEmail },
            Research = content.Research is { } r
                ? new ResearchRequest { Institution = r.Institution, ResearchQuestion = r.ResearchQuestion, DataHandling = r.DataHandling, RequestedCreditsUsd = r.RequestedCreditsUsd }
                : null,
        };
    }

    private static string ExternalId(ValidationErrors errors, string field, string? value, string what)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            errors.Add(field, $"The {what} is required.");
        }
        else if (trimmed.Length > 100 || !ExternalIdShape().IsMatch(trimmed))
        {
            errors.Add(field, $"The {what} must be 1 to 100 letters, digits, '_', '-', '.' or ':'.");
        }

        return trimmed;
    }

    private static string Text(ValidationErrors errors, string field, string? value, string what, int min, int max)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            errors.Add(field, $"{what} is required.");
        }
        else if (trimmed.Length < min)
        {
            errors.Add(field, $"{what} must be at least {min.ToString(CultureInfo.InvariantCulture)} characters.");
        }
        else if (trimmed.Length > max)
        {
            errors.Add(field, $"{what} must be at most {max.ToString(CultureInfo.InvariantCulture)} characters.");
        }
        else if (trimmed.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            errors.Add(field, $"{what} contains control characters.");
        }

        return trimmed;
    }

    private static string Clip(string? value) => value is null ? "" : value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex("^[A-Za-z0-9_.:-]+$")]
    private static partial Regex ExternalIdShape();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailShape();
}
