using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Admin;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Admin;

public sealed record IssueTokenRequest(string Name, IReadOnlyCollection<string> Scopes, DateTimeOffset? ExpiresAt, long? OrganizationId = null);

/// <summary>The token as issued: <see cref="Secret"/> exists only in this object, never in the database.</summary>
public sealed record IssuedToken(long Id, string Name, string Secret, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt);

/// <summary>A token that passed validation.</summary>
public sealed record ValidToken(long Id, string Name, IReadOnlyList<string> Scopes, long? OrganizationId);

public sealed record TokenSummary(long Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, long? OrganizationId);

public sealed class ApiTokenService(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    private const string TokenPrefix = "rc_";

    /// <summary>Last-used times are written at most this often per token, to keep reads cheap.</summary>
    private static readonly TimeSpan LastUsedGranularity = TimeSpan.FromMinutes(1);

    public async Task<IssuedToken> IssueAsync(IssueTokenRequest request, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw new ArgumentException("A token needs a name.", nameof(request));
        }

        var scopes = request.Scopes.Distinct(StringComparer.Ordinal).ToList();
        var unknown = scopes.Except(ApiScopes.All).ToList();
        if (scopes.Count == 0 || unknown.Count > 0)
        {
            throw new ArgumentException(scopes.Count == 0 ? "A token needs at least one scope." : $"Unknown scope: {string.Join(", ", unknown)}.", nameof(request));
        }

        var now = clock.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            throw new ArgumentException("The expiry must be in the future.", nameof(request));
        }

        var secret = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new ApiToken
        {
            Name = request.Name.Trim(),
            Prefix = secret[..10],
            SecretHash = Hash(secret),
            Scopes = string.Join(' ', scopes),
            CreatedAt = now,
            CreatedBy = by.Name,
            ExpiresAt = request.ExpiresAt,
            OrganizationId = request.OrganizationId,
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.InTransactionAsync(
            async ct =>
            {
                db.Add(token);
                await db.SaveChangesAsync(ct);
                await audit.AppendAsync(db, by, new AuditEntry("token.issued", "ApiToken", token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Issued API token '{token.Name}' ({token.Prefix}…) with scopes {token.Scopes}"), ct);
            },
            cancellationToken);
        return new IssuedToken(token.Id, token.Name, secret, scopes, token.ExpiresAt);
    }

    public async Task<ValidToken?> ValidateAsync(string presented, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(presented) || !presented.StartsWith(TokenPrefix, StringComparison.Ordinal) || presented.Length > 200)
        {
            return null;
        }

        var hash = Hash(presented);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.Set<ApiToken>().AsNoTracking().SingleOrDefaultAsync(t => t.SecretHash == hash, cancellationToken);
        if (token is null || token.RevokedAt is not null || (token.ExpiresAt is { } expires && expires <= now))
        {
            return null;
        }

        if (token.LastUsedAt is null || now - token.LastUsedAt.Value >= LastUsedGranularity)
        {
            await db.Set<ApiToken>().Where(t => t.Id == token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);
        }

        return new ValidToken(token.Id, token.Name, token.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), token.OrganizationId);
    }

    public async Task<bool> RevokeAsync(long tokenId, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(
            async ct =>
            {
                var revoked = await db.Set<ApiToken>().Where(t => t.Id == tokenId && t.RevokedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.RevokedBy, by.Name), ct);
                if (revoked == 1)
                {
                    await audit.AppendAsync(db, by, new AuditEntry("token.revoked", "ApiToken", tokenId.ToString(System.Globalization.CultureInfo.InvariantCulture), "Revoked API token"), ct);
                }

                return revoked == 1;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<TokenSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var tokens = await db.Set<ApiToken>().AsNoTracking().OrderByDescending(t => t.Id).ToListAsync(cancellationToken);
        return tokens.Select(t => new TokenSummary(t.Id, t.Name, t.Prefix, t.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), t.CreatedAt, t.CreatedBy, t.ExpiresAt, t.RevokedAt, t.LastUsedAt, t.OrganizationId)).ToList();
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
