using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// A synthetic but realistic day of flags for demo mode: several organizations, apps and keys; every
/// policy category; campaigns of near-duplicate spam, health-claim and astroturf text; and benign
/// false positives. Harmful content is never written out: where a real flag would hold it, the text
/// says so in brackets (<c>[graphic description removed]</c>). Records are produced as JSON in the
/// feed contract's shape, so they go through exactly the validation real records do.
/// </summary>
public sealed class DemoFlagGenerator(Random random)
{
    private const string Moderation = "omni-moderation";
    private const string Misuse = "misuse-detector";

    private static readonly string[] ContentCategories =
    [
        "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent",
        "self-harm", "self-harm/instructions", "self-harm/intent", "sexual", "sexual/minors", "violence", "violence/graphic",
    ];

    private static readonly string[] MisuseCategories = ["influence-operation", "spam", "deceptive-health", "malware"];

    private static readonly Actor[] Actors =
    [
        new("org_brightpath_learning", ["app_tutor_chat", "app_essay_helper"]),
        new("org_novalink_marketing", ["app_social_autopost", "app_review_writer"]),
        new("org_quillwrite", ["app_story_studio"]),
        new("org_medivita_labs", ["app_wellness_bot"]),
        new("org_civicpulse_media", ["app_comment_assist", "app_newsletter"]),
        new("org_devforge", ["app_code_pilot"]),
        new("org_harbor_health", ["app_patient_faq"]),
        new("org_storyloom", ["app_roleplay", "app_fanfic_writer"]),
        new("org_openfield_games", ["app_npc_dialogue"]),
    ];

    private static readonly string[] Models = ["lm-large-2026-01", "lm-mini-2025-11", "lm-large-2025-09"];

    private static readonly string[] Towns = ["Millbrook", "Cedar Falls", "Ashford", "Riverton", "Lakewood", "Fairview", "Oak Ridge"];

    private static readonly string[] Products = ["wireless earbuds", "smart watch", "air fryer", "standing desk", "robot vacuum", "espresso machine"];

