using System.Globalization;
using System.Net;
using System.Numerics;

namespace SgConfigRule.Tests.Properties;

/// <summary>
/// A brute-force statement of DESIGN §3, written without the product's types: ports are enumerated one by one into
/// 65,536-entry tables, addresses are sampled (first, last and random addresses of a block) and tested with
/// <see cref="IPNetwork"/>. Slow and obvious on purpose; the evaluator must agree with it rule by rule.
/// </summary>
public sealed class Oracle
{
    private const int Ports = 65536;
    private readonly bool[] blocked;
    private readonly bool[]? authorizedTcp;
    private readonly bool[]? authorizedUdp;
    private readonly PolicySpec policy;
    private readonly Random random;

    private static readonly IPNetwork[] PrivateSpace =
    [
        IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("::1/128"),
    ];

    public Oracle(PolicySpec policy, int seed)
    {
        this.policy = policy;
        random = new Random(seed);
        blocked = Table(policy.BlockedPorts);
        var allowList = policy.AuthorizedTcp is not null || policy.AuthorizedUdp is not null;
        if (allowList)
        {
            authorizedTcp = Table(policy.AuthorizedTcp ?? "");
            authorizedUdp = Table(policy.AuthorizedUdp ?? "");
        }
    }

    /// <summary>The offending ports of a rule (blocked ones first; else unauthorized), or null when the rule is allowed.</summary>
    public (string Reason, bool[] Ports)? Judge(RuleSpec rule)
    {
        if (rule.Protocol is not (6 or 17 or -1)) return null;
        if (!SourceCounts(rule)) return null;

        var (first, last) = rule.Protocol == -1 ? (0, Ports - 1) : (rule.FromPort == -1 ? 0 : rule.FromPort, rule.ToPort == -1 ? Ports - 1 : rule.ToPort);
        var hit = new bool[Ports];
        var anyBlocked = false;
        for (var p = first; p <= last; p++)
        {
            if (blocked[p]) { hit[p] = true; anyBlocked = true; }
        }
        if (anyBlocked) return ("blockedPort", hit);
        if (authorizedTcp is null) return null;

        var anyUnauthorized = false;
        for (var p = first; p <= last; p++)
        {
            var unauthorized = rule.Protocol switch
            {
                6 => !authorizedTcp[p],
                17 => !authorizedUdp![p],
                _ => !authorizedTcp[p] || !authorizedUdp![p],
            };
            if (unauthorized) { hit[p] = true; anyUnauthorized = true; }
        }
        return anyUnauthorized ? ("notAuthorized", hit) : null;
    }

    private bool SourceCounts(RuleSpec rule)
    {
        if (policy.Trusted.Contains(rule.Source)) return false;
        switch (rule.Kind)
        {
            case SourceKind.SecurityGroup:
                return policy.Scope == "all";
            case SourceKind.PrefixList:
                if (policy.Scope is "address" or "all") return true;
                var list = policy.PrefixLists.FirstOrDefault(l => l.Id == rule.Source);
                if (list is null) return true;
                if (list.Name.StartsWith("com.amazonaws.", StringComparison.Ordinal)) return false;
                return list.Entries.Any(entry => !TrustedCidr(entry) && CidrCounts(entry));
            default:
                return !TrustedCidr(rule.Source) && CidrCounts(rule.Source);
        }
    }

    private bool CidrCounts(string cidr) => policy.Scope switch
    {
        "world" => Block(cidr) is var (first, last, bits) && first == 0 && last == (BigInteger.One << bits) - 1,
        "public" => Samples(cidr).Any(address => !PrivateSpace.Any(p => p.Contains(address))),
        _ => true,
    };

    /// <summary>Inside a trusted CIDR when the block's first and last addresses both are (blocks are contiguous).</summary>
    private bool TrustedCidr(string cidr)
    {
        var (first, last, bits) = Block(cidr);
        foreach (var trusted in policy.Trusted)
        {
            if (!trusted.Contains('/')) continue;
            var network = Network(trusted);
            if (network.BaseAddress.AddressFamily != Family(bits)) continue;
            if (network.Contains(Address(first, bits)) && network.Contains(Address(last, bits))) return true;
        }
        return false;
    }

    private IEnumerable<IPAddress> Samples(string cidr)
    {
        var (first, last, bits) = Block(cidr);
        yield return Address(first, bits);
        yield return Address(last, bits);
        var span = last - first;
        for (var i = 0; i < 24; i++)
        {
            var bytes = new byte[bits / 8 + 1];
            random.NextBytes(bytes);
            bytes[^1] = 0;
            yield return Address(first + (span.IsZero ? BigInteger.Zero : new BigInteger(bytes) % (span + 1)), bits);
        }
    }

    private static (BigInteger First, BigInteger Last, int Bits) Block(string cidr)
    {
        var slash = cidr.IndexOf('/');
        var address = IPAddress.Parse(cidr[..slash]);
        var prefix = int.Parse(cidr[(slash + 1)..], CultureInfo.InvariantCulture);
        var bits = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        var value = new BigInteger(address.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
        var hostMask = (BigInteger.One << (bits - prefix)) - 1;
        var first = value & ~hostMask & ((BigInteger.One << bits) - 1);
        return (first, first | hostMask, bits);
    }

    private static IPNetwork Network(string cidr)
    {
        var (first, _, bits) = Block(cidr);
        return new IPNetwork(Address(first, bits), int.Parse(cidr[(cidr.IndexOf('/') + 1)..], CultureInfo.InvariantCulture));
    }

    private static System.Net.Sockets.AddressFamily Family(int bits) =>
        bits == 32 ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;

    private static IPAddress Address(BigInteger value, int bits)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var full = new byte[bits / 8];
        Array.Copy(bytes, 0, full, full.Length - bytes.Length, bytes.Length);
        return new IPAddress(full);
    }

    private static bool[] Table(string list)
    {
        var table = new bool[Ports];
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = item.Split('-');
            var from = int.Parse(parts[0], CultureInfo.InvariantCulture);
            var to = int.Parse(parts[^1], CultureInfo.InvariantCulture);
            for (var p = from; p <= to; p++) table[p] = true;
        }
        return table;
    }
}
