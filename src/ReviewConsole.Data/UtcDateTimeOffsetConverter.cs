using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ReviewConsole.Data;

/// <summary>
/// Normalizes a <see cref="DateTimeOffset"/> to UTC on its way to PostgreSQL. <c>timestamp with
/// time zone</c> stores an instant, and Npgsql refuses to write a value whose offset is not zero
/// (a feed's <c>created_at</c> with +02:00, a date picked in a browser's zone): the instant is
/// kept, the offset dropped, as the column would do anyway. Values read back are UTC.
/// </summary>
public sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
    value => value.ToUniversalTime(),
    value => value.ToUniversalTime());
