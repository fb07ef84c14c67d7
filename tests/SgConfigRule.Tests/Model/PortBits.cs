using System.Globalization;
using System.Text;
using CsCheck;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.Model;

/// <summary>
/// The reference model of a port set: 65536 booleans, built from bounds alone (never from the code under test), and
/// its canonical text — maximal runs in ascending order, <c>22</c> or <c>8000-8100</c>, joined by commas.
/// </summary>
internal sealed class PortBits
{
    private readonly bool[] bits = new bool[PortRange.MaxPort + 1];

    private PortBits() { }

    public static PortBits Where(Func<int, bool> member)
    {
        var model = new PortBits();
        for (var port = 0; port <= PortRange.MaxPort; port++) model.bits[port] = member(port);
        return model;
    }

    public static PortBits Of(IEnumerable<PortRange> ranges)
    {
        var model = new PortBits();
        foreach (var range in ranges)
        {
            for (var port = range.From; port <= range.To; port++) model.bits[port] = true;
        }
        return model;
    }

    public static bool InRange(int port, PortRange range) => port >= range.From && port <= range.To;

    public bool this[int port] => bits[port];

    public string Text
    {
        get
        {
            var text = new StringBuilder();
            var port = 0;
            while (port <= PortRange.MaxPort)
            {
                if (!bits[port]) { port++; continue; }
                var first = port;
                while (port < PortRange.MaxPort && bits[port + 1]) port++;
                if (text.Length > 0) text.Append(',');
                text.Append(first == port
                    ? first.ToString(CultureInfo.InvariantCulture)
                    : string.Create(CultureInfo.InvariantCulture, $"{first}-{port}"));
                port++;
            }
            return text.ToString();
        }
    }
}

/// <summary>
/// Ranges crowded into one 64-port window, placed at 0, at 65535 or anywhere, so generated ranges often overlap,
/// touch end to start, and reach the first or last port.
/// </summary>
internal static class PortGen
{
    public const int Width = 64;

    public static readonly Gen<int> WindowStart = Gen.Frequency(
        (2, Gen.Const(PortRange.MinPort)),
        (2, Gen.Const(PortRange.MaxPort - Width + 1)),
        (1, Gen.Int[PortRange.MinPort, PortRange.MaxPort - Width + 1]));

    public static Gen<PortRange> RangeIn(int start, int maxLength) =>
        Gen.Select(Gen.Int[0, Width - 1], Gen.Int[0, maxLength],
            (offset, length) => new PortRange(start + offset, Math.Min(start + Width - 1, start + offset + length)));

    /// <summary>A range to ask about: mostly inside the window, sometimes the whole window or every port.</summary>
    public static Gen<PortRange> QueryIn(int start) => Gen.Frequency(
        (6, RangeIn(start, Width)),
        (1, Gen.Const(new PortRange(start, start + Width - 1))),
        (1, Gen.Const(PortRange.All)));

    /// <summary>The ports worth probing for a window: the window, one past each side, and both ends of the space.</summary>
    public static IEnumerable<int> Probes(int start) =>
        Enumerable.Range(Math.Max(PortRange.MinPort, start - 2), Width + 4)
            .Where(p => p <= PortRange.MaxPort)
            .Append(PortRange.MinPort)
            .Append(PortRange.MaxPort);
}