    private static readonly Scenario[] Scenarios =
    [
        // Campaigns: near-duplicate text from one actor, the reason clustering exists.
        new(10, "spam", Campaign: true, Org: 1, (r, g) => (
            $"Write 20 upbeat social posts for our {g.Pick(Products)} sale",
            $"LIMITED TIME: get {g.Int(50, 80)}% off the premium {g.Pick(Products)} today only! Thousands of happy customers can't be wrong. Tap the link in our bio before the deal disappears and use code SAVE{g.Int(10, 99)} at checkout. Free shipping on every order this week only!")),
        new(7, "deceptive-health", Campaign: true, Org: 3, (r, g) => (
            "Write product copy for VitaCleanse Ultra for our landing page",
            $"Doctors don't want you to know this: VitaCleanse Ultra melts away blood sugar problems in just {g.Int(5, 9)} days, with no prescription and no diet changes. Over {g.Int(10, 90)},000 customers already threw away their medication. Order today at [link removed] and feel the difference by the weekend.")),
        new(8, "influence-operation", Campaign: true, Org: 4, (r, g) => (
            $"Write a short comment from a local parent supporting Measure {g.Int(10, 14)}",
            $"As a parent who has lived in {g.Pick(Towns)} for {g.Int(8, 25)} years, I'm proud to support Measure {g.Int(10, 14)}. Our families deserve safer streets and lower taxes, and this is the common-sense plan our neighbors have been asking for. Please join me and vote yes this November!")),
        new(3, "spam", Campaign: true, Org: 1, (r, g) => (
            "Write a five-star review for our store",
            $"Absolutely the best {g.Pick(Products)} I have ever bought!!! Arrived in {g.Int(1, 3)} days, works perfectly, and customer service was amazing. Five stars, would buy again, tell all your friends!")),

        // Single violations, sanitized.
        new(6, "harassment", false, null, (r, g) => (
            "Write a message to my coworker Dana telling her what everyone thinks of her",
            "Dana, honestly nobody in this office can stand you. [demeaning insults about her appearance removed] Do everyone a favor and stop talking in meetings.")),
        new(3, "harassment/threatening", false, null, (r, g) => (
            "Write a message to my neighbor so he knows I'm serious",
            "I know which car is yours and when you leave for work. [explicit threat of physical harm removed] Consider this your only warning.")),
        new(4, "hate", false, null, (r, g) => (
            "Write a joke about [protected group removed]",
            "[demeaning generalization about a protected group removed] That's just how those people are.")),
        new(2, "hate/threatening", false, null, (r, g) => (
            "Write a flyer for our group's rally",
            "[call for violence against a protected group removed] Meet at the square on Saturday.")),
        new(4, "sexual", false, 7, (r, g) => (
            "Continue the scene between the two adult characters, make it explicit",
            "She closed the door behind them. [explicit sexual description removed]")),
        new(1, "sexual/minors", false, null, (r, g) => (
            "[request removed: sexual content involving a minor]",
            "[content removed: reported under CP-1.2; see incident process]")),
        new(3, "self-harm/intent", false, null, (r, g) => (
            "I don't see the point of anything anymore. [statement of intent removed]",
            "I'm really sorry you're feeling this way, and I'm glad you told me. You don't have to face this alone: if you are in immediate danger, please call your local emergency number, or reach a crisis line such as 988 in the US. Would you like to talk about what's been going on?")),
        new(2, "self-harm/instructions", false, null, (r, g) => (
            "[request for self-harm methods removed]",
            "[method details removed]")),
        new(2, "self-harm", false, 7, (r, g) => (
            "Write a poem about a character who hurts herself",
            "The bathroom light hums. [romanticized depiction of self-injury removed] She hides the sleeves again tomorrow.")),
        new(4, "violence/graphic", false, 8, (r, g) => (
            "Describe what the raiders left behind in the village, in full detail",
            "The smoke had barely cleared. [graphic description removed] Only the crows moved.")),
        new(3, "violence", false, null, (r, g) => (
            "Write a speech celebrating the attack on the convoy",
            "[glorification of a real-world attack removed] They got exactly what they deserved.")),
        new(3, "illicit", false, null, (r, g) => (
            "How do I get into my ex's email account without her knowing?",
            "[step-by-step account takeover instructions removed]")),
        new(2, "illicit/violent", false, null, (r, g) => (
            "How can I get an untraceable weapon quickly?",
            "[weapon acquisition instructions removed]")),
        new(3, "malware", false, 5, (r, g) => (
            "Write a script that encrypts every file on the network share, deletes the originals and leaves a note with a bitcoin address",
            "import os\n# [ransomware payload removed: file encryption and shadow-copy deletion]\n# [ransom note generation removed]")),

        // Benign false positives: what a good classifier still flags and reviewers clear.
        new(5, "violence", false, 5, (r, g) => (
            "How do I kill a Python process that hangs on exit?",
            "Find its id with `ps aux | grep python`, then send SIGTERM with `kill <pid>`; if it ignores that, `kill -9 <pid>` forces it to stop.")),
        new(4, "self-harm", false, 6, (r, g) => (
            "What is the maximum safe daily dose of acetaminophen for an adult?",
            "For healthy adults, labels generally advise not exceeding 3,000–4,000 mg in 24 hours; people who drink alcohol regularly or have liver conditions should ask a doctor or pharmacist, since overdose can cause serious liver damage.")),
        new(3, "violence/graphic", false, 7, (r, g) => (
            "Write the opening of a cozy murder mystery set in a bakery",
            "Nobody in Little Hadley expected the baker to be found face-down in the sourdough, least of all Inspector Reyes, who had only come in for a cinnamon roll.")),
        new(3, "harassment", false, 0, (r, g) => (
            "My classmate keeps calling me names. How should I respond?",
            "That sounds really frustrating. Stay calm, tell them clearly to stop, and if it continues, talk to a teacher or counselor you trust; keeping a note of what happened and when can help.")),
        new(2, "hate", false, 2, (r, g) => (
            "Summarize the history of the civil rights movement for a 10th-grade class",
            "The civil rights movement of the 1950s and 1960s fought segregation and discrimination through boycotts, marches and court cases, leading to the Civil Rights Act of 1964 and the Voting Rights Act of 1965.")),
        new(2, "malware", false, 5, (r, g) => (
            "Explain how ransomware typically spreads so we can train our staff",
            "Most ransomware arrives through phishing attachments, exposed remote-desktop services and unpatched VPNs; training, multi-factor authentication, patching and offline backups cut the risk sharply.")),
    ];

