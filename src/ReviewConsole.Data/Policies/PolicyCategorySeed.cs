using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReviewConsole.Data.Policies;

/// <summary>
/// The content policy as first shipped, seeded through the migrations (HasData) so every database,
/// test databases included, starts with the same taxonomy. Admins edit it afterwards; an edit bumps
/// the version and keeps the old text in <see cref="PolicyCategoryVersion"/>. Keys are the names the
/// classifiers use, slashes included, so a moderation API result maps without translation.
/// </summary>
public static class PolicyCategorySeed
{
    public static readonly DateTimeOffset SeededAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string SeededBy = "seed";

    public static readonly IReadOnlyList<PolicyCategory> Categories =
    [
        Content(1, "sexual", "Sexual content", 0.5, 480, true, "CP-1.1",
            "Sexually explicit descriptions intended to arouse are not allowed in applications that have not been approved for adult content. Sex education, medical and clinical discussion, and non-explicit romance are allowed."),
        Content(2, "sexual/minors", "Sexual content involving minors", 1.0, 60, true, "CP-1.2",
            "Any sexual content involving a person under 18, real or fictional, is prohibited without exception. Confirmed violations are escalated to the incident team and reported as the law requires."),
        Content(3, "hate", "Hate", 0.6, 480, false, "CP-2.1",
            "Content that expresses, incites or promotes hatred based on a protected attribute (race, ethnicity, national origin, religion, gender, sexual orientation, disability, caste) is not allowed. Quoting hate to study, report on or counter it is allowed."),
        Content(4, "hate/threatening", "Hateful threats", 0.85, 240, false, "CP-2.2",
            "Hateful content that also threatens or calls for violence or serious harm against a protected group is prohibited and may lead to immediate key revocation."),
        Content(5, "harassment", "Harassment", 0.45, 720, false, "CP-3.1",
            "Content that demeans, insults or bullies an identifiable person is not allowed. Criticism of public figures' conduct and fiction without a real target are allowed."),
        Content(6, "harassment/threatening", "Threatening harassment", 0.8, 240, false, "CP-3.2",
            "Threats of violence or serious harm against an identifiable person, including doxxing that enables such harm, are prohibited."),
        Content(7, "self-harm", "Self-harm", 0.7, 240, true, "CP-4.1",
            "Content that promotes, encourages or depicts self-harm (suicide, cutting, eating disorders) is not allowed. Recovery stories, prevention and supportive responses are allowed and should be labeled as no violation."),
        Content(8, "self-harm/intent", "Self-harm intent", 0.95, 60, true, "CP-4.2",
            "A user expressing intent to harm themselves is a safety priority: confirm whether the application responded with crisis resources; an application that encourages the act violates this clause."),
        Content(9, "self-harm/instructions", "Self-harm instructions", 0.95, 60, true, "CP-4.3",
            "Instructions or advice on how to self-harm or die by suicide are prohibited in every context."),
        Content(10, "violence", "Violence", 0.55, 480, false, "CP-5.1",
            "Content that glorifies violence or celebrates the suffering of others is not allowed. News, history, fiction and self-defense information are allowed."),
        Content(11, "violence/graphic", "Graphic violence", 0.7, 480, true, "CP-5.2",
            "Gratuitously graphic depictions of death, injury or gore are not allowed outside applications approved for mature fiction."),
        Content(12, "illicit", "Illicit behavior", 0.6, 480, false, "CP-6.1",
            "Advice or instructions that facilitate non-violent wrongdoing (fraud, theft, evading law enforcement) are not allowed."),
        Content(13, "illicit/violent", "Violent illicit behavior", 0.85, 240, false, "CP-6.2",
            "Advice or instructions that facilitate violent wrongdoing or the acquisition of weapons are prohibited."),
        Misuse(14, "influence-operation", "Influence operation", 0.75, 720, "MU-1.1",
            "Coordinated generation of deceptive political or social content that misrepresents who is speaking (fake grassroots personas, mass comments, sockpuppet replies) is prohibited. Judge the campaign: look at the cluster and the actor, not one output."),
        Misuse(15, "spam", "Spam", 0.35, 1440, "MU-2.1",
            "Bulk unsolicited commercial content, fake reviews and search-engine spam are prohibited. One-off marketing copy written for the customer's own product is allowed."),
        Misuse(16, "deceptive-health", "Deceptive health claims", 0.6, 720, "MU-2.2",
            "Marketing that claims a product cures, treats or prevents disease without evidence (miracle supplements, fake cures) is prohibited, even at low volume."),
        Misuse(17, "malware", "Malware", 0.85, 240, "MU-3.1",
            "Generating or improving code meant to gain unauthorized access, spread, evade detection or extort (ransomware, credential stealers, droppers) is prohibited. Defensive security work on the customer's own systems is allowed."),
    ];

    internal static void Apply(EntityTypeBuilder<PolicyCategory> builder) => builder.HasData(Categories);

    internal static void Apply(EntityTypeBuilder<PolicyCategoryVersion> builder) =>
        builder.HasData(Categories.Select(c => new PolicyCategoryVersion
        {
            Id = c.Id,
            PolicyCategoryId = c.Id,
            Version = 1,
            SeverityWeight = c.SeverityWeight,
            ReviewSlaMinutes = c.ReviewSlaMinutes,
            BlurByDefault = c.BlurByDefault,
            PolicyText = c.PolicyText,
            PolicyClause = c.PolicyClause,
            ChangedAt = SeededAt,
            ChangedBy = SeededBy,
        }));

    private static PolicyCategory Content(int id, string key, string name, double weight, int slaMinutes, bool blur, string clause, string text) =>
        new()
        {
            Id = id,
            Key = key,
            Name = name,
            Kind = PolicyCategoryKind.Content,
            SeverityWeight = weight,
            ReviewSlaMinutes = slaMinutes,
            BlurByDefault = blur,
            PolicyClause = clause,
            PolicyText = text,
            Version = 1,
            IsActive = true,
            UpdatedAt = SeededAt,
            UpdatedBy = SeededBy,
        };

    private static PolicyCategory Misuse(int id, string key, string name, double weight, int slaMinutes, string clause, string text)
    {
        var category = Content(id, key, name, weight, slaMinutes, false, clause, text);
        category.Kind = PolicyCategoryKind.Misuse;
        return category;
    }
}
