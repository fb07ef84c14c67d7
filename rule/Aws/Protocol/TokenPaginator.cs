using System.Runtime.CompilerServices;

namespace SgConfigRule.Aws.Protocol;

/// <summary>The one loop behind every paginator: call, yield the page, resend with its token until there is none.</summary>
public static class TokenPaginator
{
    public static async IAsyncEnumerable<TResponse> Pages<TRequest, TResponse>(
        string operation, TRequest request,
        Func<TRequest, CancellationToken, Task<TResponse>> call,
        Func<TResponse, string?> tokenOf,
        Func<TRequest, string, TRequest> withToken,
        int maxPages,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = request;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 0; page < maxPages; page++)
        {
            var response = await call(next, cancellationToken).ConfigureAwait(false);
            yield return response;
            var token = tokenOf(response);
            if (string.IsNullOrEmpty(token)) yield break;
            // A token seen before would loop forever; the services never do this, a broken endpoint might.
            if (!seen.Add(token)) throw new InvalidOperationException($"{operation} returned the page token '{token}' twice");
            next = withToken(next, token);
        }
    }
}
