using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Admin;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Flags.Ingestion;

public sealed class PushFlagsApiTests : IDisposable
{
    private static readonly Uri Endpoint = new("/api/v1/flags", UriKind.Relative);
    private readonly ConsoleAppFactory factory = new();

    private async Task<HttpClient> ClientWithTokenAsync(params string[] scopes)
    {
        var tokens = factory.Services.GetRequiredService<ApiTokenService>();
        var issued = await tokens.IssueAsync(new IssueTokenRequest("pipeline", scopes, null), new StaffUser("admin", "admin@test"), default);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Secret);
        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Post_MixedBatch_AnswersPerRecordAndStoresTheGoodOnes()
    {
        using var client = await ClientWithTokenAsync(ApiScopes.FlagsWrite);
        var bad = IntakeRecords.Record("api-bad");
        bad["moderation"]!["category_scores"]!["harassment"] = 4;
        var first = IntakeRecords.Record("api-1");
        var batch = new JsonArray(first, bad, IntakeRecords.Record("api-2"), first.DeepClone());

        using var response = await client.PostAsync(Endpoint, Json(batch.ToJsonString()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal((2, 1, 1), (root.GetProperty("stored").GetInt32(), root.GetProperty("duplicates").GetInt32(), root.GetProperty("rejected").GetInt32()));
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["stored", "rejected", "stored", "duplicate"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.StartsWith("score_out_of_range:", results[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("api-bad", results[1].GetProperty("id").GetString());
        Assert.Equal(results[0].GetProperty("flag_id").GetInt64(), results[3].GetProperty("flag_id").GetInt64());

        await using var db = factory.Database.CreateContext();
        Assert.Equal(2, await db.Set<Flag>().CountAsync(f => f.Source == FlagSource.Api));
        Assert.Equal(1, await db.Set<IngestionError>().CountAsync(e => e.Source == FlagSource.Api));
        Assert.True(await db.Set<AuditEvent>().AnyAsync(e => e.Kind == "flags.ingested" && e.ActorName == "pipeline"));
    }

    [Fact]
    public async Task Post_BatchLargerThanOneStatement_StoresEveryFlagWithItsOwnScores()
    {
        // 150 flags: more than two full multi-row flag statements on PostgreSQL (the prepared, re-run
        // one and a partial one) and 300 scores by COPY; one statement per row on SQLite.
        using var client = await ClientWithTokenAsync(ApiScopes.FlagsWrite);
        var batch = new JsonArray();
        for (var i = 0; i < 150; i++)
        {
            var record = IntakeRecords.Record($"many-{i}", completion: $"Completion number {i} with its own words");
            record["moderation"]!["category_scores"]!["harassment"] = Math.Round(0.5 + (i / 1000.0), 3);
            batch.Add(record);
        }

        using var response = await client.PostAsync(Endpoint, Json(batch.ToJsonString()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(150, body.RootElement.GetProperty("stored").GetInt32());
        await using var db = factory.Database.CreateContext();
        var flags = await db.Set<Flag>().AsNoTracking().Include(f => f.Scores).Where(f => f.UpstreamId.StartsWith("many-")).ToListAsync();
        Assert.Equal(150, flags.Count);
        Assert.All(flags, f =>
        {
            var i = int.Parse(f.UpstreamId["many-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(2, f.Scores.Count);
            var top = Assert.Single(f.Scores, s => s.Flagged);
            Assert.Equal(Math.Round(0.5 + (i / 1000.0), 3), top.Score, 9);
            Assert.Equal(0.02, Assert.Single(f.Scores, s => !s.Flagged).Score, 9);
            Assert.Equal(f.TopCategory, top.Category);
        });
    }

    [Fact]
    public async Task Post_SameBatchTwice_SecondAnswerIsAllDuplicates()
    {
        using var client = await ClientWithTokenAsync(ApiScopes.FlagsWrite);
        var batch = new JsonObject { ["flags"] = new JsonArray(IntakeRecords.Record("twice-1"), IntakeRecords.Record("twice-2")) }.ToJsonString();

        using var first = await client.PostAsync(Endpoint, Json(batch));
        using var second = await client.PostAsync(Endpoint, Json(batch));

        using var body = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal(0, body.RootElement.GetProperty("stored").GetInt32());
        Assert.Equal(2, body.RootElement.GetProperty("duplicates").GetInt32());
        await using var db = factory.Database.CreateContext();
        Assert.Equal(2, await db.Set<Flag>().CountAsync());
    }

    [Fact]
    public async Task Post_WithoutToken_IsUnauthorized()
    {
        using var client = factory.CreateClient();

        using var response = await client.PostAsync(Endpoint, Json("[]"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Post_TokenWithoutFlagsWrite_IsForbidden()
    {
        using var client = await ClientWithTokenAsync(ApiScopes.UseCasesWrite);

        using var response = await client.PostAsync(Endpoint, Json(new JsonArray(IntakeRecords.Record("x")).ToJsonString()));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Post_SignedInStaffCookie_DoesNotAuthorize()
    {
        using var client = await factory.CreateSignedInAsync(Roles.Admin);

        using var response = await client.PostAsync(Endpoint, Json(new JsonArray(IntakeRecords.Record("x")).ToJsonString()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Post_OverThousandRecords_IsRefusedWhole()
    {
        using var client = await ClientWithTokenAsync(ApiScopes.FlagsWrite);
        var batch = new JsonArray(Enumerable.Range(0, 1001).Select(i => (JsonNode)new JsonObject { ["id"] = $"n{i}" }).ToArray());

        using var response = await client.PostAsync(Endpoint, Json(batch.ToJsonString()));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await using var db = factory.Database.CreateContext();
        Assert.Equal(0, await db.Set<Flag>().CountAsync());
    }

    [Fact]
    public async Task Post_BodyNotJson_IsBadRequestAndRecorded()
    {
        using var client = await ClientWithTokenAsync(ApiScopes.FlagsWrite);

        using var response = await client.PostAsync(Endpoint, Json("{\"flags\": [ {\"id\": "));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var db = factory.Database.CreateContext();
        var error = await db.Set<IngestionError>().SingleAsync();
        Assert.StartsWith("invalid_json:", error.Reason, StringComparison.Ordinal);
        Assert.Equal("{\"flags\": [ {\"id\": ", error.RawPayload);
    }

    public void Dispose() => factory.Dispose();
}
