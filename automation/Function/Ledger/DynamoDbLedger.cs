using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace SgConfigRule.Remediation.Ledger;

/// <summary>
/// The ledger in a DynamoDB table of the remediation account (the central account in an organization): one item per
/// group, key <c>pk</c> = <c>account/Region/group</c>, with <c>version</c> (optimistic concurrency), <c>guard</c> (the
/// loop guard's counts), <c>runs</c> (the journal, JSON) and <c>expiresAt</c> (DynamoDB's time to live). Only the
/// revoke function's role may write the table.
/// </summary>
public sealed class DynamoDbLedger(IAmazonDynamoDB dynamoDb, string tableName) : IRemediationLedger
{
    private const string KeyAttribute = "pk";
    private const string VersionAttribute = "version";
    private const string GuardAttribute = "guard";
    private const string RunsAttribute = "runs";
    private const string ExpiresAttribute = "expiresAt";

    /// <summary>Items nobody touched for this long disappear (a loop guard window can last up to 90 days).</summary>
    private static readonly TimeSpan TimeToLive = TimeSpan.FromDays(100);

    /// <summary>An automation execution lives at most a few hours; its claims a little longer.</summary>
    private static readonly TimeSpan ClaimTimeToLive = TimeSpan.FromDays(2);

    public bool IsDurable => true;

    public string TableName => tableName;

    public async Task<GroupLedger> ReadAsync(LedgerKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        GetItemResponse response;
        try
        {
            response = await dynamoDb.GetItemAsync(new GetItemRequest
            {
                TableName = tableName,
                Key = new Dictionary<string, AttributeValue> { [KeyAttribute] = new() { S = key.ToString() } },
                ConsistentRead = true,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e, cancellationToken))
        {
            throw new LedgerUnavailableException($"could not read the ledger ({tableName}): {Describe(e)}", e);
        }
        return response.Item is { Count: > 0 } item ? FromItem(item, now) : GroupLedger.Empty;
    }

    public async Task<bool> TryWriteAsync(LedgerKey key, GroupLedger read, GroupLedger replacement, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(replacement);
        var request = new PutItemRequest
        {
            TableName = tableName,
            Item = new Dictionary<string, AttributeValue>
            {
                [KeyAttribute] = new() { S = key.ToString() },
                [VersionAttribute] = new() { N = replacement.Version.ToString(CultureInfo.InvariantCulture) },
                [GuardAttribute] = new() { S = replacement.Guard.Format() },
                [RunsAttribute] = new() { S = JsonSerializer.Serialize([.. replacement.Runs], LedgerJsonContext.Default.ListRunEntry) },
                [ExpiresAttribute] = new() { N = (now + TimeToLive).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
            },
            ExpressionAttributeNames = new Dictionary<string, string> { ["#key"] = KeyAttribute },
        };
        if (read.Version == 0)
        {
            request.ConditionExpression = "attribute_not_exists(#key)";
        }
        else
        {
            request.ConditionExpression = "#version = :read";
            request.ExpressionAttributeNames = new Dictionary<string, string> { ["#version"] = VersionAttribute };
            request.ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":read"] = new() { N = read.Version.ToString(CultureInfo.InvariantCulture) } };
        }
        try
        {
            await dynamoDb.PutItemAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
        catch (Exception e) when (IsUnavailable(e, cancellationToken))
        {
            throw new LedgerUnavailableException($"could not write the ledger ({tableName}): {Describe(e)}", e);
        }
    }

    /// <summary>Claims live in the same table under their own key (<c>claim/…</c>), written once and never updated.</summary>
    public async Task<bool> TryClaimAsync(string claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(claim);
        try
        {
            await dynamoDb.PutItemAsync(new PutItemRequest
            {
                TableName = tableName,
                Item = new Dictionary<string, AttributeValue>
                {
                    [KeyAttribute] = new() { S = claim },
                    [ExpiresAttribute] = new() { N = (now + ClaimTimeToLive).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
                },
                ConditionExpression = "attribute_not_exists(#key)",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#key"] = KeyAttribute },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
        catch (Exception e) when (IsUnavailable(e, cancellationToken))
        {
            throw new LedgerUnavailableException($"could not record a claim in the ledger ({tableName}): {Describe(e)}", e);
        }
    }

    /// <summary>Every way a call can fail after the SDK's retries: an error answer, no answer, or its time running out.</summary>
    private static bool IsUnavailable(Exception e, CancellationToken cancellationToken) =>
        SgConfigRule.Aws.Protocol.AwsCallFailure.Is(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static string Describe(Exception e) => e is Amazon.Runtime.AmazonServiceException aws ? $"{aws.ErrorCode}: {aws.Message}" : $"{e.GetType().Name}: {e.Message}";

    private static GroupLedger FromItem(Dictionary<string, AttributeValue> item, DateTimeOffset now)
    {
        var problems = new List<string>();
        long version = 0;
        if (!item.TryGetValue(VersionAttribute, out var versionValue) || !long.TryParse(versionValue.N, NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            // Without a version the item cannot be updated safely; someone wrote it by hand.
            throw new LedgerUnavailableException($"the ledger item has no valid {VersionAttribute}");
        }
        var guard = LoopGuardState.Parse(item.TryGetValue(GuardAttribute, out var g) ? g.S : null, now, out var guardProblem);
        if (guardProblem is not null) problems.Add(guardProblem);
        List<RunEntry> runs = [];
        if (item.TryGetValue(RunsAttribute, out var r) && !string.IsNullOrEmpty(r.S))
        {
            try
            {
                runs = JsonSerializer.Deserialize(r.S, LedgerJsonContext.Default.ListRunEntry) ?? [];
            }
            catch (JsonException e)
            {
                problems.Add($"the ledger's run journal could not be read ({e.Message}); it was reset");
            }
        }
        return new GroupLedger(version, guard, [.. runs]) { ReadProblem = problems.Count == 0 ? null : string.Join(" ", problems) };
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<RunEntry>))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
