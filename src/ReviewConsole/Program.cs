using ReviewConsole.Components;
using ReviewConsole.Features.Admin;
using ReviewConsole.Features.Dashboard;
using ReviewConsole.Infrastructure.BackgroundJobs;
using ReviewConsole.Infrastructure.Database;
using ReviewConsole.Infrastructure.Health;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Infrastructure.Web;

var builder = WebApplication.CreateBuilder(args);

builder.AddDatabase();
builder.AddIdentityAndAccess();
builder.AddBackgroundJobs();
builder.AddWebShell();
builder.Services.AddHealth();
builder.Services.AddDashboard();
builder.Services.AddAdmin();

var app = builder.Build();

await app.PrepareDatabaseAsync();
await app.SeedIdentityAsync();

app.UseWebShell();
app.MapHealth();
app.MapBackgroundJobs();
app.MapWebShell<App>();

await app.RunAsync();

/// <summary>Entry point, public so WebApplicationFactory can host the app in tests.</summary>
public partial class Program;
