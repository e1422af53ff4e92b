using System.Globalization;
using System.Numerics;
using System.Text;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// 64-bit SimHash over word shingles of normalized text (Charikar 2002): near-duplicate texts get
/// hashes a few bits apart, unrelated texts about 32 bits apart. Shingles are single words by
/// default: flagged completions are a few sentences, and on texts that short a one-word edit moves a
/// 3-shingle hash by 10–15 bits (as far as a different text of the same template), while single
/// words keep campaign variants within 3–7 bits and unrelated texts above 20 (see SimHashTests). Normalization folds case, width
/// and accents, maps digits to 0 and drops punctuation, so campaign variants that only change a
/// number, a name's accent or the punctuation land together. Deterministic across processes
/// (FNV-1a, never <see cref="string.GetHashCode()"/>).
/// </summary>
public static class SimHash
{
    public const int ShingleSize = 1;

    public static long Compute(string text, int shingleSize = ShingleSize)
    {
        ArgumentNullException.ThrowIfNull(text);
        return FromWords(Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries), shingleSize);
    }

    /// <summary>The SimHash of already normalized words (see <see cref="Normalize"/>); 0 for none.</summary>
    public static long FromWords(string[] words, int shingleSize = ShingleSize)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (words.Length == 0)
        {
            return 0;
        }

        Span<int> weights = stackalloc int[64];
        var shingles = Math.Max(1, words.Length - shingleSize + 1);
        for (var i = 0; i < shingles; i++)
        {
            var hash = shingleSize == 1 ? Fnv1a64(words[i]) : Fnv1a64(string.Join(' ', words, i, Math.Min(shingleSize, words.Length - i)));
            for (var bit = 0; bit < 64; bit++)
            {
                weights[bit] += ((hash >> bit) & 1) == 1 ? 1 : -1;
            }
        }

        ulong result = 0;
        for (var bit = 0; bit < 64; bit++)
        {
            if (weights[bit] > 0)
            {
                result |= 1UL << bit;
            }
        }

        return unchecked((long)result);
    }

    public static int Distance(long a, long b) => BitOperations.PopCount(unchecked((ulong)(a ^ b)));

    /// <summary>Band buckets in all: 256 byte values for each of the eight bands.</summary>
    public const int BandBuckets = 8 * 256;

    /// <summary>The bucket of <paramref name="hash"/> in <paramref name="band"/> (0–7), in 0..<see cref="BandBuckets"/>:
    /// the band's byte value, offset so every band has buckets of its own.</summary>
    public static int BandBucket(long hash, int band) => (band * 256) + (int)((unchecked((ulong)hash) >> (8 * band)) & 0xFF);

    /// <summary>The eight bytes of the hash: two hashes within distance 7 share at least one band.</summary>
    public static int[] Bands(long hash)
    {
        var bands = new int[8];
        var value = unchecked((ulong)hash);
        for (var i = 0; i < 8; i++)
        {
            bands[i] = (int)((value >> (8 * i)) & 0xFF);
        }

        return bands;
    }

    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = text.Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        var space = true;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            if (char.IsDigit(c))
            {
                builder.Append('0');
                space = false;
            }
            else if (char.IsLetter(c))
            {
                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (!space)
            {
                builder.Append(' ');
                space = true;
            }
        }

        return builder.ToString().TrimEnd();
    }

    private static ulong Fnv1a64(string value)
    {
        var hash = 14695981039346656037UL;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(value.Length) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(value, buffer)] : Encoding.UTF8.GetBytes(value);
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }

        // FNV's high bits mix poorly for short inputs; the MurmurHash3 finalizer spreads every
        // input bit over all 64 output bits, which SimHash's per-bit vote needs.
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return hash;
    }
}
