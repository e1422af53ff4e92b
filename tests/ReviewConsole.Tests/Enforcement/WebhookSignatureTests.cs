using ReviewConsole.Features.Enforcement;

namespace ReviewConsole.Tests.Enforcement;

public sealed class WebhookSignatureTests
{
    private const string Secret = "a-test-signing-secret-of-length";
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Verify_SignedMessage_IsValid()
    {
        var timestamp = Now.ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign(Secret, "msg_1", timestamp, """{"kind":"RevokeKey"}""");

        var check = WebhookSignature.Verify(Secret, "msg_1", timestamp.ToString(), signature, """{"kind":"RevokeKey"}""", Now.AddSeconds(30));

        Assert.Equal(SignatureCheck.Valid, check);
        Assert.StartsWith("v1,", signature);
    }

    [Fact]
    public void Sign_KnownVector_MatchesStandardWebhooksReference()
    {
        // The Standard Webhooks specification's test vector (whsec_ secret, base64 key).
        var signature = WebhookSignature.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}""");

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Verify_TamperedBody_IsRejected()
    {
        var timestamp = Now.ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign(Secret, "msg_1", timestamp, """{"kind":"RevokeKey","target":"key_a"}""");

        var check = WebhookSignature.Verify(Secret, "msg_1", timestamp.ToString(), signature, """{"kind":"RevokeKey","target":"key_b"}""", Now);

        Assert.Equal(SignatureCheck.BadSignature, check);
    }

    [Fact]
    public void Verify_OtherIdOrSecret_IsRejected()
    {
        var timestamp = Now.ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign(Secret, "msg_1", timestamp, "{}");

        Assert.Equal(SignatureCheck.BadSignature, WebhookSignature.Verify(Secret, "msg_2", timestamp.ToString(), signature, "{}", Now));
        Assert.Equal(SignatureCheck.BadSignature, WebhookSignature.Verify(Secret + "x", "msg_1", timestamp.ToString(), signature, "{}", Now));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    public void Verify_StaleOrFutureTimestamp_IsRejected(int offsetSeconds)
    {
        var sentAt = Now.AddSeconds(offsetSeconds);
        var signature = WebhookSignature.Sign(Secret, "msg_1", sentAt.ToUnixTimeSeconds(), "{}");

        var check = WebhookSignature.Verify(Secret, "msg_1", sentAt.ToUnixTimeSeconds().ToString(), signature, "{}", Now);

        Assert.Equal(SignatureCheck.StaleTimestamp, check);
    }

    [Fact]
    public void Verify_SeveralSignatures_AcceptsAnyValidOne()
    {
        var timestamp = Now.ToUnixTimeSeconds();
        var good = WebhookSignature.Sign(Secret, "msg_1", timestamp, "{}");

        var check = WebhookSignature.Verify(Secret, "msg_1", timestamp.ToString(), "v1,bm90LWl0 " + good, "{}", Now);

        Assert.Equal(SignatureCheck.Valid, check);
    }

    [Fact]
    public void Verify_MissingHeaders_IsRejected()
    {
        Assert.Equal(SignatureCheck.MissingHeaders, WebhookSignature.Verify(Secret, null, "1", "v1,x", "{}", Now));
        Assert.Equal(SignatureCheck.StaleTimestamp, WebhookSignature.Verify(Secret, "id", "not-a-number", "v1,x", "{}", Now));
    }
}
