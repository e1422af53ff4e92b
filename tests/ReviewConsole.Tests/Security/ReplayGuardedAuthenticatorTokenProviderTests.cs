using System.Text;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Tests.Security;

public sealed class ReplayGuardedAuthenticatorTokenProviderTests
{
    [Theory]
    // RFC 6238 appendix B (SHA-1 seed), last six digits.
    [InlineData(59L, 287082)]
    [InlineData(1111111109L, 081804)]
    [InlineData(1234567890L, 005924)]
    [InlineData(2000000000L, 279037)]
    public void ComputeCode_RfcVectors_Match(long unixSeconds, int expected)
    {
        var key = Encoding.ASCII.GetBytes("12345678901234567890");

        var code = ReplayGuardedAuthenticatorTokenProvider.ComputeCode(key, ReplayGuardedAuthenticatorTokenProvider.CurrentStep(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

        Assert.Equal(expected, code);
    }

    [Fact]
    public void Base32Decode_KnownValue_RoundTrips()
    {
        // "12345678901234567890" in Base32, as authenticator apps receive it.
        var bytes = ReplayGuardedAuthenticatorTokenProvider.Base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");

        Assert.Equal("12345678901234567890", Encoding.ASCII.GetString(bytes));
    }
}
