using System.Globalization;
using CsCheck;

namespace SgConfigRule.Tests.Properties;

/// <summary>
/// Generators biased toward the edges that matter: ports next to blocked and authorized bounds, CIDRs on the
/// borders of private space, /0 with host bits set, prefix lists that are AWS-managed, leaky, private or unknown.
/// </summary>
public static class Generators
{
    public static readonly string[] PrefixListIds = ["pl-0a1b2c3d4e5f67890", "pl-63a5400a", "pl-0fedcba9876543210", "pl-11111111"];
    public static readonly string[] GroupIds = ["sg-0a1b2c3d4e5f60718", "sg-0fedcba9876543210", "sg-12345678"];

    private static readonly int[] InterestingPorts = [0, 1, 20, 21, 22, 23, 80, 443, 1024, 3388, 3389, 3390, 8000, 8080, 8100, 65534, 65535];

    public static readonly Gen<int> Port = Gen.Frequency(
        (3, Gen.Int[0, InterestingPorts.Length - 1].Select(i => InterestingPorts[i])),
        (1, Gen.Int[0, 65535]));

    public static readonly Gen<(int From, int To)> PortRangeGen = Gen.Frequency(
        (3, Port.Select(p => (p, p))),
        (3, Gen.Select(Port, Gen.Int[0, 200]).Select(t => (t.Item1, Math.Min(65535, t.Item1 + t.Item2)))),
        (1, Gen.Select(Port, Port).Select(t => (Math.Min(t.Item1, t.Item2), Math.Max(t.Item1, t.Item2)))),
        (1, Gen.Const((0, 65535))));

    private static readonly (uint Base, int Prefix)[] V4Anchors =
    [
        (0x0A000000, 8), (0xAC100000, 12), (0xC0A80000, 16), (0x64400000, 10), (0x7F000000, 8), (0xA9FE0000, 16),
        (0xCB007100, 24), (0xC6336400, 24), (0x08080800, 24), (0x00000000, 0),
    ];

    public static readonly Gen<string> Ipv4Cidr = Gen.Frequency(
        // Near an anchor: a prefix a little shorter or longer than the anchor's, host bits left as they fall.
        (6, Gen.Select(Gen.Int[0, V4Anchors.Length - 1], Gen.Int[-3, 12], Gen.UInt).Select(t =>
        {
            var (anchor, prefix) = V4Anchors[t.Item1];
            var length = Math.Clamp(prefix + t.Item2, 0, 32);
            var address = anchor | (t.Item3 & (uint.MaxValue >> prefix));
            return V4(address, length);
        })),
        (2, Gen.Select(Gen.UInt, Gen.Int[0, 32]).Select(t => V4(t.Item1, t.Item2))),
        (1, Gen.UInt.Select(a => V4(a, 0))));

    public static readonly Gen<string> Ipv6Cidr = Gen.Frequency(
        (2, Gen.Select(Gen.ULong, Gen.Int[0, 16]).Select(t => V6(0xfd00000000000000UL | (t.Item1 >> 8), 0, 7 + t.Item2))),
        (1, Gen.Select(Gen.ULong, Gen.Int[10, 64]).Select(t => V6(0xfe80000000000000UL | (t.Item1 >> 10), 0, t.Item2))),
        (2, Gen.Select(Gen.ULong, Gen.Int[0, 96]).Select(t => V6(0x20010db800000000UL | (t.Item1 >> 32), t.Item1, t.Item2))),
        (1, Gen.Select(Gen.ULong, Gen.ULong, Gen.Int[0, 128]).Select(t => V6(t.Item1, t.Item2, t.Item3))),
        (1, Gen.Const("::/0")),
        (1, Gen.Const("::1/128")));

    public static readonly Gen<RuleSpec> Rule =
        Gen.Select(Gen.Frequency((3, Gen.Const(6)), (2, Gen.Const(17)), (2, Gen.Const(-1)), (1, Gen.Const(1)), (1, Gen.Const(58)), (1, Gen.Const(50))),
                   PortRangeGen,
                   Gen.Select(Gen.Int[-1, 20], Gen.Int[-1, 5]),
                   Gen.Frequency(
                       (5, Ipv4Cidr.Select(c => (SourceKind.Ipv4, c))),
                       (3, Ipv6Cidr.Select(c => (SourceKind.Ipv6, c))),
                       (2, Gen.Int[0, PrefixListIds.Length - 1].Select(i => (SourceKind.PrefixList, PrefixListIds[i]))),
                       (2, Gen.Int[0, GroupIds.Length - 1].Select(i => (SourceKind.SecurityGroup, GroupIds[i])))),
                   Gen.Frequency((3, Gen.Const((string?)null)), (1, Gen.String[0, 20].Select(s => (string?)s))))
           .Select(t =>
           {
               var (protocol, ports, icmp, source, description) = t;
               var (from, to) = protocol switch
               {
                   6 or 17 => ports,
                   1 or 58 => icmp,
                   _ => (-1, -1),
               };
               return new RuleSpec(protocol, from, to, source.Item1, source.Item2, description);
           });

    public static readonly Gen<GroupSpec> Group =
        Gen.Select(Gen.Int[0, 99999], Rule.List[0, 6]).Select(t => new GroupSpec($"sg-{t.Item1:x8}", t.Item2));

    private static readonly Gen<string> PortList = Gen.Frequency(
        (1, Gen.Const("")),
        (4, Gen.Select(PortRangeGen, PortRangeGen.List[0, 3]).Select(t =>
            string.Join(",", t.Item2.Prepend(t.Item1).Select(r => r.From == r.To ? r.From.ToString(CultureInfo.InvariantCulture) : $"{r.From}-{r.To}")))));

    private static readonly Gen<PrefixListSpec> PrefixList = Gen.Select(
            Gen.Int[0, PrefixListIds.Length - 1],
            Gen.Frequency((1, Gen.Const("com.amazonaws.us-east-1.s3")), (3, Gen.Const("customer-list"))),
            Gen.Frequency((3, Ipv4Cidr), (1, Ipv6Cidr)).List[0, 4])
        .Select(t => new PrefixListSpec(PrefixListIds[t.Item1], t.Item2, t.Item3));

    public static readonly Gen<PolicySpec> Policy = Gen.Select(
            Gen.Frequency((2, Gen.Const("22,3389")), (3, PortList)),
            Gen.Frequency((2, Gen.Const((string?)null)), (1, PortList.Where(s => s.Length > 0).Select(s => (string?)s))),
            Gen.Frequency((2, Gen.Const((string?)null)), (1, PortList.Where(s => s.Length > 0).Select(s => (string?)s))),
            Gen.Int[0, 3].Select(i => new[] { "world", "public", "address", "all" }[i]),
            Gen.Frequency(
                (2, Ipv4Cidr), (1, Ipv6Cidr),
                (1, Gen.Int[0, PrefixListIds.Length - 1].Select(i => PrefixListIds[i])),
                (1, Gen.Int[0, GroupIds.Length - 1].Select(i => GroupIds[i]))).List[0, 3],
            PrefixList.List[0, 3])
        .Select(t => new PolicySpec(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5,
            t.Item6.DistinctBy(l => l.Id).ToList()));

    private static string V4(uint address, int prefix) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}/{prefix}");

    private static string V6(ulong high, ulong low, int prefix)
    {
        var bytes = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(0, 8), high);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), low);
        return new System.Net.IPAddress(bytes) + "/" + prefix.ToString(CultureInfo.InvariantCulture);
    }
}
