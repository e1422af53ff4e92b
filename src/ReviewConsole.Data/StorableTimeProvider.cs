namespace ReviewConsole.Data;

/// <summary>
/// The system clock, cut to whole microseconds: the finest time that every provider stores
/// (PostgreSQL's timestamptz keeps microseconds; SQL Server's datetimeoffset 100 ns; SQLite ticks).
/// A time the app writes then reads back unchanged, so whatever covers it, the audit chain's hashes
/// above all, verifies the same from the database as from memory.
/// </summary>
public sealed class StorableTimeProvider : TimeProvider
{
    public static readonly StorableTimeProvider Instance = new();

    private StorableTimeProvider()
    {
    }

    public override DateTimeOffset GetUtcNow() => Truncate(base.GetUtcNow());

    /// <summary><paramref name="value"/> without its sub-microsecond ticks.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) =>
        value.AddTicks(-(value.Ticks % TimeSpan.TicksPerMicrosecond));
}
