using ReviewConsole.Components;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Admin;
using ReviewConsole.Features.Appeals;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Dashboard;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.Flags;
using ReviewConsole.Features.Incidents;
using ReviewConsole.Features.Statistics;
using ReviewConsole.Features.UseCases;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.BackgroundJobs;
using ReviewConsole.Infrastructure.Database;
using ReviewConsole.Infrastructure.Health;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Infrastructure.Web;

var builder = WebApplication.CreateBuilder(args);

builder.AddTransportSecurity();
builder.AddDatabase();
builder.AddIdentityAndAccess();
builder.AddBackgroundJobs();
builder.AddWebShell();
builder.Services.AddApiTokens();
builder.Services.AddHealth();
builder.Services.AddAudit();
builder.Services.AddActors();
builder.Services.AddEnforcement(builder.Configuration);
builder.Services.AddIncidents(builder.Configuration);
builder.Services.AddStatistics(builder.Configuration);
builder.Services.AddAppeals(builder.Configuration);
builder.Services.AddFlagsTriage(builder.Configuration);
builder.Services.AddDashboard();
builder.Services.AddAdmin();
builder.Services.AddUseCases(builder.Configuration);
builder.Services.AddFlagsIntake(builder.Configuration);

var app = builder.Build();

await app.PrepareDatabaseAsync();
await app.SeedIdentityAsync();

app.UseTransportSecurity();
app.UseWebShell();
app.MapHealth();
app.MapBackgroundJobs();
app.MapStatistics();
app.MapActors();
app.MapAppeals();
app.MapFlagsIntake();
app.MapWebShell<App>();
app.MapUseCases();
app.MapAudit();
app.MapApiTokens();

await app.RunAsync();

/// <summary>Entry point, public so WebApplicationFactory can host the app in tests.</summary>
public partial class Program;
