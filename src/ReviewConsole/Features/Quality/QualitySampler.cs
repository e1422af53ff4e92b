using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ReviewConsole.Features.Quality;

/// <summary>
/// The random draws of review-quality sampling. Double review is decided per flag from a keyed hash
/// of its id (stable: the same flag is always in or out, whoever decides it and however often the
/// transaction is retried); golden items are a fresh draw per Next claim.
/// </summary>
public class QualitySampler(Random random)
{
    private static readonly byte[] Salt = Encoding.UTF8.GetBytes("reviewconsole.double-review.v1");

    public QualitySampler()
        : this(Random.Shared)
    {
    }

    /// <summary>A uniform draw in [0, 1) for one Next claim.</summary>
    public virtual double NextClaimDraw() => random.NextDouble();

    /// <summary>A uniform value in [0, 1) fixed for the flag.</summary>
    public static double FlagDraw(long flagId)
    {
        Span<byte> input = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(input, flagId);
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(Salt, input, hash);
        return (BinaryPrimitives.ReadUInt64LittleEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }
}
