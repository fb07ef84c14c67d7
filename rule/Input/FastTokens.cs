using System.Runtime.CompilerServices;
using System.Text.Json;

namespace SgConfigRule.Input;

/// <summary>
/// What the fast readers need of a tokenizer: the tokens of the plain shape and their values. Two implement it — the
/// JSON reader (<see cref="ReaderTokens"/>) and the scanner of a configuration still escaped inside its string
/// (<see cref="EscapedJsonTokens"/>) — so the one reading of a group (<see cref="GroupFastReader{TNames, TTokens}"/>)
/// serves both, compiled for each (a struct type argument, no virtual call).
/// </summary>
internal interface IFastTokens
{
    /// <summary>
    /// The next token; None when the text stops — at its end, or where the buffered part of a stream ends — or is
    /// anything this tokenizer does not take. After None the token shown is stale (possibly the end of a nested object):
    /// callers check what this returns, never <see cref="TokenType"/>.
    /// </summary>
    JsonTokenType Next();

    JsonTokenType TokenType { get; }

    /// <summary>Whether the token is a property name spelled exactly <paramref name="utf8"/> (a name with an escape never is).</summary>
    bool NameIs(ReadOnlySpan<byte> utf8);

    /// <summary>The string token's value; false if it cannot be had plainly (the reader then gives the item up).</summary>
    bool TryGetString(out string? value);

    /// <summary>As <see cref="TryGetString(out string?)"/>, one instance per distinct value (see <see cref="StringCache"/>).</summary>
    bool TryGetString(StringCache strings, out string? value);

    /// <summary>The number token as an <see cref="int"/>; false for anything else.</summary>
    bool TryGetInt32(out int value);

    /// <summary>
    /// The characters of a short string token without escapes, copied into <paramref name="destination"/>: their count,
    /// or -1 when the value is escaped or longer than the destination.
    /// </summary>
    int CopyPlainString(scoped Span<char> destination);

    /// <summary>The UTF-8 bytes of a string token without escapes, as they stand in the text; false for anything else.</summary>
    bool TryGetPlainBytes(out ReadOnlySpan<byte> utf8);
}

/// <summary>
/// The JSON reader as <see cref="IFastTokens"/>: a copy of the caller's reader (a ref struct cannot hold a reference to
/// one), which the caller takes back from <see cref="Reader"/> when done.
/// </summary>
internal ref struct ReaderTokens(Utf8JsonReader reader) : IFastTokens
{
    public Utf8JsonReader Reader = reader;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public JsonTokenType Next() => Reader.Read() ? Reader.TokenType : JsonTokenType.None;

    public readonly JsonTokenType TokenType => Reader.TokenType;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool NameIs(ReadOnlySpan<byte> utf8) => Reader.ValueTextEquals(utf8);

    public readonly bool TryGetString(out string? value)
    {
        value = Reader.GetString();
        return true;
    }

    public bool TryGetString(StringCache strings, out string? value)
    {
        value = strings.Get(ref Reader);
        return true;
    }

    public readonly bool TryGetInt32(out int value) => Reader.TryGetInt32(out value);

    public readonly int CopyPlainString(scoped Span<char> destination) =>
        Reader.ValueSpan.Length > destination.Length || Reader.ValueIsEscaped || Reader.HasValueSequence ? -1 : Reader.CopyString(destination);

    public readonly bool TryGetPlainBytes(out ReadOnlySpan<byte> utf8)
    {
        var plain = Reader.TokenType == JsonTokenType.String && !Reader.ValueIsEscaped && !Reader.HasValueSequence;
        utf8 = plain ? Reader.ValueSpan : default;
        return plain;
    }
}
