namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>A flag record that passed validation, in the console's terms.</summary>
public sealed record FlagRecord(
    string Id,
    DateTimeOffset CreatedAt,
    string OrgId,
    string AppId,
    string ApiKeyId,
    string Model,
    string Prompt,
    string Completion,
    string ClassifierName,
    string ClassifierVersion,
    IReadOnlyList<CategoryScore> Scores)
{
    /// <summary>Score names the taxonomy did not know (stored anyway, listed for an Admin to map or create).</summary>
    public IReadOnlyList<string> UnknownCategories { get; init; } = [];

    /// <summary>This record with unknown keys an Admin mapped rewritten to their categories
    /// (a score already present under the target wins).</summary>
    public FlagRecord Translate(IReadOnlyDictionary<string, string> mapped)
    {
        ArgumentNullException.ThrowIfNull(mapped);
        if (UnknownCategories.Count == 0 || !UnknownCategories.Any(mapped.ContainsKey))
        {
            return this;
        }

        var scores = Scores
            .Select(s => mapped.TryGetValue(s.Category, out var target) ? s with { Category = target } : s)
            .GroupBy(s => s.Category, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(s => s.Flagged).ThenByDescending(s => s.Score).First())
            .ToList();
        return this with { Scores = scores, UnknownCategories = UnknownCategories.Where(c => !mapped.ContainsKey(c)).ToList() };
    }
}

/// <summary>One classifier score; <paramref name="Category"/> is the policy category key (slashes kept).</summary>
public sealed record CategoryScore(string Category, double Score, bool Flagged);

/// <summary>Why a record was refused: a stable <see cref="Code"/> plus a human-readable detail.</summary>
public sealed record RejectReason(string Code, string Detail)
{
    public override string ToString() => $"{Code}: {Detail}";
}

/// <summary>Either a record or the reason it was refused (and its upstream id when it could be read).</summary>
public sealed record FlagParseResult(FlagRecord? Record, RejectReason? Reason, string? UpstreamId)
{
    public static FlagParseResult Ok(FlagRecord record) => new(record, null, record.Id);

    public static FlagParseResult Fail(string code, string detail, string? upstreamId = null) => new(null, new RejectReason(code, detail), upstreamId);
}

/// <summary>One raw record as a source received it: UTF-8 bytes plus where it came from
/// (file and line, feed cursor, API batch index), which rejects keep for the admin page.</summary>
public sealed record RawFlagRecord(ReadOnlyMemory<byte> Utf8, string Origin);

public enum IngestOutcome
{
    Stored,
    Duplicate,
    Rejected,
}

/// <summary>What happened to one record of a batch.</summary>
public sealed record IngestRecordResult(int Index, string? UpstreamId, IngestOutcome Outcome, long? FlagId, string? Reason);

/// <summary>What happened to a batch, record by record.</summary>
public sealed record IngestBatchResult(IReadOnlyList<IngestRecordResult> Records)
{
    public int Stored => Records.Count(r => r.Outcome == IngestOutcome.Stored);

    public int Duplicates => Records.Count(r => r.Outcome == IngestOutcome.Duplicate);

    public int Rejected => Records.Count(r => r.Outcome == IngestOutcome.Rejected);
}
