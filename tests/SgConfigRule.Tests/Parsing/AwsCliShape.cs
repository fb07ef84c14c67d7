using System.Text;
using System.Text.Json.Nodes;
using SgConfigRule.Bench;

namespace SgConfigRule.Tests.Parsing;

/// <summary>AWS CLI-shaped input (bench/SgConfigRule.Bench/RealisticShape.cs, shared with the benchmark), and a pipe that splits it.</summary>
internal static class AwsCliShape
{
    public static byte[] BatchGetResourceConfig(int items, int seed) => RealisticShape.BatchGetResourceConfig(items, seed);

    public static JsonObject Item(Random random, int n) => RealisticShape.Item(random, n);

    /// <summary>JSON on one line, escaped as the AWS CLI escapes it.</summary>
    public static System.Text.Json.JsonSerializerOptions Escaping => RealisticShape.Compact;

    /// <summary>A stream that gives <paramref name="first"/> bytes on its first read and the rest after: a pipe or socket split there.</summary>
    public sealed class SplitStream(byte[] bytes, int first, int chunk = int.MaxValue) : SgConfigRule.Input.ForwardOnlyStream
    {
        private int position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var limit = position == 0 ? first : chunk;
            var n = Math.Min(Math.Min(count, limit), bytes.Length - position);
            Array.Copy(bytes, position, buffer, offset, n);
            position += n;
            return n;
        }
    }

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
