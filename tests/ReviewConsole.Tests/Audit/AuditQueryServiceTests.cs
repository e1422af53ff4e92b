using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Audit;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Audit;

public sealed class AuditQueryServiceTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(Start);
    private readonly AuditLog audit;
    private readonly AuditQueryService query;
    private readonly StaffUser admin = new("admin-1", "admin@example.test");
    private readonly StaffUser reviewer = new("rev-1", "reviewer@example.test");
    private readonly StaffUser auditor = new("aud-1", "auditor@example.test");

    public AuditQueryServiceTests()
    {
        audit = new AuditLog(clock);
        query = new AuditQueryService(database.Factory, audit, Options.Create(new AuditOptions()), new VerifyAuditChainJob(database.Factory, clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<VerifyAuditChainJob>.Instance));
    }

    [Fact]
    public async Task Search_ByActorKindPrefixAndTime_ReturnsMatchesNewestFirst()
    {
        await SeedAsync();

        var byActor = await query.SearchAsync(new AuditFilter(Actor: "reviewer@example.test"), 0, 50, default);
        var byPrefix = await query.SearchAsync(new AuditFilter(Kind: "user."), 0, 50, default);
        var byExactKind = await query.SearchAsync(new AuditFilter(Kind: "flag.decided"), 0, 50, default);
        var secondDay = await query.SearchAsync(new AuditFilter(From: Start.AddDays(1), To: Start.AddDays(2)), 0, 50, default);

        Assert.Equal([3L, 2L], byActor.Events.Select(e => e.Sequence));
        Assert.Equal(2, byPrefix.TotalCount);
        Assert.All(byPrefix.Events, e => Assert.StartsWith("user.", e.Kind, StringComparison.Ordinal));
        Assert.Equal(2, byExactKind.TotalCount);
        Assert.Equal([3L], secondDay.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Search_ByUser_FindsWhatTheyDidAndWhatWasDoneToThem()
    {
        await SeedAsync();

        var result = await query.SearchAsync(new AuditFilter(User: "rev-1"), 0, 50, default);

        Assert.Equal([4L, 3L, 2L, 1L], result.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Search_ByTarget_Pages()
    {
        await SeedAsync();

        var page = await query.SearchAsync(new AuditFilter(TargetType: "Flag"), 1, 1, default);

        Assert.Equal(2, page.TotalCount);
        Assert.Equal([2L], page.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task ExportCsv_WritesRowsOldestFirst_AndAuditsTheExport()
    {
        await SeedAsync();
        using var output = new MemoryStream();

        var written = await query.ExportAsync(new AuditFilter(Kind: "flag."), AuditExportFormat.Csv, auditor, output, default);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, written);
        Assert.StartsWith("sequence,occurred_at,actor_id", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("2,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("3,", lines[2], StringComparison.Ordinal);
        await using var db = database.CreateContext();
        var exported = await db.Set<AuditEvent>().OrderBy(e => e.Sequence).LastAsync();
        Assert.Equal(AuditKinds.AuditExported, exported.Kind);
        Assert.Equal("aud-1", exported.ActorId);
        Assert.Contains("flag.", exported.AfterJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportJson_IsAnArrayOfEvents()
    {
        await SeedAsync();
        using var output = new MemoryStream();

        await query.ExportAsync(new AuditFilter(), AuditExportFormat.Json, auditor, output, default);

        using var json = JsonDocument.Parse(output.ToArray());
        Assert.Equal(JsonValueKind.Array, json.RootElement.ValueKind);
        // The export's own event is appended before the rows are read, so it is part of the export.
        Assert.Equal(5, json.RootElement.GetArrayLength());
        Assert.Equal("user.invited", json.RootElement[0].GetProperty("kind").GetString());
        Assert.Equal(64, json.RootElement[0].GetProperty("hash").GetString()!.Length);
    }

    [Fact]
    public async Task ExportCsv_FormulaLikeText_IsWrittenAsQuotedText()
    {
        await using (var db = database.CreateContext())
        {
            await audit.AppendAsync(db, admin, new AuditEntry("flag.decided", "Flag", "1", "=HYPERLINK(\"http://x\",\"y\")", Reason: "+1 cmd|calc"), default);
            await audit.AppendAsync(db, admin, new AuditEntry("flag.decided", "Flag", "2", "@SUM(A1)", Reason: "-2+3"), default);
        }

        using var output = new MemoryStream();
        await query.ExportAsync(new AuditFilter(Kind: "flag."), AuditExportFormat.Csv, auditor, output, default);

        var csv = Encoding.UTF8.GetString(output.ToArray());
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", csv, StringComparison.Ordinal);
        Assert.Contains("\"'+1 cmd|calc\"", csv, StringComparison.Ordinal);
        Assert.Contains("\"'@SUM(A1)\"", csv, StringComparison.Ordinal);
        Assert.Contains("\"'-2+3\"", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",=", csv, StringComparison.Ordinal);
    }

    private async Task SeedAsync()
    {
        await using var db = database.CreateContext();
        await audit.AppendAsync(db, admin, new AuditEntry("user.invited", AuditTargets.User, "rev-1", "Invited reviewer"), default);
        clock.Advance(TimeSpan.FromHours(1));
        await audit.AppendAsync(db, reviewer, new AuditEntry("flag.decided", "Flag", "17", "Violation"), default);
        clock.Advance(TimeSpan.FromDays(1));
        await audit.AppendAsync(db, reviewer, new AuditEntry("flag.decided", "Flag", "18", "No violation"), default);
        clock.Advance(TimeSpan.FromDays(1));
        await audit.AppendAsync(db, admin, new AuditEntry("user.disabled", AuditTargets.User, "rev-1", "Disabled reviewer"), default);
    }

    public void Dispose() => database.Dispose();
}
