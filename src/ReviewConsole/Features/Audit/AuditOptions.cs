using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.Audit;

public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>Cron expression of the chain verification job.</summary>
    [Required]
    public string VerifyCron { get; set; } = "*/10 * * * *";

    /// <summary>
    /// Optional secret (at least 32 characters) that signs the verification checkpoint, so that someone
    /// who rewrites the whole chain with fresh hashes and the checkpoint row as well is still caught.
    /// Keep it outside the database (environment variable or secret store). Empty = unsigned checkpoint.
    /// </summary>
    [MinLength(32)]
    public string? CheckpointKey { get; set; }

    /// <summary>Most rows one export returns (a larger result asks for a narrower filter).</summary>
    [Range(1, 1_000_000)]
    public int MaxExportRows { get; set; } = 100_000;
}

[OptionsValidator]
public sealed partial class AuditOptionsValidator : IValidateOptions<AuditOptions>;
