using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace SgConfigRule.Aws.Protocol;

/// <summary>
/// Signs a request with AWS Signature Version 4 using AWSSDK.Core's own signer. Subclassing
/// <see cref="AWS4Signer"/> is only to reach its canonicalisation helpers, which are protected.
/// </summary>
public sealed class RequestSigner : AWS4Signer
{
    /// <summary>
    /// Adds <c>host</c>, <c>X-Amz-Date</c>, <c>X-Amz-Content-SHA256</c>, the session token if any, and
    /// <c>Authorization</c> to <paramref name="headers"/>.
    /// </summary>
    public static void Sign(ImmutableCredentials credentials, string region, string service, Uri url, string method,
                            IDictionary<string, string> headers, byte[] body, DateTime utcNow)
    {
        InitializeHeaders(headers, url, utcNow);
        if (!string.IsNullOrEmpty(credentials.Token)) headers["X-Amz-Security-Token"] = credentials.Token;
        var bodyHash = AWSSDKUtils.ToHex(ComputeHash(body), true);
        headers["X-Amz-Content-SHA256"] = bodyHash;
        var sorted = SortAndPruneHeaders(headers);
        var canonicalRequest = CanonicalizeRequest(url, url.AbsolutePath, method, sorted, CanonicalQuery(url), bodyHash);
        var result = ComputeSignature(credentials, region, utcNow, service, CanonicalizeHeaderNames(sorted), canonicalRequest);
        headers["Authorization"] = result.ForAuthorizationHeader;
    }

    private static string CanonicalQuery(Uri url) =>
        string.IsNullOrEmpty(url.Query) ? "" : CanonicalizeQueryParameters(url.Query.TrimStart('?'));
}
