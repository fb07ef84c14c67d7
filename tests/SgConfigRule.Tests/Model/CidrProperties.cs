using System.Net;
using System.Numerics;
using CsCheck;
using SgConfigRule.Policy.Model;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Model;

/// <summary>
/// Laws of <see cref="Cidr"/> over random addresses and prefix lengths, checked against plain integer arithmetic and
/// .NET's own address formatting: a block is the range [network, network + 2^(bits - prefix) - 1].
/// </summary>
public class CidrProperties
{
    private const long Iterations = 5000;

    /// <summary>Random addresses, with the all-zeros, all-ones and half-way addresses, where masks go wrong, often.</summary>
    private static readonly Gen<uint> V4Address = Gen.Frequency(
        (4, Gen.UInt),
        (1, Gen.OneOf(0u, uint.MaxValue, 0x7FFFFFFFu, 0x80000000u, 0xFF00FF00u, 0x00FF00FFu)));

    private static readonly Gen<UInt128> V6Address = Gen.Frequency(
        (4, Gen.Select(Gen.ULong, Gen.ULong).Select(t => new UInt128(t.Item1, t.Item2))),
        (1, Gen.ULong.Select(low => new UInt128(0, low))),
        (1, Gen.OneOf(UInt128.Zero, UInt128.One, UInt128.MaxValue, UInt128.MaxValue >> 1, new UInt128(0, ulong.MaxValue))));

    [Fact]
    public void An_IPv4_block_clears_its_host_bits_and_prints_as_dotted_quad()
    {
        Gen.Select(V4Address, Gen.Int[0, 32]).Sample((address, prefix) =>
        {
            var (first, last) = Range(address, 32, prefix);
            var cidr = Cidr.Parse($"{V4Text(address)}/{prefix}");

            Assert.False(cidr.IsIPv6);
            Assert.Equal(prefix, cidr.PrefixLength);
            Assert.Equal(first, (BigInteger)cidr.Network);
            Assert.Equal(last, (BigInteger)cidr.LastAddress);
            Assert.Equal($"{V4Text((uint)first)}/{prefix}", cidr.ToString());
            Formatting.AssertFormatsAs(cidr.ToString(), cidr);
            Assert.Equal(cidr, Cidr.IPv4(address, prefix));
            Assert.Equal(cidr, Cidr.Parse(cidr.ToString()));
        }, iter: Iterations);
    }

    [Fact]
    public void An_IPv6_block_clears_its_host_bits_and_prints_in_RFC_5952_form()
    {
        Gen.Select(V6Address, Gen.Int[0, 128], Gen.Bool).Sample((address, prefix, full) =>
        {
            var (first, last) = Range(address, 128, prefix);
            var cidr = Cidr.Parse($"{(full ? V6FullText(address) : V6Text(address))}/{prefix}");

            Assert.True(cidr.IsIPv6);
            Assert.Equal(prefix, cidr.PrefixLength);
            Assert.Equal(first, (BigInteger)cidr.Network);
            Assert.Equal(last, (BigInteger)cidr.LastAddress);
            Assert.Equal($"{V6Text((UInt128)first)}/{prefix}", cidr.ToString());
            Formatting.AssertFormatsAs(cidr.ToString(), cidr);
            Assert.Equal(cidr, Cidr.IPv6(address, prefix));
            Assert.Equal(cidr, Cidr.Parse(cidr.ToString()));
        }, iter: Iterations);
    }

    [Fact]
    public void Both_parsers_agree_on_every_text()
    {
        // Texts near the valid ones: a dotted quad or IPv6 address, a slash and a prefix, each perhaps damaged.
        var pieces = Gen.OneOf<string>("10", "0", "255", "256", "01", "1000", ".", "", ":", "::", "fd00", "/", "8", "32", "33", "128", "129", "-1", "x");
        pieces.List[0, 9].Select(p => string.Concat(p)).Sample(text =>
        {
            var viaString = Cidr.TryParse(text, out var a, out var error);
            var viaSpan = Cidr.TryParse(text.AsSpan(), out var b);
            Assert.Equal(viaString, viaSpan);
            Assert.Equal(a, b);
            Assert.Equal(viaString, error is null);
        }, iter: Iterations);
    }

    [Fact]
    public void Containment_is_inclusion_of_address_ranges()
    {
        // The inner block shares the outer's address up to a random bit, so that it falls inside, across an edge or
        // outside about equally often.
        var pair = Gen.Select(Gen.Bool, V6Address, Gen.Int[0, 128], Gen.Int[0, 128], Gen.Int[0, 128], V6Address);
        pair.Sample((v6, address, outerPrefix, innerPrefix, sharedBits, noise) =>
        {
            var bits = v6 ? 128 : 32;
            outerPrefix = Math.Min(outerPrefix, bits);
            innerPrefix = Math.Min(innerPrefix, bits);
            sharedBits = sharedBits * bits / 128;
            var outerAddress = v6 ? address : (uint)address;
            var keep = sharedBits == bits ? UInt128.Zero : (v6 ? UInt128.MaxValue : uint.MaxValue) >> sharedBits;
            var innerAddress = outerAddress ^ (noise & keep);
            var outer = v6 ? Cidr.IPv6(outerAddress, outerPrefix) : Cidr.IPv4((uint)outerAddress, outerPrefix);
            var inner = v6 ? Cidr.IPv6(innerAddress, innerPrefix) : Cidr.IPv4((uint)innerAddress, innerPrefix);

            var (outerFirst, outerLast) = Range(outerAddress, bits, outerPrefix);
            var (innerFirst, innerLast) = Range(innerAddress, bits, innerPrefix);
            Assert.Equal(outerFirst <= innerFirst && innerLast <= outerLast, outer.Contains(inner));
            Assert.True(outer.Contains(outer));
        }, iter: Iterations);
    }

    [Fact]
    public void No_block_contains_a_block_of_the_other_family()
    {
        Gen.Select(V4Address, Gen.Int[0, 32], V6Address, Gen.Int[0, 128]).Sample((v4, p4, v6, p6) =>
        {
            var a = Cidr.IPv4(v4, p4);
            var b = Cidr.IPv6(v6, p6);
            Assert.False(a.Contains(b));
            Assert.False(b.Contains(a));
            Assert.NotEqual(a, b);
        }, iter: Iterations);
    }

    /// <summary>The first and last address of the block of <paramref name="prefix"/> bits around <paramref name="address"/>.</summary>
    internal static (BigInteger First, BigInteger Last) Range(UInt128 address, int bits, int prefix)
    {
        var size = BigInteger.One << (bits - prefix);
        var first = (BigInteger)address / size * size;
        return (first, first + size - 1);
    }

    private static string V4Text(uint address) =>
        new IPAddress([(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address]).ToString();

    private static string V6Text(UInt128 address) => new IPAddress(V6Bytes(address)).ToString();

    /// <summary>All eight groups, upper case and zero-padded: the longest spelling EC2 might be given.</summary>
    private static string V6FullText(UInt128 address)
    {
        var bytes = V6Bytes(address);
        return string.Join(':', Enumerable.Range(0, 8).Select(i => $"{bytes[2 * i]:X2}{bytes[2 * i + 1]:X2}"));
    }

    private static byte[] V6Bytes(UInt128 address)
    {
        var bytes = new byte[16];
        for (var i = 0; i < 16; i++) bytes[i] = (byte)(address >> (8 * (15 - i)));
        return bytes;
    }
}
