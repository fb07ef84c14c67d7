using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SgConfigRule.FakeAws.Infrastructure;

/// <summary>
/// Verifies AWS Signature Version 4 on an incoming request, written from the SigV4 specification independently of
/// AWSSDK.Core's signer so that a bug in one is not silently shared by the other.
/// </summary>
public static class SigV4Verifier
{
    public sealed record Credential(string AccessKey, string SecretKey, string? SessionToken);

    public sealed record SignedRequest(
        string Method,
        string RawPath,
        string RawQuery,
        IReadOnlyDictionary<string, string> Headers,
        byte[] Body);

    public sealed record Verdict(bool Valid, string? ErrorCode, string? Message, string? AccessKey, string? Region, string? Service);

    /// <summary>The service named in the credential scope, without verifying anything (for routing).</summary>
    public static string? ServiceOf(string? authorization) =>
        ParseAuthorization(authorization) is { } a ? a.Scope.Split('/') is { Length: 5 } s ? s[3] : null : null;

    /// <summary>The Region named in the credential scope, without verifying anything (for the record of a call).</summary>
    public static string? RegionOf(string? authorization) =>
        ParseAuthorization(authorization) is { } a ? a.Scope.Split('/') is { Length: 5 } s ? s[2] : null : null;

    public static Verdict Verify(SignedRequest request, Func<string, Credential?> lookup)
    {
        if (!request.Headers.TryGetValue("authorization", out var header))
        {
            return Fail("MissingAuthenticationToken", "Request is missing Authentication Token");
        }
        var auth = ParseAuthorization(header);
        if (auth is null) return Fail("IncompleteSignature", $"Authorization header is not AWS4-HMAC-SHA256: {header}");
        var scope = auth.Scope.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request") return Fail("IncompleteSignature", $"bad credential scope {auth.Scope}");
        var (accessKey, date, region, service) = (scope[0], scope[1], scope[2], scope[3]);

        var credential = lookup(accessKey);
        if (credential is null) return Fail("InvalidClientTokenId", $"The security token included in the request is invalid: unknown access key {accessKey}", accessKey);
        request.Headers.TryGetValue("x-amz-security-token", out var token);
        if ((credential.SessionToken ?? "") != (token ?? ""))
        {
            return Fail("InvalidClientTokenId", "The security token included in the request is invalid", accessKey);
        }
        if (!request.Headers.TryGetValue("x-amz-date", out var amzDate) || !amzDate.StartsWith(date, StringComparison.Ordinal))
        {
            return Fail("IncompleteSignature", "X-Amz-Date is missing or does not match the credential scope date", accessKey);
        }
        var signed = auth.SignedHeaders.Split(';');
        if (!signed.Contains("host")) return Fail("IncompleteSignature", "the host header must be signed", accessKey);
        if (signed.Any(h => !request.Headers.ContainsKey(h))) return Fail("IncompleteSignature", "a signed header is missing from the request", accessKey);

        var payloadHash = Hex(SHA256.HashData(request.Body));
        if (request.Headers.TryGetValue("x-amz-content-sha256", out var declared) && declared != payloadHash)
        {
            return Fail("SignatureDoesNotMatch", "x-amz-content-sha256 does not match the body", accessKey);
        }

        var canonical = string.Join('\n',
            request.Method,
            CanonicalPath(request.RawPath),
            CanonicalQuery(request.RawQuery),
            string.Concat(signed.Select(h => h + ":" + CanonicalHeaderValue(request.Headers[h]) + "\n")),
            auth.SignedHeaders,
            payloadHash);
        // The credential scope in the string to sign leaves out the access key.
        var credentialScope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, credentialScope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credential.SecretKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var expected = Hex(Hmac(key, stringToSign));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(auth.Signature)))
        {
            return Fail("SignatureDoesNotMatch",
                $"The request signature we calculated ({expected}) does not match the signature you provided ({auth.Signature}). The Canonical String for this request should have been\n"
                + canonical + "\nThe String-to-Sign should have been\n" + stringToSign, accessKey);
        }
        return new Verdict(true, null, null, accessKey, region, service);
    }

    private sealed record Authorization(string Scope, string SignedHeaders, string Signature);

    private static Authorization? ParseAuthorization(string? header)
    {
        const string Algorithm = "AWS4-HMAC-SHA256 ";
        if (header is null || !header.StartsWith(Algorithm, StringComparison.Ordinal)) return null;
        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in header[Algorithm.Length..].Split(','))
        {
            var kv = part.Trim().Split('=', 2);
            if (kv.Length != 2) continue;
            switch (kv[0])
            {
                case "Credential": credential = kv[1]; break;
                case "SignedHeaders": signedHeaders = kv[1]; break;
                case "Signature": signature = kv[1]; break;
            }
        }
        return credential is null || signedHeaders is null || signature is null ? null : new Authorization(credential, signedHeaders, signature);
    }

    /// <summary>Non-S3 services: each path segment URI-encoded again (the spec's "double encoding").</summary>
    private static string CanonicalPath(string rawPath)
    {
        if (string.IsNullOrEmpty(rawPath)) return "/";
        var segments = rawPath.Split('/');
        return string.Join('/', segments.Select(s => UriEncode(s)));
    }

    private static string CanonicalQuery(string rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery)) return "";
        var pairs = rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(kv => (Name: UriEncode(Uri.UnescapeDataString(kv[0])), Value: UriEncode(Uri.UnescapeDataString(kv.Length > 1 ? kv[1] : ""))))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }

    private static string CanonicalHeaderValue(string value) =>
        string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>RFC 3986 encoding: unreserved characters stay, everything else is %XX in upper case.</summary>
    public static string UriEncode(string value)
    {
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~') text.Append(c);
            else text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static Verdict Fail(string code, string message, string? accessKey = null) => new(false, code, message, accessKey, null, null);
}
