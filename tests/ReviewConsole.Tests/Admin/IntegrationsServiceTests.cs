using Microsoft.Extensions.Configuration;
using ReviewConsole.Features.Admin;

namespace ReviewConsole.Tests.Admin;

public sealed class IntegrationsServiceTests
{
    private readonly IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Platform:Gateway"] = "Http",
        ["Platform:BaseUrl"] = "https://platform.example",
        ["Platform:SigningSecret"] = "whsec_very_secret",
        ["Feed:BaseUrl"] = "https://user:pa55@feed.example/v1",
        ["Feed:ApiToken"] = "feed-token-123",
        ["ConnectionStrings:SqlServer"] = "Server=db;Password=hunter2",
    }).Build();

    [Fact]
    public void Flatten_Secrets_AreMasked()
    {
        var platform = IntegrationsService.Flatten(configuration.GetSection("Platform"));
        var feed = IntegrationsService.Flatten(configuration.GetSection("Feed"));
        var connections = IntegrationsService.Flatten(configuration.GetSection("ConnectionStrings"));

        var all = platform.Concat(feed).Concat(connections).ToList();
        Assert.DoesNotContain(all, s => s.Value.Contains("whsec", StringComparison.Ordinal) || s.Value.Contains("hunter2", StringComparison.Ordinal)
            || s.Value.Contains("pa55", StringComparison.Ordinal) || s.Value.Contains("feed-token", StringComparison.Ordinal));
        Assert.True(platform.Single(s => s.Key == "Platform:SigningSecret").Masked);
        Assert.True(connections.Single().Masked);
        Assert.Equal("https://platform.example", platform.Single(s => s.Key == "Platform:BaseUrl").Value);
        Assert.StartsWith("https://feed.example/v1", feed.Single(s => s.Key == "Feed:BaseUrl").Value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Platform:SigningSecret", true)]
    [InlineData("Feed:ApiToken", true)]
    [InlineData("Seed:AdminPassword", true)]
    [InlineData("ConnectionStrings:Sqlite", true)]
    [InlineData("Feed:PageSize", false)]
    [InlineData("Platform:Gateway", false)]
    public void IsSecret_Keys_Classified(string key, bool secret) => Assert.Equal(secret, IntegrationsService.IsSecret(key));
}
