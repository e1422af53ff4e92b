using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace ReviewConsole.Features.UseCases;

/// <summary>The lease columns of an entity that reviewers claim.</summary>
public sealed record LeaseColumns<T>(
    Expression<Func<T, string?>> Owner,
    Expression<Func<T, DateTimeOffset?>> ExpiresAt,
    Expression<Func<T, string?>> OwnerName);

/// <summary>
/// The claim/lease pattern of the flag queue, for any leased entity: one atomic conditional update
/// per operation (<c>UPDATE … WHERE lease free or expired</c>), so two reviewers on two app nodes
/// can never both hold the same row. Each method returns whether the row was changed.
/// </summary>
public static class LeaseClaims
{
    /// <summary>Claims <paramref name="rows"/> (one row, by id) when its lease is free, expired, or
    /// already ours (a re-claim renews).</summary>
    public static async Task<bool> TryClaimAsync<T>(IQueryable<T> rows, LeaseColumns<T> columns, string owner, string ownerName, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(columns);
        var expires = (DateTimeOffset?)(now + duration);
        var changed = await rows
            .Where(FreeExpiredOrOwnedBy(columns, owner, now))
            .ExecuteUpdateAsync(
                s =>
                {
                    s.SetProperty(columns.Owner, owner);
                    s.SetProperty(columns.OwnerName, ownerName);
                    s.SetProperty(columns.ExpiresAt, expires);
                },
                cancellationToken);
        return changed > 0;
    }

    /// <summary>Extends our own unexpired lease.</summary>
    public static async Task<bool> TryRenewAsync<T>(IQueryable<T> rows, LeaseColumns<T> columns, string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(columns);
        var expires = (DateTimeOffset?)(now + duration);
        var changed = await rows
            .Where(HeldBy(columns, owner, now))
            .ExecuteUpdateAsync(s => s.SetProperty(columns.ExpiresAt, expires), cancellationToken);
        return changed > 0;
    }

    /// <summary>Gives our lease back (expired or not).</summary>
    public static async Task<bool> TryReleaseAsync<T>(IQueryable<T> rows, LeaseColumns<T> columns, string owner, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(columns);
        var changed = await rows
            .Where(Compose(columns.Owner, body => Expression.Equal(body, Value<string?>(owner))))
            .ExecuteUpdateAsync(
                s =>
                {
                    s.SetProperty(columns.Owner, (string?)null);
                    s.SetProperty(columns.OwnerName, (string?)null);
                    s.SetProperty(columns.ExpiresAt, (DateTimeOffset?)null);
                },
                cancellationToken);
        return changed > 0;
    }

    /// <summary>Rows nobody holds now (free or expired).</summary>
    public static Expression<Func<T, bool>> Free<T>(LeaseColumns<T> columns, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var p = Expression.Parameter(typeof(T), "row");
        var owner = Rebind(columns.Owner, p);
        var expires = Rebind(columns.ExpiresAt, p);
        var body = Expression.OrElse(
            Expression.Equal(owner, Expression.Constant(null, typeof(string))),
            Expression.OrElse(
                Expression.Equal(expires, Expression.Constant(null, typeof(DateTimeOffset?))),
                Expression.LessThanOrEqual(expires, Value<DateTimeOffset?>(now))));
        return Expression.Lambda<Func<T, bool>>(body, p);
    }

    /// <summary>Rows <paramref name="owner"/> holds now (unexpired).</summary>
    public static Expression<Func<T, bool>> HeldBy<T>(LeaseColumns<T> columns, string owner, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var p = Expression.Parameter(typeof(T), "row");
        var body = Expression.AndAlso(
            Expression.Equal(Rebind(columns.Owner, p), Value<string?>(owner)),
            Expression.GreaterThan(Rebind(columns.ExpiresAt, p), Value<DateTimeOffset?>(now)));
        return Expression.Lambda<Func<T, bool>>(body, p);
    }

    private static Expression<Func<T, bool>> FreeExpiredOrOwnedBy<T>(LeaseColumns<T> columns, string owner, DateTimeOffset now)
    {
        var free = Free(columns, now);
        var p = free.Parameters[0];
        var mine = Expression.Equal(Rebind(columns.Owner, p), Value<string?>(owner));
        return Expression.Lambda<Func<T, bool>>(Expression.OrElse(free.Body, mine), p);
    }

    private static Expression<Func<T, bool>> Compose<T, TValue>(Expression<Func<T, TValue>> selector, Func<Expression, Expression> predicate)
    {
        var p = Expression.Parameter(typeof(T), "row");
        return Expression.Lambda<Func<T, bool>>(predicate(Rebind(selector, p)), p);
    }

    private static Expression Rebind<T, TValue>(Expression<Func<T, TValue>> selector, ParameterExpression parameter) =>
        new ParameterSwap(selector.Parameters[0], parameter).Visit(selector.Body);

    // A closure member rather than a constant, so EF sends the value as a SQL parameter (plan reuse,
    // and the provider's value converter applies as for any captured variable).
    private static MemberExpression Value<TValue>(TValue value) =>
        Expression.Property(Expression.Constant(new Box<TValue>(value)), nameof(Box<TValue>.Value));

    private sealed record Box<TValue>(TValue Value);

    private sealed class ParameterSwap(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
