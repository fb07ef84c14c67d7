using System.Text;
using CsCheck;
using SgConfigRule.Input;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// The cache of repeated short ids (<see cref="StringCache"/>): it gives the text's own string whatever came before,
/// one instance for a value read again, and spreads ids that differ only inside over its slots (a hash that looked at
/// too little would make every repeated account or VPC id a new string).
/// </summary>
public sealed class StringCacheTests
{
    [Fact]
    public void It_gives_the_texts_own_string_and_one_instance_for_a_value_read_again()
    {
        var values = Gen.Char["ab-0123456789xyz:/"].Array[0, 80].Select(c => new string(c));
        values.Array[1, 50].Sample(sequence =>
        {
            var cache = new StringCache();
            foreach (var value in sequence)
            {
                var bytes = Encoding.ASCII.GetBytes(value);
                var first = cache.Get(bytes);
                Assert.Equal(value, first);
                var again = cache.Get(bytes);
                Assert.Equal(value, again);
                if (value.Length <= 64) Assert.Same(first, again);
            }
        }, iter: 2_000, threads: 1);
    }

    [Fact]
    public void Ids_that_differ_only_in_their_middle_are_all_kept()
    {
        // VPC ids 21 characters long that differ in characters 9-12 only: 500 of them, then each read again.
        var cache = new StringCache();
        var ids = Enumerable.Range(0, 500).Select(i => $"vpc-0123{i:x4}56789abcd").ToArray();
        var first = ids.Select(id => cache.Get(Encoding.ASCII.GetBytes(id))).ToArray();
        var kept = ids.Select((id, i) => ReferenceEquals(cache.Get(Encoding.ASCII.GetBytes(id)), first[i])).Count(same => same);
        // A direct-mapped cache of 1024 slots keeps most of 500 well-spread keys; a hash of the ends alone would keep one.
        Assert.True(kept > 250, $"only {kept} of 500 ids kept");
    }
}
