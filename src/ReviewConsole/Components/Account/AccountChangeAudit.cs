using Microsoft.AspNetCore.Identity;
using ReviewConsole.Data;
using ReviewConsole.Data.Identity;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Components.Account;

/// <summary>
/// Runs a user's own account change (password, two-factor settings) and its audit event in one
/// transaction on the request's context, the same one the Identity stores of the page use. The
/// event is written only when the change succeeded.
/// </summary>
internal sealed class AccountChangeAudit(AppDbContext db, AuditLog audit)
{
    public async Task<IdentityResult> RunAsync(AppUser user, string kind, string summary, Func<Task<IdentityResult>> change)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(change);
        return await db.InTransactionAsync(
            async ct =>
            {
                var result = await change();
                if (result.Succeeded)
                {
                    await audit.AppendAsync(db, new StaffUser(user.Id, user.UserName ?? user.Id), new AuditEntry(kind, AuditTargets.User, user.Id, summary), ct);
                }

                return result;
            },
            result => result.Succeeded);
    }

    public async Task<T> RunAsync<T>(AppUser user, string kind, string summary, Func<Task<T>> change)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(change);
        return await db.InTransactionAsync(async ct =>
        {
            var result = await change();
            await audit.AppendAsync(db, new StaffUser(user.Id, user.UserName ?? user.Id), new AuditEntry(kind, AuditTargets.User, user.Id, summary), ct);
            return result;
        });
    }
}
