using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Flags.Feedback;

namespace ReviewConsole.Features.Quality;

public sealed record KappaRow(string Key, KappaResult Kappa);

public sealed record ReviewerAccuracy(string ReviewerId, string ReviewerName, int Answered, int Correct, WilsonInterval Accuracy);

public sealed record OverturnRow(string Clause, int Decided, int Overturned, WilsonInterval Rate);

public sealed record WeeklyQuality(DateOnly WeekStart, int Pairs, KappaResult VerdictKappa, int GoldenAnswers, WilsonInterval GoldenAccuracy, int AppealsDecided, WilsonInterval OverturnRate);

/// <summary>One double review with both answers: the pairs every kappa is computed from.</summary>
public sealed record AgreementPair(long DoubleReviewId, long FlagId, DoubleReviewState State, string FirstReviewerName, ReviewAnswer First, string SecondReviewerName, ReviewAnswer Second, DateTimeOffset SecondAt, long? FinalDecisionId);

public sealed record AgreementReport(
    DateTimeOffset From,
    DateTimeOffset To,
    KappaResult Verdict,
    IReadOnlyList<KappaRow> ByCategory,
    IReadOnlyList<KappaRow> ByClause,
    IReadOnlyList<ReviewerAccuracy> Reviewers,
    IReadOnlyList<OverturnRow> Overturns,
    IReadOnlyList<WeeklyQuality> Weeks,
    IReadOnlyList<AgreementPair> Pairs,
    int AwaitingSecond,
    int AwaitingAdjudication);

/// <summary>A reviewer's own figures (never anyone else's).</summary>
public sealed record PersonalQuality(ReviewerAccuracy Golden, int DoubleReviews, int Agreed, WilsonInterval AgreementRate, IReadOnlyList<(DateOnly WeekStart, int Answered, int Correct)> GoldenByWeek);

