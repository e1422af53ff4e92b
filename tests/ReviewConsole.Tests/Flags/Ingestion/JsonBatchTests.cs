using System.Text;
using ReviewConsole.Features.Flags.Ingestion;

namespace ReviewConsole.Tests.Flags.Ingestion;

public sealed class JsonBatchTests
{
    [Theory]
    [InlineData("""[{"id":"a","x":[1,{"y":2}]}, {"id":"b"} ,"text",7,null]""")]
    [InlineData("""{"meta":{"flags":1},"flags":[{"id":"a","x":[1,{"y":2}]},{"id":"b"},"text",7,null],"more":true}""")]
    [InlineData(""" { "flags" : 3, "flags": [ {"id":"a","x":[1,{"y":2}]} , {"id":"b"},"text",7,null ] } """)]
    public void Split_ABatch_GivesEachElementsExactBytes(string json)
    {
        var records = new List<ReadOnlyMemory<byte>>();

        var shape = JsonBatch.Split(Encoding.UTF8.GetBytes(json), "flags", 20, records, out var error);

        Assert.Equal(JsonBatchShape.Records, shape);
        Assert.Null(error);
        Assert.Equal(
            ["""{"id":"a","x":[1,{"y":2}]}""", """{"id":"b"}""", "\"text\"", "7", "null"],
            records.Select(r => Encoding.UTF8.GetString(r.Span)).ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("[{\"id\":\"a\"}")]
    [InlineData("[{\"id\":\"a\"}] trailing")]
    [InlineData("[{\"id\":\"a\"},]")]
    [InlineData("{\"flags\":[{\"id\":\"a\"}]} {}")]
    public void Split_NotJson_IsInvalidJsonWithAReason(string json)
    {
        var records = new List<ReadOnlyMemory<byte>>();

        var shape = JsonBatch.Split(Encoding.UTF8.GetBytes(json), "flags", 20, records, out var error);

        Assert.Equal(JsonBatchShape.InvalidJson, shape);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Empty(records);
    }

    [Theory]
    [InlineData("{\"records\":[{}]}")]
    [InlineData("{\"flags\":{}}")]
    [InlineData("{\"flags\":[{}],\"flags\":\"x\"}")]
    [InlineData("\"just a string\"")]
    [InlineData("42")]
    public void Split_JsonThatIsNoBatch_IsNotABatch(string json)
    {
        var records = new List<ReadOnlyMemory<byte>>();

        Assert.Equal(JsonBatchShape.NotABatch, JsonBatch.Split(Encoding.UTF8.GetBytes(json), "flags", 20, records, out _));
        Assert.Empty(records);
    }

    [Fact]
    public void Split_DeeperThanAllowed_IsInvalidJson()
    {
        var json = "[" + new string('[', 30) + new string(']', 30) + "]";

        Assert.Equal(JsonBatchShape.InvalidJson, JsonBatch.Split(Encoding.UTF8.GetBytes(json), "flags", 20, [], out _));
    }
}
