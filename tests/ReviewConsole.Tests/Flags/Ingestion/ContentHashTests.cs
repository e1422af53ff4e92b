using ReviewConsole.Features.Flags.Ingestion;

namespace ReviewConsole.Tests.Flags.Ingestion;

/// <summary>The content hash is SHA-256 of UTF-8("{prompt length}:{prompt}{completion}"), whatever the
/// text holds: encoded part by part, a surrogate pair split across prompt and completion, lone
/// surrogates and long texts hash exactly as the concatenated string does.</summary>
public sealed class ContentHashTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("Write a reply", "Limited offer, buy now")]
    [InlineData("ends with a high surrogate \ud83d", "\ude00 starts with its low surrogate")]
    [InlineData("lone \ud800 high", "lone \udc00 low")]
    [InlineData("\u00e9\u4e2d<script>alert(1)</script>", "\U0001F600 emoji")]
    public void ContentHash_EqualsTheHashOfTheConcatenatedText(string prompt, string completion)
    {
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(prompt.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + prompt + completion)));

        Assert.Equal(expected, FlagIngestionService.ContentHash(prompt, completion));
    }

    [Fact]
    public void ContentHash_LongTexts_EqualTheHashOfTheConcatenatedText()
    {
        var prompt = new string('p', 20_000);
        var completion = string.Concat(Enumerable.Repeat("\u4e2d\U0001F600 ", 5_000));
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes("20000:" + prompt + completion)));

        Assert.Equal(expected, FlagIngestionService.ContentHash(prompt, completion));
    }
}
