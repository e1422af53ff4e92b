using Microsoft.Extensions.Options;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Flags;

public sealed class TriageStartupTests
{
    [Theory]
    [InlineData("FlagsTriage:RateLimit:Rpm", "0")]
    [InlineData("FlagsTriage:RateLimit:Tpm", "-1")]
    public void Start_NonPositiveDecisionRateLimit_FailsNamingTheKey(string key, string value)
    {
        using var factory = new ConsoleAppFactory();
        factory.Settings[key] = value;

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateAnonymous());

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
