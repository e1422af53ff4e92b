using Hangfire;
using Microsoft.Extensions.Options;
using ReviewConsole.Features.Flags.Feedback;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Features.PolicyCategories;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.BackgroundJobs;

namespace ReviewConsole.Features.Flags;

/// <summary>Flag intake (pull feed, file drop, push API, demo feed), the policy taxonomy, and classifier feedback.</summary>
public static class FlagsIntakeFeature
{
    public static IServiceCollection AddFlagsIntake(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<IngestionOptions>().Bind(configuration.GetSection(IngestionOptions.SectionName));
        services.AddSingleton<IValidateOptions<IngestionOptions>, IngestionOptionsValidator>();
        services.AddOptionsWithValidateOnStart<FeedOptions>().Bind(configuration.GetSection(FeedOptions.SectionName));
        services.AddSingleton<IValidateOptions<FeedOptions>, FeedOptionsValidator>();
        services.AddOptionsWithValidateOnStart<FileDropOptions>().Bind(configuration.GetSection(FileDropOptions.SectionName));
        services.AddSingleton<IValidateOptions<FileDropOptions>, FileDropOptionsValidator>();
        services.AddOptionsWithValidateOnStart<DemoFeedOptions>().Bind(configuration.GetSection(DemoFeedOptions.SectionName));
        services.AddSingleton<IValidateOptions<DemoFeedOptions>, DemoFeedOptionsValidator>();

        services.AddSingleton<PolicyCatalogService>();
        services.AddSingleton<UnknownCategoryService>();
        services.AddSingleton<FlagIngestionService>();
        services.AddSingleton<IngestionErrorService>();
        services.AddSingleton<ClassifierFeedbackService>();
        services.AddHttpClient<IFlagFeedClient, HttpFlagFeedClient>();
        services.AddTransient<PullFlagsJob>();
        services.AddTransient<IngestFileDropJob>();
        services.AddTransient<RunDemoFeedJob>();
        services.AddTransient<RefreshFlagPriorityJob>();
        services.AddSingleton<IRecurringJobRegistration, FlagsIntakeJobs>();
        return services;
    }

    public static WebApplication MapFlagsIntake(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapApiV1().MapFlagsApi();
        app.MapClassifierExport();
        return app;
    }
}

/// <summary>The intake's recurring jobs; a source that is configured off has its job removed.</summary>
public sealed class FlagsIntakeJobs(
    IOptions<FeedOptions> feed,
    IOptions<FileDropOptions> fileDrop,
    IOptions<DemoFeedOptions> demo,
    IOptions<IngestionOptions> ingestion) : IRecurringJobRegistration
{
    public void Register(IRecurringJobManager recurring)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        if (feed.Value.Enabled)
        {
            recurring.AddOrUpdate<PullFlagsJob>(PullFlagsJob.Name, job => job.RunAsync(CancellationToken.None), feed.Value.Cron);
        }
        else
        {
            recurring.RemoveIfExists(PullFlagsJob.Name);
        }

        if (fileDrop.Value.Enabled)
        {
            recurring.AddOrUpdate<IngestFileDropJob>(IngestFileDropJob.Name, job => job.RunAsync(CancellationToken.None), fileDrop.Value.Cron);
        }
        else
        {
            recurring.RemoveIfExists(IngestFileDropJob.Name);
        }

        if (demo.Value.Active)
        {
            recurring.AddOrUpdate<RunDemoFeedJob>(RunDemoFeedJob.Name, job => job.RunAsync(CancellationToken.None), "* * * * *");
            // Seed the backlog now rather than a minute after start.
            recurring.Trigger(RunDemoFeedJob.Name);
        }
        else
        {
            recurring.RemoveIfExists(RunDemoFeedJob.Name);
        }

        recurring.AddOrUpdate<RefreshFlagPriorityJob>(RefreshFlagPriorityJob.Name, job => job.RunAsync(CancellationToken.None), ingestion.Value.PriorityRefreshCron);
    }
}
