namespace ReviewConsole.Features.Statistics;

/// <summary>
/// Statistical disclosure control for one export: primary suppression of small counts (1 to below the
/// threshold) and complementary suppression, so that no suppressed count can be worked out from the
/// other numbers of the same export. Each additive relation (a total and the parts of one breakdown;
/// two breakdowns of the same items share their total) must leave either no unknown term or at least
/// two, and when its total is published the unknown parts must add up to at least the threshold, so
/// that "total minus the published parts" neither names one cell nor pins several small ones (two
/// suppressed cells adding up to 2 are both 1). Complements are the smallest published non-zero
/// parts, then the total; the rule is applied to every relation until nothing changes, because a
/// suppressed total must be protected in each breakdown it belongs to.
/// Every withheld cell reads the same ("suppressed"), so a reader cannot tell a small count from its
/// complement. A last pass narrows every count's range from all relations at once and adds a
/// complement wherever a small count would still be pinned to one value.
/// Hidden cells are numbers that are not published but follow from published ones (appeals upheld =
/// decided − overturned); they take part as unknowns, and a small one is protected like a published one.
/// </summary>
public sealed class ComplementarySuppression(int threshold)
{
    private readonly List<Cell> cells = [];
    private readonly List<(int Total, int[] Parts)> relations = [];

    public int Add(string section, string key, int count, bool hidden = false)
    {
        cells.Add(new Cell(section, key, count, hidden));
        return cells.Count - 1;
    }

    /// <summary>Declares <paramref name="total"/> = the sum of <paramref name="parts"/>.</summary>
    public void Relate(int total, IEnumerable<int> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var list = parts.ToArray();
        if (cells[total].Count != list.Sum(p => cells[p].Count))
        {
            throw new InvalidOperationException($"{cells[total].Section}/{cells[total].Key} is not the sum of its parts.");
        }

        relations.Add((total, list));
    }

    public IReadOnlyList<(int Total, int[] Parts)> Relations => relations;

    public int Count(int cell) => cells[cell].Count;

    public bool IsHidden(int cell) => cells[cell].Hidden;

    public (string Section, string Key) Name(int cell) => (cells[cell].Section, cells[cell].Key);

    /// <summary>Computes which cells are withheld; published cells are the others (hidden ones never are).</summary>
    public IReadOnlySet<int> Solve()
    {
        var unknown = new HashSet<int>();
        for (var i = 0; i < cells.Count; i++)
        {
            if (cells[i].Hidden || Sensitive(i))
            {
                unknown.Add(i);
            }
        }

        while (true)
        {
            var changed = true;
            while (changed)
            {
                changed = false;
                foreach (var (total, parts) in relations)
                {
                    while (NeedsComplement(unknown, total, parts) && Complement(unknown, total, parts) is { } c)
                    {
                        unknown.Add(c);
                        changed = true;
                    }
                }
            }

            // Safety net across relations: narrow every unknown's range from all relations together
            // (as an attacker would) and protect any small count that ends up pinned to one value.
            var bounds = Bounds(unknown);
            var pinned = unknown.FirstOrDefault(i => Sensitive(i) && bounds[i].Low == bounds[i].High, -1);
            if (pinned < 0)
            {
                break;
            }

            var added = relations.Where(r => r.Total == pinned || r.Parts.Contains(pinned))
                .Select(r => Complement(unknown, r.Total, r.Parts)).FirstOrDefault(c => c is not null);
            if (added is not { } extra)
            {
                break;
            }

            unknown.Add(extra);
        }

        unknown.RemoveWhere(i => cells[i].Hidden);
        return unknown;
    }

    /// <summary>
    /// What someone reading the export can narrow each count to: published counts are exact, withheld
    /// ones are at least 1 (zeros are published, and withheld cells all read the same), hidden ones at
    /// least 0; then each relation tightens its total and parts against each other until nothing moves.
    /// </summary>
    public IReadOnlyList<(long Low, long High)> Bounds(IReadOnlySet<int> withheld)
    {
        ArgumentNullException.ThrowIfNull(withheld);
        const long Unbounded = long.MaxValue / 4;
        var bounds = cells.Select((c, i) => c.Hidden ? (0L, Unbounded) : withheld.Contains(i) ? (1L, Unbounded) : ((long)c.Count, (long)c.Count)).ToArray();
        for (var round = 0; round < 100; round++)
        {
            var moved = false;
            void Narrow(int cell, long low, long high)
            {
                var (l, h) = bounds[cell];
                var nl = Math.Max(l, low);
                var nh = Math.Min(h, high);
                if (nl != l || nh != h)
                {
                    bounds[cell] = (nl, nh);
                    moved = true;
                }
            }

            foreach (var (total, parts) in relations)
            {
                // Sums saturate at Unbounded: an unbounded part leaves the others unbounded above.
                long Saturated(IEnumerable<long> values) => values.Aggregate(0L, (sum, v) => Math.Min(Unbounded, sum + Math.Min(v, Unbounded)));
                Narrow(total, Saturated(parts.Select(p => bounds[p].Item1)), Saturated(parts.Select(p => bounds[p].Item2)));
                foreach (var part in parts)
                {
                    var others = parts.Where(p => p != part).ToList();
                    var othersLow = Saturated(others.Select(p => bounds[p].Item1));
                    var othersHigh = Saturated(others.Select(p => bounds[p].Item2));
                    var high = bounds[total].Item2 >= Unbounded ? Unbounded : bounds[total].Item2 - othersLow;
                    var low = othersHigh >= Unbounded ? 0 : bounds[total].Item1 - othersHigh;
                    Narrow(part, low, high);
                }
            }

            if (!moved)
            {
                break;
            }
        }

        return bounds;
    }

    private int? Complement(HashSet<int> unknown, int total, int[] parts) =>
        parts.Where(p => !unknown.Contains(p) && cells[p].Count > 0).OrderBy(p => cells[p].Count).ThenBy(p => p).Cast<int?>().FirstOrDefault()
        ?? (unknown.Contains(total) ? null : total);

    private bool Sensitive(int cell) => cells[cell].Count > 0 && cells[cell].Count < threshold;

    private bool NeedsComplement(HashSet<int> unknown, int total, int[] parts)
    {
        var terms = parts.Append(total).Where(unknown.Contains).ToList();
        // Only a relation that holds something to protect needs complements: a withheld small count,
        // or a complement (published elsewhere it could unlock another relation). A hidden count that
        // is not small may be derived.
        if (!terms.Exists(t => !cells[t].Hidden || Sensitive(t)))
        {
            return false;
        }

        if (terms.Count == 1)
        {
            return true;
        }

        return !unknown.Contains(total) && terms.Sum(t => cells[t].Count) < threshold;
    }

    private sealed record Cell(string Section, string Key, int Count, bool Hidden);
}