/// <summary>
/// Agreement statistics: Cohen's kappa per category and per policy clause over blind double reviews
/// (each category or clause a yes/no judgement of both reviewers), per-reviewer accuracy on golden
/// items with Wilson intervals, appeal overturn rate per clause, and the same by ISO week.
/// Golden answers are their own table, so no golden item ever reaches decision statistics.
/// </summary>
public sealed class AgreementService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<AgreementReport> ReportAsync(int days, CancellationToken cancellationToken)
    {
        var to = clock.GetUtcNow();
        var from = to.AddDays(-days);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var reviews = await db.Set<DoubleReview>().AsNoTracking()
            .Where(r => r.SecondAt != null && r.SecondAt >= from && r.SecondVerdict != null)
            .ToListAsync(cancellationToken);
        var pairs = reviews
            .Select(r => new AgreementPair(r.Id, r.FlagId, r.State, r.FirstReviewerName, DoubleReviewService.First(r), r.SecondReviewerName ?? "", DoubleReviewService.Second(r)!, r.SecondAt!.Value, r.FinalDecisionId))
            .OrderByDescending(p => p.SecondAt)
            .ToList();

        var answers = await db.Set<GoldenAnswer>().AsNoTracking()
            .Where(a => a.AnsweredAt != null && a.AnsweredAt >= from)
            .Select(a => new { a.ReviewerId, a.ReviewerName, a.AnsweredAt, a.Correct })
            .ToListAsync(cancellationToken);
        var reviewers = answers
            .GroupBy(a => a.ReviewerId)
            .Select(g => Accuracy(g.Key, g.OrderByDescending(a => a.AnsweredAt).First().ReviewerName, g.Count(), g.Count(a => a.Correct == true)))
            .OrderBy(r => r.ReviewerName, StringComparer.OrdinalIgnoreCase)
            .ToList();

        var appeals = await db.Set<Appeal>().AsNoTracking()
            .Where(a => a.State != AppealState.Open && a.DecidedAt != null && a.DecidedAt >= from)
            .Join(db.Set<EnforcementAction>(), a => a.EnforcementActionId, e => e.Id, (a, e) => new { a.State, a.DecidedAt, e.PolicyClause })
            .ToListAsync(cancellationToken);
        var overturns = appeals
            .GroupBy(a => string.IsNullOrWhiteSpace(a.PolicyClause) ? "(no clause)" : a.PolicyClause.Trim())
            .Select(g => new OverturnRow(g.Key, g.Count(), g.Count(a => a.State == AppealState.Overturned), WilsonInterval.Of(g.Count(a => a.State == AppealState.Overturned), g.Count())))
            .OrderBy(r => r.Clause, StringComparer.Ordinal)
            .ToList();

        var weeks = new List<WeeklyQuality>();
        for (var week = WeekStart(from); week.ToDateTime(TimeOnly.MinValue) <= to.UtcDateTime; week = week.AddDays(7))
        {
            var start = new DateTimeOffset(week.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var end = start.AddDays(7);
            var weekPairs = pairs.Where(p => p.SecondAt >= start && p.SecondAt < end).ToList();
            var weekAnswers = answers.Where(a => a.AnsweredAt >= start && a.AnsweredAt < end).ToList();
            var weekAppeals = appeals.Where(a => a.DecidedAt >= start && a.DecidedAt < end).ToList();
            var overturned = weekAppeals.Count(a => a.State == AppealState.Overturned);
            weeks.Add(new WeeklyQuality(
                week,
                weekPairs.Count,
                VerdictKappa(weekPairs),
                weekAnswers.Count,
                WilsonInterval.Of(weekAnswers.Count(a => a.Correct == true), weekAnswers.Count),
                weekAppeals.Count,
                WilsonInterval.Of(overturned, weekAppeals.Count)));
        }

        return new AgreementReport(
            from,
            to,
            VerdictKappa(pairs),
            ByCategory(pairs),
            ByClause(pairs),
            reviewers,
            overturns,
            weeks,
            pairs,
            await db.Set<DoubleReview>().CountAsync(r => r.State == DoubleReviewState.AwaitingSecond, cancellationToken),
            await db.Set<DoubleReview>().CountAsync(r => r.State == DoubleReviewState.AwaitingAdjudication, cancellationToken));
    }

    /// <summary>The figures of one reviewer, computed from their rows only.</summary>
    /// <summary>A reviewer's own figures over <paramref name="days"/> days up to the start of the current
    /// (ISO, UTC) week. The current week is left out on purpose: a count that moved right after a decision
    /// would tell the reviewer that the item they just answered was a golden item or a second review.</summary>
    public async Task<PersonalQuality> PersonalAsync(string reviewerId, string reviewerName, int days, CancellationToken cancellationToken)
    {
        var until = PersonalFiguresUntil(clock.GetUtcNow());
        var from = until.AddDays(-days);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var answers = await db.Set<GoldenAnswer>().AsNoTracking()
            .Where(a => a.ReviewerId == reviewerId && a.AnsweredAt != null && a.AnsweredAt >= from && a.AnsweredAt < until)
            .Select(a => new { a.AnsweredAt, a.Correct })
            .ToListAsync(cancellationToken);
        var mine = await db.Set<DoubleReview>().AsNoTracking()
            .Where(r => r.SecondAt != null && r.SecondAt >= from && r.SecondAt < until && (r.FirstReviewerId == reviewerId || r.SecondReviewerId == reviewerId))
            .ToListAsync(cancellationToken);
        var agreed = mine.Count(r => DoubleReviewService.First(r).AgreesWith(DoubleReviewService.Second(r)!));
        var byWeek = answers
            .GroupBy(a => WeekStart(a.AnsweredAt!.Value))
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Count(), g.Count(a => a.Correct == true)))
            .ToList();
        return new PersonalQuality(
            Accuracy(reviewerId, reviewerName, answers.Count, answers.Count(a => a.Correct == true)),
            mine.Count,
            agreed,
            WilsonInterval.Of(agreed, mine.Count),
            byWeek);
    }

    /// <summary>Where a reviewer's own figures end: the start of the week <paramref name="now"/> is in.</summary>
    public static DateTimeOffset PersonalFiguresUntil(DateTimeOffset now) =>
        new(WeekStart(now).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public static KappaResult VerdictKappa(IEnumerable<AgreementPair> pairs) =>
        AgreementMath.Kappa(pairs.Select(p => (p.First.Verdict == Verdict.Violation, p.Second.Verdict == Verdict.Violation)));

    /// <summary>Per category: did each reviewer confirm it (a violation in that category)?</summary>
    public static IReadOnlyList<KappaRow> ByCategory(IReadOnlyList<AgreementPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        static IReadOnlyCollection<string> Confirmed(ReviewAnswer a) => a.Verdict == Verdict.Violation ? a.Categories : [];
        return pairs.SelectMany(p => Confirmed(p.First).Concat(Confirmed(p.Second)))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(c => new KappaRow(c, AgreementMath.Kappa(pairs.Select(p => (Confirmed(p.First).Contains(c), Confirmed(p.Second).Contains(c))))))
            .ToList();
    }

    /// <summary>Per policy clause: did each reviewer find a violation of it?</summary>
    public static IReadOnlyList<KappaRow> ByClause(IReadOnlyList<AgreementPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        static string? Clause(ReviewAnswer a) => a.Verdict == Verdict.Violation && a.Clause.Trim().Length > 0 ? a.Clause.Trim().ToUpperInvariant() : null;
        return pairs.SelectMany(p => new[] { Clause(p.First), Clause(p.Second) })
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(k => new KappaRow(k, AgreementMath.Kappa(pairs.Select(p => (Clause(p.First) == k, Clause(p.Second) == k)))))
            .ToList();
    }

    public static DateOnly WeekStart(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    public static string ToCsv(AgreementReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        csv.AppendLine("section,key,pairs_or_trials,estimate,lower,upper,detail");
        static string F(double v) => double.IsNaN(v) ? "" : v.ToString("0.0000", CultureInfo.InvariantCulture);
        static string Q(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        void Kappa(string section, string key, KappaResult k) =>
            csv.AppendLine(CultureInfo.InvariantCulture, $"{section},{Q(key)},{k.Pairs},{F(k.Kappa)},{F(k.Lower)},{F(k.Upper)},{Q($"a={k.BothYes} b={k.FirstOnly} c={k.SecondOnly} d={k.BothNo}")}");
        Kappa("kappa_verdict", "violation", report.Verdict);
        foreach (var row in report.ByCategory)
        {
            Kappa("kappa_category", row.Key, row.Kappa);
        }

        foreach (var row in report.ByClause)
        {
            Kappa("kappa_clause", row.Key, row.Kappa);
        }

        foreach (var r in report.Reviewers)
        {
            csv.AppendLine(CultureInfo.InvariantCulture, $"golden_accuracy,{Q(r.ReviewerName)},{r.Answered},{F(r.Accuracy.Estimate)},{F(r.Accuracy.Lower)},{F(r.Accuracy.Upper)},{Q($"{r.Correct} correct")}");
        }

        foreach (var o in report.Overturns)
        {
            csv.AppendLine(CultureInfo.InvariantCulture, $"appeal_overturn,{Q(o.Clause)},{o.Decided},{F(o.Rate.Estimate)},{F(o.Rate.Lower)},{F(o.Rate.Upper)},{Q($"{o.Overturned} overturned")}");
        }

        foreach (var w in report.Weeks)
        {
            var week = w.WeekStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Kappa("week_kappa_verdict", week, w.VerdictKappa);
            csv.AppendLine(CultureInfo.InvariantCulture, $"week_golden_accuracy,{week},{w.GoldenAnswers},{F(w.GoldenAccuracy.Estimate)},{F(w.GoldenAccuracy.Lower)},{F(w.GoldenAccuracy.Upper)},");
            csv.AppendLine(CultureInfo.InvariantCulture, $"week_appeal_overturn,{week},{w.AppealsDecided},{F(w.OverturnRate.Estimate)},{F(w.OverturnRate.Lower)},{F(w.OverturnRate.Upper)},");
        }

        foreach (var p in report.Pairs)
        {
            csv.AppendLine(CultureInfo.InvariantCulture, $"pair,{p.DoubleReviewId},1,,,,{Q($"flag {p.FlagId}: {p.FirstReviewerName} {p.First.Verdict} [{string.Join(' ', p.First.Categories)}] vs {p.SecondReviewerName} {p.Second.Verdict} [{string.Join(' ', p.Second.Categories)}] ({p.State})")}");
        }

        return csv.ToString();
    }

    private static ReviewerAccuracy Accuracy(string id, string name, int answered, int correct) =>
        new(id, name, answered, correct, WilsonInterval.Of(correct, answered));
}
