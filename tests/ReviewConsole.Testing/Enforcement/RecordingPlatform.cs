using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReviewConsole.Features.Enforcement;

namespace ReviewConsole.Testing.Enforcement;

/// <summary>One request the platform received, as it arrived.</summary>
public sealed record ReceivedCall(string IdempotencyKey, string Body, int Answer)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public string Kind => Json.GetProperty("kind").GetString()!;

    public JsonElement Parameters => Json.GetProperty("parameters");
}

/// <summary>
/// The platform's admin API on a real loopback Kestrel server that keeps every request body it
/// received (signature verified) and answers from a script: queued answers first (e.g. 409, then
/// 429 with Retry-After), 200 afterwards.
/// </summary>
public sealed class RecordingPlatform : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedCall> received = new();
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> script = new();

    private RecordingPlatform(WebApplication app, string secret)
    {
        this.app = app;
        Secret = secret;
    }

    public const string DefaultSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    public string Secret { get; }

    public Uri BaseUrl { get; private set; } = default!;

    public IReadOnlyList<ReceivedCall> Received => received.ToList();

    /// <summary>The calls the platform accepted (answered 2xx).</summary>
    public IReadOnlyList<ReceivedCall> Applied => received.Where(r => r.Answer is >= 200 and < 300).ToList();

    public void AnswerNext(int status, string? retryAfter = null) => script.Enqueue((status, retryAfter));

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Platform:Gateway"] = "Http",
        ["Platform:BaseUrl"] = BaseUrl.ToString(),
        ["Platform:SigningSecret"] = Secret,
    };

    public static async Task<RecordingPlatform> StartAsync(string secret = DefaultSecret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var platform = new RecordingPlatform(app, secret);
        app.MapPost("/admin/v1/enforcement-actions", platform.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        platform.BaseUrl = new Uri(address + "/admin/");
        return platform;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers;
        var check = WebhookSignature.Verify(Secret, headers[WebhookSignature.IdHeader], headers[WebhookSignature.TimestampHeader], headers[WebhookSignature.SignatureHeader], body, DateTimeOffset.UtcNow);
        string key = headers["Idempotency-Key"].ToString();
        if (check != SignatureCheck.Valid)
        {
            received.Enqueue(new ReceivedCall(key, body, 401));
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var (status, retryAfter) = script.TryDequeue(out var next) ? next : (200, null);
        received.Enqueue(new ReceivedCall(key, body, status));
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        context.Response.StatusCode = status;
        await context.Response.WriteAsync(status == 200 ? "{\"applied\":true}" : "{\"error\":\"scripted\"}");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
