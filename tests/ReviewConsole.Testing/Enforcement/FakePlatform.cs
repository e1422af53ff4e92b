using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReviewConsole.Features.Enforcement;

namespace ReviewConsole.Testing.Enforcement;

public enum PlatformFault
{
    None,
    ServerError,
    ServerErrorAfterApplying,
    Timeout,
    TimeoutAfterApplying,
    SlowButFine,
    DropConnection,
    DropConnectionAfterApplying,
}

/// <summary>
/// The API platform's admin API on a real loopback HTTP server, with injected faults. It verifies
/// every request's Standard Webhooks signature, de-duplicates by Idempotency-Key and counts the
/// effects it applied and the requests it received per key. Some faults strike after the effect
/// was applied (the answer is lost), which is what makes idempotency keys necessary.
/// </summary>
public sealed class FakePlatform : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, int> effects = new();
    private readonly ConcurrentDictionary<string, int> deliveries = new();
    private readonly Lock gate = new();
    private readonly Random random;

    private FakePlatform(WebApplication app, string secret, double faultRate, int seed, TimeSpan slow)
    {
        this.app = app;
        Secret = secret;
        FaultRate = faultRate;
        Slow = slow;
        random = new Random(seed);
    }

    public string Secret { get; }

    public double FaultRate { get; }

    public TimeSpan Slow { get; }

    public Uri BaseUrl { get; private set; } = default!;

    /// <summary>How long every request takes before it is answered (a slow platform keeps actions in flight).</summary>
    public TimeSpan Delay { get; set; }

    private int rejected;
    private int faultsInjected;

    public int Rejected => Volatile.Read(ref rejected);

    public int FaultsInjected => Volatile.Read(ref faultsInjected);

    public IReadOnlyDictionary<string, int> Effects => effects;

    public IReadOnlyDictionary<string, int> Deliveries => deliveries;

    /// <summary>Starts the platform on 127.0.0.1 with a random port.</summary>
    public static async Task<FakePlatform> StartAsync(string secret, double faultRate = 0, int seed = 7, TimeSpan? slow = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var platform = new FakePlatform(app, secret, faultRate, seed, slow ?? TimeSpan.FromSeconds(1.5));
        app.MapPost("/admin/v1/enforcement-actions", platform.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        platform.BaseUrl = new Uri(address + "/admin/");
        return platform;
    }

    private PlatformFault NextFault()
    {
        lock (gate)
        {
            if (random.NextDouble() >= FaultRate)
            {
                return PlatformFault.None;
            }

            var faults = Enum.GetValues<PlatformFault>()[1..];
            return faults[random.Next(faults.Length)];
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, CancellationToken.None);
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers;
        var check = WebhookSignature.Verify(Secret, headers[WebhookSignature.IdHeader], headers[WebhookSignature.TimestampHeader], headers[WebhookSignature.SignatureHeader], body, DateTimeOffset.UtcNow);
        string? key = headers["Idempotency-Key"];
        if (check != SignatureCheck.Valid || string.IsNullOrEmpty(key) || key != headers[WebhookSignature.IdHeader])
        {
            Interlocked.Increment(ref rejected);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync($"signature: {check}");
            return;
        }

        deliveries.AddOrUpdate(key, 1, (_, n) => n + 1);
        var fault = NextFault();
        if (fault != PlatformFault.None)
        {
            Interlocked.Increment(ref faultsInjected);
        }

        switch (fault)
        {
            case PlatformFault.ServerError:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("injected failure");
                return;
            case PlatformFault.Timeout:
                await Task.Delay(Slow, CancellationToken.None);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            case PlatformFault.DropConnection:
                context.Abort();
                return;
            default:
                break;
        }

        // The effect: applied once per idempotency key however often the request arrives.
        effects.TryAdd(key, 0);
        lock (gate)
        {
            if (effects[key] == 0)
            {
                effects[key] = 1;
            }
        }

        switch (fault)
        {
            case PlatformFault.ServerErrorAfterApplying:
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                return;
            case PlatformFault.TimeoutAfterApplying:
                await Task.Delay(Slow, CancellationToken.None);
                break;
            case PlatformFault.SlowButFine:
                await Task.Delay(Slow / 4, CancellationToken.None);
                break;
            case PlatformFault.DropConnectionAfterApplying:
                context.Abort();
                return;
            default:
                break;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        await context.Response.WriteAsJsonAsync(new { id = key, applied = true });
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
