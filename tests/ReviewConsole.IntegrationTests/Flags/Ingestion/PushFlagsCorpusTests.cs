using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Admin;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Flags;

namespace ReviewConsole.IntegrationTests.Flags.Ingestion;

/// <summary>The bad-input corpus through the whole push path: real HTTP on loopback, the endpoint,
/// the set-based pipeline, the database.</summary>
public sealed class PushFlagsCorpusTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new() { Clock = new FakeTimeProvider(FlagRecords.Now) };

    [Fact]
    public async Task Post_BadInputCorpusAmongGoodRecords_RejectsEachWithItsReasonStoresEachAndKeepsTheGood()
    {
        var baseAddress = factory.StartKestrel();
        var tokens = factory.Services.GetRequiredService<ApiTokenService>();
        var issued = await tokens.IssueAsync(new IssueTokenRequest("pipeline", [ApiScopes.FlagsWrite], null), new StaffUser("admin", "admin@test"), default);
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Secret);

        // A record that is not JSON cannot sit inside a JSON array: it is a body of its own, refused
        // whole (400) and recorded. Every other bad record goes into one batch between good ones.
        var corpus = FlagRecords.BadRecords();
        var inBatch = corpus.Where(IsJson).ToList();
        var alone = corpus.Where(b => !IsJson(b)).ToList();
        var elements = new List<string>();
        var expected = new Dictionary<int, BadFlagRecord>();
        for (var i = 0; i < inBatch.Count; i++)
        {
            expected[elements.Count] = inBatch[i];
            elements.Add(inBatch[i].Json);
            elements.Add(FlagRecords.Record($"api-good-{i}", completion: $"an ordinary completion number {i} that nobody else wrote {Guid.NewGuid():N}").ToJsonString());
        }

        using var response = await client.PostAsync(new Uri("/api/v1/flags", UriKind.Relative), new StringContent("[" + string.Join(",", elements) + "]", Encoding.UTF8, "application/json"));
        var statuses = new List<HttpStatusCode>();
        foreach (var bad in alone)
        {
            using var single = await client.PostAsync(new Uri("/api/v1/flags", UriKind.Relative), new StringContent(bad.Json, Encoding.UTF8, "application/json"));
            statuses.Add(single.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((inBatch.Count, 0, inBatch.Count), (body.RootElement.GetProperty("stored").GetInt32(), body.RootElement.GetProperty("duplicates").GetInt32(), body.RootElement.GetProperty("rejected").GetInt32()));
        var results = body.RootElement.GetProperty("results").EnumerateArray().ToList();
        for (var index = 0; index < results.Count; index++)
        {
            var status = results[index].GetProperty("status").GetString();
            if (expected.TryGetValue(index, out var bad))
            {
                Assert.True(status == "rejected", $"{bad.Name} was {status}");
                Assert.StartsWith(bad.Code + ":", results[index].GetProperty("reason").GetString(), StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal("stored", status);
            }
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.BadRequest, s));
        await using var db = factory.Database.CreateContext();
        Assert.Equal(inBatch.Count, await db.Set<Flag>().CountAsync(f => f.Source == FlagSource.Api && f.UpstreamId.StartsWith("api-good-")));
        var errors = await db.Set<IngestionError>().Where(e => e.Source == FlagSource.Api).ToListAsync();
        Assert.Equal(inBatch.Count + alone.Count, errors.Count);
        foreach (var error in errors.Where(e => e.Origin.Contains(" record ", StringComparison.Ordinal)))
        {
            var bad = expected[int.Parse(error.Origin[(error.Origin.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)];
            Assert.True(error.Reason.StartsWith(bad.Code + ":", StringComparison.Ordinal), $"{bad.Name}: stored as '{error.Reason}'");
        }

        Assert.Equal(alone.Count, errors.Count(e => !e.Origin.Contains(" record ", StringComparison.Ordinal) && e.Reason.StartsWith("invalid_json:", StringComparison.Ordinal)));
    }

    private static bool IsJson(BadFlagRecord bad)
    {
        try
        {
            using var document = JsonDocument.Parse(bad.Json);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public void Dispose() => factory.Dispose();
}