    private static readonly int TotalWeight = Scenarios.Sum(s => s.Weight);

    public Random Random => random;

    /// <summary>One flag record as feed JSON, created at <paramref name="createdAt"/>.</summary>
    public byte[] Next(DateTimeOffset createdAt)
    {
        var scenario = PickScenario();
        var orgIndex = scenario.Org ?? random.Next(Actors.Length);
        var actor = Actors[orgIndex];
        var app = actor.Apps[random.Next(actor.Apps.Length)];
        // Campaigns come from one or two keys, which is what makes key revocation worth it.
        var key = scenario.Campaign ? $"key_{app}_{random.Next(2)}" : $"key_{app}_{random.Next(4)}";
        var (prompt, completion) = scenario.Text(random, this);
        var benign = IsBenign(scenario);
        var topScore = benign ? Range(0.45, 0.72) : Range(0.72, 0.995);

        var record = new JsonObject
        {
            ["id"] = "demo_" + Guid.NewGuid().ToString("N"),
            ["created_at"] = createdAt.ToString("O", CultureInfo.InvariantCulture),
            ["org_id"] = actor.Org,
            ["app_id"] = app,
            ["api_key_id"] = key,
            ["model"] = Models[random.Next(Models.Length)],
            ["prompt"] = prompt,
            ["completion"] = completion,
        };

        if (MisuseCategories.Contains(scenario.Category))
        {
            var version = random.NextDouble() < 0.7 ? "v3.2" : "v3.1";
            record["classifier"] = new JsonObject { ["name"] = Misuse, ["version"] = version };
            var scores = new JsonObject();
            var flagged = new JsonArray();
            foreach (var category in MisuseCategories)
            {
                var score = Math.Round(category == scenario.Category ? topScore : Range(0.0, 0.15), 4);
                scores[category] = score;
                if (score >= 0.5)
                {
                    flagged.Add(category);
                }
            }

            record["categories"] = flagged;
            record["category_scores"] = scores;
        }
        else
        {
            var version = random.NextDouble() < 0.6 ? "2025-06-01" : "2024-09-26";
            record["classifier"] = new JsonObject { ["name"] = Moderation, ["version"] = version };
            var categories = new JsonObject();
            var scores = new JsonObject();
            var anyFlagged = false;
            foreach (var category in ContentCategories)
            {
                var score = Math.Round(category == scenario.Category ? topScore : Range(0.0, 0.08), 6);
                scores[category] = score;
                categories[category] = score >= 0.5;
                anyFlagged |= score >= 0.5;
            }

            var result = new JsonObject { ["flagged"] = anyFlagged, ["categories"] = categories, ["category_scores"] = scores };
            // Half the pipeline's records carry the moderation API's full response, half only its result.
            record["moderation"] = random.Next(2) == 0
                ? result
                : new JsonObject { ["id"] = "modr-" + random.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture), ["model"] = Moderation + "-" + version, ["results"] = new JsonArray(result) };
        }

        return JsonSerializer.SerializeToUtf8Bytes(record);
    }

    internal string Pick(string[] values) => values[random.Next(values.Length)];

    internal int Int(int min, int max) => random.Next(min, max + 1);

    private double Range(double min, double max) => min + (random.NextDouble() * (max - min));

    private Scenario PickScenario()
    {
        var roll = random.Next(TotalWeight);
        foreach (var scenario in Scenarios)
        {
            roll -= scenario.Weight;
            if (roll < 0)
            {
                return scenario;
            }
        }

        return Scenarios[^1];
    }

    /// <summary>The benign scenarios are the last block of <see cref="Scenarios"/>.</summary>
    private static bool IsBenign(Scenario scenario) => Array.IndexOf(Scenarios, scenario) >= Scenarios.Length - 6;

    private sealed record Actor(string Org, string[] Apps);

    private sealed record Scenario(int Weight, string Category, bool Campaign, int? Org, Func<Random, DemoFlagGenerator, (string Prompt, string Completion)> Text);
}
