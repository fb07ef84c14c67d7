using CsCheck;
using SgConfigRule.Input;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// The fast readers' CIDR sources, one instance per value while it stays in its slot (<see cref="FastReaderScratch.Source"/>):
/// always the source of the CIDR asked for, and the ones most rules have kept side by side.
/// </summary>
public sealed class CidrSourceCacheTests
{
    private static readonly string[] Pool =
        ["0.0.0.0/0", "::/0", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "203.0.113.7/32", "203.0.113.8/32", "2001:db8::/32", "2001:db8:0:1::/64", "fd00::/8"];

    [Fact]
    public void It_gives_the_source_of_the_CIDR_asked_for()
    {
        Gen.OneOf(Gen.OneOf<string>(Pool), Gen.Select(Gen.UInt, Gen.Int[0, 32], (address, prefix) => $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}/{prefix}"))
           .Array[1, 40].Sample(texts =>
           {
               var scratch = new FastReaderScratch();
               foreach (var text in texts)
               {
                   Assert.True(Cidr.TryParse(text, out var cidr));
                   Assert.Equal(new CidrSource(cidr), scratch.Source(cidr));
               }
           }, iter: 2_000, threads: 1);
    }

    [Fact]
    public void A_CIDR_found_by_its_text_is_the_one_its_text_parses_to()
    {
        // Texts that are CIDRs, near-CIDRs and not CIDRs at all, each looked up twice among the others.
        var texts = Gen.OneOf(
            Gen.OneOf<string>(Pool),
            Gen.Select(Gen.UInt, Gen.Int[-1, 34], (address, prefix) => $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}/{prefix}"),
            Gen.OneOf<string>("10.0.0.0", "10.0.0.0/", "/8", "010.0.0.0/8", "10.0.0.0/08", " 10.0.0.0/8", "2001:DB8::/32", "2001:db8::1/128",
                              "::ffff:10.0.0.0/104", "1.2.3.4/32x", "fe80::1%eth0/64", "١٠.0.0.0/8", ""),
            Gen.Char["0123456789abcdef.:/x "].Array[0, 50].Select(c => new string(c)));
        texts.Array[1, 30].Sample(sample =>
        {
            var scratch = new FastReaderScratch();
            foreach (var text in sample.Concat(sample))
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(text);
                var found = scratch.SourceOf(bytes);
                var parses = Cidr.TryParse(text, out var cidr);
                if (found is not null) Assert.True(parses && found.Cidr == cidr, $"'{text}' found as {found}, parses {parses}");
                else Assert.False(parses && bytes.Length <= 48 && text.All(char.IsAscii), $"'{text}' parses but was not found");
            }
        }, iter: 2_000, threads: 1);
    }

    [Fact]
    public void The_whole_address_spaces_of_both_families_stay_cached_side_by_side()
    {
        var scratch = new FastReaderScratch();
        Assert.True(Cidr.TryParse("0.0.0.0/0", out var anyIPv4));
        Assert.True(Cidr.TryParse("::/0", out var anyIPv6));
        var ipv4 = scratch.Source(anyIPv4);
        var ipv6 = scratch.Source(anyIPv6);
        Assert.NotEqual<IngressSource>(ipv4, ipv6);
        Assert.Same(ipv4, scratch.Source(anyIPv4));
        Assert.Same(ipv6, scratch.Source(anyIPv6));
    }
}
