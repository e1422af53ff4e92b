using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Identity;

namespace ReviewConsole.Infrastructure.Identity;

/// <summary>
/// RFC 6238 authenticator codes (30-second steps, 6 digits, HMAC-SHA1, one step of clock drift
/// either way) that cannot be used twice: an accepted code records its time-step on the user, and
/// a code is accepted only for a later step. The record is an atomic conditional update, so two
/// requests racing with the same code cannot both pass. Replaces Identity's authenticator provider,
/// which accepts the same code again for its whole validity window.
/// </summary>
public sealed class ReplayGuardedAuthenticatorTokenProvider(AppDbContext db, TimeProvider clock) : IUserTwoFactorTokenProvider<AppUser>
{
    public const string ProviderName = "ReplayGuardedAuthenticator";
    private const int StepSeconds = 30;
    private const int AllowedDriftSteps = 1;

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<AppUser> manager, AppUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        var key = await manager.GetAuthenticatorKeyAsync(user);
        return !string.IsNullOrWhiteSpace(key);
    }

    /// <summary>The code comes from the user's authenticator app; the server never generates one.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<AppUser> manager, AppUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<AppUser> manager, AppUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || string.IsNullOrEmpty(token) || token.Length != 6 || !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return false;
        }

        var keyBytes = Base32Decode(key);
        var currentStep = CurrentStep(clock.GetUtcNow());
        long? matched = null;
        // Latest step first: if a code matches twice, the later step is the one to burn.
        for (var step = currentStep + AllowedDriftSteps; step >= currentStep - AllowedDriftSteps; step--)
        {
            if (ComputeCode(keyBytes, step) == code)
            {
                matched = step;
                break;
            }
        }

        if (matched is not { } accepted)
        {
            return false;
        }

        var userId = user.Id;
        var recorded = await db.Users
            .Where(u => u.Id == userId && (u.LastTotpTimeStep == null || u.LastTotpTimeStep < accepted))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastTotpTimeStep, accepted));
        if (recorded != 1)
        {
            return false;
        }

        // Keep the tracked user in step with the row, so a later UserManager.UpdateAsync in this
        // request (sign-in resets the failed count) writes the new step back, not the stale one.
        var entry = db.Entry(user);
        user.LastTotpTimeStep = accepted;
        if (entry.State != EntityState.Detached)
        {
            entry.Property(u => u.LastTotpTimeStep).OriginalValue = accepted;
        }

        return true;
    }

    public static long CurrentStep(DateTimeOffset now) => now.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The 6-digit TOTP code of <paramref name="step"/> (RFC 4226 dynamic truncation).</summary>
    public static int ComputeCode(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 6238 authenticator apps use HMAC-SHA1; it is not used for collision resistance here.
        HMACSHA1.HashData(key, counter, hash);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return binary % 1_000_000;
    }

    public static byte[] Base32Decode(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var trimmed = input.Trim().TrimEnd('=').Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var output = new byte[trimmed.Length * 5 / 8];
        int buffer = 0, bits = 0, index = 0;
        foreach (var c in trimmed)
        {
            var value = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException("The authenticator key is not Base32.");
            }

            buffer = ((buffer << 5) | value) & 0xFFFF;
            bits += 5;
            if (bits >= 8)
            {
                output[index++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }

        return output;
    }
}
