using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.UseCases;

namespace ReviewConsole.Tests.UseCases;

public sealed class UseCaseRequestValidatorTests
{
    private static readonly IReadOnlyList<CategoryRule> Categories =
    [
        new(1, "customer-support", "Customer support", false, RiskLevel.Allowed),
        new(2, "medical-information", "Medical information", false, RiskLevel.HighRisk),
        new(3, "research-access", "Research access", true, RiskLevel.NeedsReview),
    ];

    public static TheoryData<string, Action<UseCaseSubmissionRequest>, string> Corpus => new()
    {
        { "missing org", r => r.OrganizationId = null, "organizationId" },
        { "org with spaces", r => r.OrganizationId = "org acme", "organizationId" },
        { "blank app", r => r.AppId = "  ", "appId" },
        { "short name", r => r.Name = "AI", "name" },
        { "short description", r => r.Description = "A bot.", "description" },
        { "huge description", r => r.Description = new string('x', 5001), "description" },
        { "unknown category", r => r.Category = "crypto-pumping", "category" },
        { "research category for an application", r => r.Category = "research-access", "category" },
        { "no end users", r => r.EndUsers = null, "endUsers" },
        { "bad end users", r => r.EndUsers = "aliens", "endUsers" },
        { "numeric end users", r => r.EndUsers = "2", "endUsers" },
        { "minors unanswered", r => r.MinorsPossible = null, "minorsPossible" },
        { "no volume", r => r.ExpectedMonthlyTokens = null, "expectedMonthlyTokens" },
        { "negative volume", r => r.ExpectedMonthlyTokens = -5, "expectedMonthlyTokens" },
        { "no models", r => r.Models = [], "models" },
        { "blank model", r => r.Models = ["rc-large", " "], "models[1]" },
        { "publishing unanswered", r => r.OutputsPublishedAutomatically = null, "outputsPublishedAutomatically" },
        { "human review unanswered", r => r.HumanReviewsOutputsFirst = null, "humanReviewsOutputsFirst" },
        { "published and reviewed", r => { r.OutputsPublishedAutomatically = true; r.HumanReviewsOutputsFirst = true; }, "humanReviewsOutputsFirst" },
        { "unknown safeguard", r => r.Safeguards = ["content_filter", "prayer"], "safeguards[1]" },
        { "no samples", r => r.Samples = [], "samples" },
        { "sample without output", r => r.Samples = [new SampleRequest { Prompt = "Hi", Output = "" }], "samples[0].output" },
        { "too many samples", r => r.Samples = Enumerable.Range(0, 11).Select(_ => new SampleRequest { Prompt = "p", Output = "o" }).ToList(), "samples" },
        { "no contact", r => r.Contact = null, "contact.email" },
        { "bad email", r => r.Contact = new ContactRequest { Name = "Jo Dev", Email = "jo at acme" }, "contact.email" },
        { "control characters", r => r.Name = "Help\u0007Desk", "name" },
        { "bad kind", r => r.Kind = "plugin", "kind" },
        { "research details on an application", r => r.Research = new ResearchRequest { Institution = "MIT" }, "research" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Validate_InvalidField_ReportsThatField(string because, Action<UseCaseSubmissionRequest> spoil, string field)
    {
        var request = UseCaseTestHost.ValidRequest();
        spoil(request);

        var (content, errors) = UseCaseRequestValidator.Validate(request, Categories);

        Assert.Null(content);
        Assert.True(errors.For(field) is { Length: > 0 }, $"{because}: expected an error on '{field}', got {errors}");
    }

    [Fact]
    public void Validate_ValidRequest_BuildsTrimmedContent()
    {
        var request = UseCaseTestHost.ValidRequest();
        request.Name = "  HelpDesk Copilot  ";
        request.Category = "CUSTOMER-SUPPORT";

        var (content, errors) = UseCaseRequestValidator.Validate(request, Categories);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal("HelpDesk Copilot", content!.Name);
        Assert.Equal("customer-support", content.Category);
        Assert.Equal(Safeguards.ContentFilter | Safeguards.ReportingChannel, content.Safeguards);
        Assert.Equal(EndUserAudience.Businesses, content.EndUsers);
    }

    [Fact]
    public void Validate_EmptyRequest_ReportsEveryRequiredFieldAtOnce()
    {
        var (_, errors) = UseCaseRequestValidator.Validate(new UseCaseSubmissionRequest(), Categories);

        foreach (var field in new[] { "organizationId", "appId", "name", "description", "category", "endUsers", "minorsPossible", "expectedMonthlyTokens", "models", "samples", "contact.name", "contact.email" })
        {
            Assert.Contains(field, errors.Fields);
        }
    }

    [Fact]
    public void Validate_ResearchWithoutDetails_AsksForThem()
    {
        var request = UseCaseTestHost.ValidRequest("research-access");
        request.Kind = "research_access";

        var (_, errors) = UseCaseRequestValidator.Validate(request, Categories);

        Assert.Contains("research", errors.Fields);
    }

    [Fact]
    public void Validate_ResearchWithBadCredits_ReportsCredits()
    {
        var request = UseCaseTestHost.ValidRequest("research-access");
        request.Kind = "research_access";
        request.Research = new ResearchRequest
        {
            Institution = "University of Tübingen",
            ResearchQuestion = "How does gender bias vary across languages with grammatical gender?",
            DataHandling = "Synthetic prompts only, aggregated results, no personal data kept.",
            RequestedCreditsUsd = 0,
        };

        var (content, errors) = UseCaseRequestValidator.Validate(request, Categories);

        Assert.Null(content);
        Assert.Equal(["research.requestedCreditsUsd"], errors.Fields);
    }

    [Fact]
    public void ToRequest_RoundTrip_ReproducesTheContent()
    {
        var (content, _) = UseCaseRequestValidator.Validate(UseCaseTestHost.ValidRequest(), Categories);

        var (again, errors) = UseCaseRequestValidator.Validate(UseCaseRequestValidator.ToRequest(content!), Categories);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(content!.ToJson(), again!.ToJson());
    }
}
