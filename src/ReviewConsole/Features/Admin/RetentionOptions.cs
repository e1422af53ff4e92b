using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.Admin;

public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Days after ingestion when a decided flag's prompt and completion are redacted; 0 = keep forever.</summary>
    [Range(0, 36_500)]
    public int FlagContentDays { get; set; } = 90;

    /// <summary>Days after ingestion when a flag that was never decided (still new or escalated) has its
    /// prompt and completion redacted too; content hashes stay. 0 = keep forever.</summary>
    [Range(0, 36_500)]
    public int UndecidedFlagContentDays { get; set; } = 180;

    /// <summary>Days after which finished drop-folder files (<c>done/</c>, their <c>.rejects.jsonl</c>
    /// reports and <c>failed/</c>) are deleted; their names, sizes and SHA-256 hashes stay in the audit
    /// trail. 0 = keep forever.</summary>
    [Range(0, 36_500)]
    public int DropFolderFileDays { get; set; } = 30;

    /// <summary>Flags redacted per transaction (one audit event each).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>Cron expression of the redaction job.</summary>
    [Required]
    public string Cron { get; set; } = "17 * * * *";
}

[OptionsValidator]
public sealed partial class RetentionOptionsValidator : IValidateOptions<RetentionOptions>;
