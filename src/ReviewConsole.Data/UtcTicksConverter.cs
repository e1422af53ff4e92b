using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ReviewConsole.Data;

/// <summary>Stores a <see cref="DateTimeOffset"/> as UTC ticks so SQLite can order and compare it.</summary>
public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
