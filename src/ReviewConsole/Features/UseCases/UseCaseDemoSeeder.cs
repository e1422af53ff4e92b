using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.UseCases;

/// <summary>Seeds the default guidelines always, and in demo mode a handful of submissions in
/// different states, through the real services (so they carry revisions, decisions and audit).</summary>
public sealed class UseCasesSeedHostedService(GuidelineService guidelines, UseCaseDemoSeeder demo, IOptions<DemoOptions> demoOptions) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await guidelines.SeedDefaultsAsync(cancellationToken);
        if (demoOptions.Value.Enabled)
        {
            await demo.SeedAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class UseCaseDemoSeeder(IDbContextFactory<AppDbContext> dbFactory, UseCaseIntakeService intake, UseCaseReviewService review, TimeProvider clock)
{
    private static readonly StaffUser IntakeDesk = new("seed:intake", "Intake desk (demo)");
    private static readonly StaffUser Reviewer = new("seed:usecases", "Uma UseCaseReviewer");

    /// <summary>Idempotent: does nothing once any submission exists.</summary>
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Set<UseCaseSubmission>().AnyAsync(cancellationToken))
            {
                return;
            }
        }

        var submitter = Submitter.Staff(IntakeDesk);
        await SubmitAsync(Request("org_acme", "app_helpdesk", "HelpDesk Copilot", "customer-support",
            "Answers shoppers' questions about orders, returns and delivery times in the Acme Retail web chat, using our order database as context.",
            "businesses", minors: false, tokens: 8_000_000, published: false, human: false, ["content_filter", "reporting_channel", "end_user_rate_limits"],
            ("Where is my order 1182?", "Order 1182 shipped on Tuesday with DHL; the tracking number is in your confirmation email.")), submitter, cancellationToken);

        await SubmitAsync(Request("org_brightpath", "app_studybuddy", "StudyBuddy", "education-tutoring",
            "Step-by-step maths and science explanations for secondary school pupils preparing for exams; pupils type a question and get a worked explanation.",
            "public", minors: true, tokens: 30_000_000, published: false, human: false, ["content_filter"],
            ("Explain how to solve 2x + 3 = 11", "Subtract 3 from both sides to get 2x = 8, then divide by 2: x = 4.")), submitter, cancellationToken);

        var clinic = await SubmitAsync(Request("org_medix", "app_clinicnotes", "ClinicNotes Assistant", "medical-information",
            "Drafts plain-language after-visit summaries for patients from the clinician's notes, including medication instructions.",
            "public", minors: false, tokens: 12_000_000, published: true, human: false, ["content_filter"],
            ("Summarise: pt w/ HTN, start lisinopril 10mg qd", "You have high blood pressure. Take one 10 mg lisinopril tablet every morning.")), submitter, cancellationToken);
        if (clinic is { } clinicId)
        {
            await DecideAsync(clinicId, UseCaseDecisionKind.RequestChanges, "Medical instructions reach patients without review.",
                "Who reviews each summary before the patient receives it?\nHow can a patient report a wrong or harmful summary?", null, cancellationToken);
            var revised = Request("org_medix", "app_clinicnotes", "ClinicNotes Assistant", "medical-information",
                "Drafts plain-language after-visit summaries for patients from the clinician's notes. The clinician reviews and signs every summary before it is sent.",
                "public", minors: false, tokens: 12_000_000, published: false, human: true, ["content_filter", "human_in_the_loop", "reporting_channel"],
                ("Summarise: pt w/ HTN, start lisinopril 10mg qd", "You have high blood pressure. Take one 10 mg lisinopril tablet every morning."));
            revised.ResponseNote = "The treating clinician approves every summary in our EHR before release; patients can flag a summary from the portal.";
            await intake.ResubmitAsync(clinicId, revised, submitter, cancellationToken);
        }

        var posts = await SubmitAsync(Request("org_socialspark", "app_postpilot", "PostPilot", "social-media-content",
            "Suggests captions and replies for small businesses' Instagram and LinkedIn accounts; each business owner edits and posts them from our dashboard.",
            "businesses", minors: false, tokens: 40_000_000, published: false, human: true, ["end_user_rate_limits", "end_user_identification", "content_filter"],
            ("Caption for our new sourdough loaf", "Fresh from the oven: our 48-hour sourdough is back. Grab a loaf before noon!")), submitter, cancellationToken);
        if (posts is { } postsId)
        {
            await DecideAsync(postsId, UseCaseDecisionKind.ApproveWithConditions, "Start as a pilot while we watch for bulk posting.", "",
                UseCaseConditions.FromTier(QuotaTiers.All[0]) with { MaxOutputTokens = 400, ReReviewAt = clock.GetUtcNow().AddDays(60) }, cancellationToken);
        }

        var campaign = await SubmitAsync(Request("org_votewave", "app_campaignpulse", "Campaign Pulse", "political-campaigning",
            "Generates personalised get-out-the-vote messages for a candidate's campaign, tailored to each voter's profile and sent by SMS.",
            "public", minors: false, tokens: 90_000_000, published: true, human: false, ["end_user_rate_limits"],
            ("Message for a 34-year-old renter in district 5", "Rents are rising. On Nov 3, vote for the candidate who will cap them.")), submitter, cancellationToken);
        if (campaign is { } campaignId)
        {
            await DecideAsync(campaignId, UseCaseDecisionKind.Reject, "Targeted political persuasion is not allowed on the platform, whatever the safeguards.", "", null, cancellationToken);
        }

        var research = Request("org_uni_tuebingen", "app_biasaudit", "Bias Audit Lab", "research-access",
            "Measures occupational gender bias in model completions across 40 languages, to publish an open benchmark.",
            "internal", minors: false, tokens: 50_000_000, published: false, human: true, [],
            ("Complete: The nurse said that", "The nurse said that she would be back with the results shortly."));
        research.Kind = "research_access";
        research.Research = new ResearchRequest
        {
            Institution = "University of Tübingen, AI Fairness Group",
            ResearchQuestion = "How does occupational gender bias in completions vary across languages with and without grammatical gender?",
            DataHandling = "Only synthetic prompts; completions are stored on university servers and published in aggregate; no personal data is collected.",
            RequestedCreditsUsd = 8_000,
        };
        await SubmitAsync(research, submitter, cancellationToken);

        await SubmitAsync(Request("org_nova", "app_novacompanion", "Nova Companion", "companionship-roleplay",
            "A friendly AI companion character that chats with adults about their day and remembers past conversations.",
            "public", minors: true, tokens: 150_000_000, published: true, human: false, ["content_filter"],
            ("I had a rough day", "I'm sorry to hear that. Do you want to tell me what happened?")), submitter, cancellationToken);
    }

    private async Task<long?> SubmitAsync(UseCaseSubmissionRequest request, Submitter submitter, CancellationToken cancellationToken)
    {
        var result = await intake.SubmitAsync(request, submitter, cancellationToken);
        return result.SubmissionId;
    }

    private async Task DecideAsync(long id, UseCaseDecisionKind kind, string reason, string questions, UseCaseConditions? conditions, CancellationToken cancellationToken)
    {
        var claim = await review.ClaimAsync(id, Reviewer, cancellationToken);
        var details = await review.GetAsync(id, cancellationToken);
        if (!claim.Succeeded || details is null)
        {
            return;
        }

        await review.DecideAsync(new DecideUseCaseRequest(id, details.ConcurrencyVersion, kind, reason, questions, null, conditions), Reviewer, cancellationToken);
    }

    private static UseCaseSubmissionRequest Request(string org, string app, string name, string category, string description, string endUsers, bool minors, long tokens, bool published, bool human, List<string> safeguards, (string Prompt, string Output) sample) => new()
    {
        Kind = "application",
        OrganizationId = org,
        AppId = app,
        Name = name,
        Description = description,
        Category = category,
        EndUsers = endUsers,
        MinorsPossible = minors,
        ExpectedMonthlyTokens = tokens,
        Models = ["rc-large-2026-05", "rc-mini-2026-05"],
        OutputsPublishedAutomatically = published,
        HumanReviewsOutputsFirst = human,
        Safeguards = safeguards,
        Samples = [new SampleRequest { Prompt = sample.Prompt, Output = sample.Output }],
        Contact = new ContactRequest { Name = "Jordan Developer", Email = $"dev@{org.Replace("org_", "", StringComparison.Ordinal)}.example" },
    };
}
