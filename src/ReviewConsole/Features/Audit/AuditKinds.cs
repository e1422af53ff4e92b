namespace ReviewConsole.Features.Audit;

/// <summary>The audit kinds this feature and the account pages record. Other features keep their own
/// kinds next to their code; the dotted <c>area.verb</c> form lets the auditor view filter by prefix.</summary>
public static class AuditKinds
{
    public const string SignedIn = "user.signed-in";
    public const string SignInFailed = "user.signin-failed";
    public const string LockedOut = "user.locked-out";
    public const string SignedOut = "user.signed-out";
    public const string Invited = "user.invited";
    public const string RolesChanged = "user.roles-changed";
    public const string Disabled = "user.disabled";
    public const string Enabled = "user.enabled";
    public const string TwoFactorEnabled = "user.2fa-enabled";
    public const string TwoFactorDisabled = "user.2fa-disabled";
    public const string AuthenticatorReset = "user.authenticator-reset";
    public const string RecoveryCodesGenerated = "user.recovery-codes-generated";
    public const string PasswordChanged = "user.password-changed";
    public const string AuditExported = "audit.exported";
    public const string FlagContentRedacted = "flag.content-redacted";
    public const string RejectedRecordsRedacted = "intake.rejected-redacted";
    public const string UndecidedFlagContentRedacted = "flag.undecided-content-redacted";
    public const string ClusterExcerptsRedacted = "cluster.excerpt-redacted";
    public const string DropFilesDeleted = "intake.drop-files-deleted";
    public const string IngestionPayloadViewed = "intake.payload-viewed";
    public const string IngestionPayloadRevealed = "intake.payload-revealed";
    public const string UseCaseTextViewed = "usecase.text-viewed";
    public const string AppealTextViewed = "appeal.text-viewed";
}

/// <summary>Target types of the events above.</summary>
public static class AuditTargets
{
    public const string User = "User";
}
