using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ReviewConsole.IntegrationTests.Flags.Ingestion;

/// <summary>Valid flag records for intake tests.</summary>
internal static class IntakeRecords
{
    public static JsonObject Record(string id, string completion = "Generic completion text", string org = "org_feed") => new()
    {
        ["id"] = id,
        ["created_at"] = DateTimeOffset.UtcNow.AddMinutes(-30).ToString("O"),
        ["org_id"] = org,
        ["app_id"] = org + "_app",
        ["api_key_id"] = org + "_key",
        ["model"] = "lm-large",
        ["prompt"] = "prompt of " + id,
        ["completion"] = completion + " " + id,
        ["classifier"] = new JsonObject { ["name"] = "omni-moderation", ["version"] = "2025-06-01" },
        ["moderation"] = new JsonObject
        {
            ["flagged"] = true,
            ["categories"] = new JsonObject { ["harassment"] = true, ["self-harm/intent"] = false },
            ["category_scores"] = new JsonObject { ["harassment"] = 0.88, ["self-harm/intent"] = 0.02 },
        },
    };
}

/// <summary>
/// A fake detection pipeline: a real Kestrel server on 127.0.0.1 serving
/// <c>GET /flags?cursor=C&amp;limit=N</c> from fixed pages, recording every cursor asked for.
/// </summary>
internal sealed class FakePipeline : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakePipeline(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Pages by the cursor that fetches them ("" = the start). Each page's next cursor is the next key.</summary>
    public static async Task<FakePipeline> StartAsync(IReadOnlyList<JsonArray> pages, Func<string, Task>? beforeAnswer = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakePipeline? self = null;
        app.MapGet("/flags", async (HttpContext context, string? cursor, int limit) =>
        {
            var key = cursor ?? "";
            self!.Requests.Enqueue(key);
            if (beforeAnswer is not null)
            {
                await beforeAnswer(key);
            }

            var index = key.Length == 0 ? 0 : int.Parse(key.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            var data = index < pages.Count ? pages[index].DeepClone() : new JsonArray();
            var hasMore = index < pages.Count - 1;
            var next = index < pages.Count ? "p" + (index + 1) : key;
            var body = new JsonObject { ["data"] = data, ["next_cursor"] = next, ["has_more"] = hasMore };
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body.ToJsonString());
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakePipeline(app, new Uri(address));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>Simulates a process killed between fetching a page and committing it: the next
/// <see cref="Remaining"/> commits fail (the transaction rolls back, as a crash would leave it).</summary>
internal sealed class FailingCommitInterceptor : DbTransactionInterceptor
{
    public int Remaining { get; set; }

    public int Failed { get; private set; }

    public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (Remaining > 0)
        {
            Remaining--;
            Failed++;
            throw new IOException("Simulated crash before commit.");
        }

        return base.TransactionCommittingAsync(transaction, eventData, result, cancellationToken);
    }
}

internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
