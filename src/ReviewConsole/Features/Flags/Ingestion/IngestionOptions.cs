using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>Limits and tuning shared by every intake source (feed, file drop, API, demo).</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>The longest prompt or completion accepted, in characters; longer records are rejected.</summary>
    [Range(1_000, 1_000_000)]
    public int MaxFieldChars { get; set; } = 32_000;

    /// <summary>Records per push-API request.</summary>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 1_000;

    /// <summary>Records stored per transaction (API and file batches are split; a feed page is always one).
    /// A chunk is written with a handful of set-based statements, so a thousand records hold SQLite's
    /// write lock for tens of milliseconds.</summary>
    [Range(1, 5_000)]
    public int TransactionChunkSize { get; set; } = 1_000;

    /// <summary>Distinct words a clustering text needs before it may join or form a cluster: shorter
    /// texts (stock refusals, one-liners) are produced by everyone and would tie unrelated actors together.</summary>
    [Range(1, 100)]
    public int ClusterMinWords { get; set; } = 8;

    /// <summary>Write chunks with multi-row SQL on SQLite and PostgreSQL (false: EF's batched
    /// SaveChanges, the path SQL Server always takes).</summary>
    public bool BulkSql { get; set; } = true;

    /// <summary>SimHash bits two completions may differ in and still be one campaign (banding finds up to 7).</summary>
    [Range(0, 7)]
    public int ClusterHammingThreshold { get; set; } = 7;

    /// <summary>A cluster not seen for this long is closed: new look-alikes start a fresh one.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "90.00:00:00")]
    public TimeSpan ClusterWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Open flags re-scored per batch (one read, one set-based update) by the priority refresh job.</summary>
    [Range(10, 10_000)]
    public int PriorityRefreshBatchSize { get; set; } = 500;

    /// <summary>Cron of the priority refresh job (time left to SLA changes priority).</summary>
    [Required]
    public string PriorityRefreshCron { get; set; } = "*/5 * * * *";
}

/// <summary>The pull feed from the detection pipeline (DESIGN.md, "Flag feed").</summary>
public sealed class FeedOptions
{
    public const string SectionName = "Feed";

    /// <summary>The pipeline's base URL; empty turns the pull job off.</summary>
    [OptionalHttpUrl]
    public string BaseUrl { get; set; } = "";

    /// <summary>How often the pull job runs (whole minutes, 1..60).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Records requested per page (<c>limit</c>).</summary>
    [Range(1, 1_000)]
    public int PageSize { get; set; } = 100;

    /// <summary>Pages one run reads at most, so a large backlog is drained over several runs.</summary>
    [Range(1, 10_000)]
    public int MaxPagesPerRun { get; set; } = 50;

    /// <summary>HTTP timeout of one page request.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(BaseUrl);

    public string Cron => PollInterval.TotalMinutes >= 60 ? "0 * * * *" : $"*/{Math.Max(1, (int)PollInterval.TotalMinutes)} * * * *";
}

/// <summary>The JSONL drop folder.</summary>
public sealed class FileDropOptions
{
    public const string SectionName = "FileDrop";

    /// <summary>The folder watched for <c>*.jsonl</c> files; empty turns file drop off. Relative paths are under the content root.</summary>
    public string Path { get; set; } = "";

    /// <summary>How often the folder is scanned (whole minutes, 1..60).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Files younger than this are left alone (a producer may still be writing).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MinFileAge { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Larger files are not ingested and are moved to <c>failed/</c> with a report.</summary>
    [Range(1L, 10L * 1024 * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Records read from a file per intake call (stored in transactions of <c>Ingestion:TransactionChunkSize</c>).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 1_000;

    /// <summary>A file left in <c>processing/</c> longer than this (its node died) is picked up again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan StaleClaimAfter { get; set; } = TimeSpan.FromMinutes(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Path);

    public string Cron => PollInterval.TotalMinutes >= 60 ? "0 * * * *" : $"*/{Math.Max(1, (int)PollInterval.TotalMinutes)} * * * *";
}

/// <summary>The demo feed; bound to the <c>Demo</c> section next to <c>Demo:Enabled</c>.</summary>
public sealed class DemoFeedOptions
{
    public const string SectionName = "Demo";

    public bool Enabled { get; set; }

    /// <summary>With demo mode on, whether the synthetic feed runs (tests turn it off).</summary>
    public bool FeedEnabled { get; set; } = true;

    /// <summary>Flags seeded over the last 24 hours at the first demo start.</summary>
    [Range(0, 5_000)]
    public int BacklogSize { get; set; } = 400;

    /// <summary>New flags per minute, on average, after the backlog.</summary>
    [Range(0, 100)]
    public int FlagsPerMinute { get; set; } = 3;

    public bool Active => Enabled && FeedEnabled;
}

/// <summary>Empty, or an absolute http(s) URL.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OptionalHttpUrlAttribute : ValidationAttribute
{
    public OptionalHttpUrlAttribute()
        : base("{0} must be empty or an absolute http(s) URL.")
    {
    }

    public override bool IsValid(object? value) =>
        value is null
        || (value is string text && (text.Length == 0
            || (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))));
}

[OptionsValidator]
public sealed partial class IngestionOptionsValidator : IValidateOptions<IngestionOptions>;

[OptionsValidator]
public sealed partial class FeedOptionsValidator : IValidateOptions<FeedOptions>;

[OptionsValidator]
public sealed partial class FileDropOptionsValidator : IValidateOptions<FileDropOptions>;

[OptionsValidator]
public sealed partial class DemoFeedOptionsValidator : IValidateOptions<DemoFeedOptions>;
