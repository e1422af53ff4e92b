namespace ReviewConsole.Infrastructure.Api;

/// <summary>Scopes an API token can carry, and the authorization policy of each.</summary>
public static class ApiScopes
{
    public const string FlagsWrite = "flags:write";
    public const string UseCasesWrite = "usecases:write";
    public const string AppealsWrite = "appeals:write";
    public const string KeysRead = "keys:read";
    public const string UsageWrite = "usage:write";
    public const string NoticesRead = "notices:read";

    public static readonly IReadOnlyList<string> All = [FlagsWrite, UseCasesWrite, AppealsWrite, KeysRead, UsageWrite, NoticesRead];

    /// <summary>The policy every /api/v1 endpoint requires: any valid token, whatever its scopes.</summary>
    public const string AnyTokenPolicy = "api:any-token";

    /// <summary>The policy name for endpoints that need <paramref name="scope"/>: <c>api:{scope}</c>.</summary>
    public static string Policy(string scope) => "api:" + scope;
}
