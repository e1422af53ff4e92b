using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data.Flags;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Flags.Ingestion;

public sealed class IntakeStartupTests
{
    [Fact]
    public async Task Start_DemoFeedOn_SeedsTheBacklogThroughHangfire()
    {
        using var factory = new ConsoleAppFactory();
        factory.Settings["Demo:FeedEnabled"] = "true";
        factory.Settings["Demo:BacklogSize"] = "25";
        using var client = factory.CreateAnonymous();

        var count = 0;
        for (var attempt = 0; attempt < 120 && count < 25; attempt++)
        {
            await Task.Delay(500);
            await using var db = factory.Database.CreateContext();
            count = await db.Set<Flag>().CountAsync(f => f.Source == FlagSource.Demo);
        }

        Assert.True(count >= 25, $"only {count} demo flags after a minute");
    }

    [Theory]
    [InlineData("Feed:BaseUrl", "not a url", "BaseUrl")]
    [InlineData("Feed:PageSize", "5000", "PageSize")]
    [InlineData("Ingestion:MaxFieldChars", "10", "MaxFieldChars")]
    [InlineData("FileDrop:PollInterval", "00:00:05", "PollInterval")]
    public void Start_InvalidIntakeSetting_FailsNamingTheKey(string key, string value, string named)
    {
        using var factory = new ConsoleAppFactory();
        factory.Settings[key] = value;

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateAnonymous());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
