using SgConfigRule.Aws.Protocol;
using SgConfigRule.Aws.SimpleNotificationService;
using SgConfigRule.Remediation.Ledger;

namespace SgConfigRule.Remediation;

/// <summary>What the function runs with: AWS client options, the clock, where logs go, and the deployment's settings.</summary>
public sealed record RemediationRuntime(AwsClientOptions Aws, TimeProvider Time, TextWriter Log)
{
    public TimeSpan AttributionBudget { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Names each invocation in the ledger and in its notice (tests fix it).</summary>
    public Func<string> NewRunId { get; init; } = () => Guid.NewGuid().ToString("N");

    /// <summary>
    /// The most the function may do, whatever a request asks: the deployment's remediation mode. A <c>Revoke</c> request
    /// to a function deployed in <c>DryRun</c> is refused. Safe by default: a deployment must say <c>Revoke</c>.
    /// </summary>
    public RemediationMode ModeCeiling { get; init; } = RemediationMode.DryRun;

    /// <summary>
    /// How long one invocation may take, every AWS call and the SDK's retries included (the Lambda timeout less a margin
    /// for answering): it ends within this, done or <c>Failed</c>, and reports whatever it removed.
    /// </summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(50);

    /// <summary>Of <see cref="TimeBudget"/>, what is kept for after a revoke (record it, read the group again, find who added the rules).</summary>
    public TimeSpan PostRevokeReserve => TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(15).Ticks, TimeBudget.Ticks / 3));

    /// <summary>The DynamoDB table of the remediation ledger (loop guard and revoke journal), in the function's own account and Region.</summary>
    public string? LedgerTable { get; init; }

    /// <summary>A ledger to use instead of <see cref="LedgerTable"/> (tests).</summary>
    public IRemediationLedger? Ledger { get; init; }

    /// <summary>The deployment denies revoking groups that carry the exemption tag (set by the template as an environment variable).</summary>
    public bool ExemptionTagProtectedByIam { get; init; }

    /// <summary>
    /// Organization deployments: act only for a running execution of the remediation document in the target account
    /// (see <see cref="AutomationExecutionCheck"/>), because any account of the organization may invoke the function.
    /// </summary>
    public bool RequireAutomationExecution { get; init; }

    /// <summary>With <see cref="RequireAutomationExecution"/>: the document the execution must run (null: any).</summary>
    public string? RemediationDocumentName { get; init; }

    /// <summary>
    /// Deployments pin the Config rule the policy comes from: a request must name it (Revoke and DryRun), so nobody who
    /// can start the document or invoke the function can hand it a policy of their own. Null: any rule, or RuleParameters.
    /// </summary>
    public string? ConfigRuleName { get; init; }

    /// <summary>Organization deployments: the rule must be one a conformance pack deployed (members cannot create or edit those).</summary>
    public bool RequireConformancePackRule { get; init; }

    /// <summary>
    /// Organization deployments: the function publishes its own notices to this topic (the document publishes none), so
    /// only the central function's role may publish there — no member account can write to the security team's inbox.
    /// Only requests bound to a running execution step are published (<see cref="RequireAutomationExecution"/>).
    /// </summary>
    public string? NotificationTopicArn { get; init; }

    /// <summary>The SNS client for <see cref="NotificationTopicArn"/> (tests); null: one built from <see cref="Aws"/> for the topic's Region.</summary>
    public IAmazonSimpleNotificationService? Notifications { get; init; }

    /// <summary>
    /// How long the notice may take after the run (publishing, and on failure handing the run back to the ledger): on top
    /// of <see cref="TimeBudget"/>, within the Lambda timeout.
    /// </summary>
    public TimeSpan NoticeBudget { get; init; } = TimeSpan.FromSeconds(8);

    public const string ExemptionTagProtectedVariable = "SGCR_EXEMPTION_TAG_PROTECTED_BY_IAM";
    public const string ConfigRuleNameVariable = "SGCR_CONFIG_RULE_NAME";
    public const string RequireConformancePackRuleVariable = "SGCR_REQUIRE_CONFORMANCE_PACK_RULE";
    public const string RequireAutomationExecutionVariable = "SGCR_REQUIRE_AUTOMATION_EXECUTION";
    public const string RemediationDocumentVariable = "SGCR_REMEDIATION_DOCUMENT";
    public const string RemediationModeVariable = "SGCR_REMEDIATION_MODE";
    public const string LedgerTableVariable = "SGCR_LEDGER_TABLE";
    public const string TimeBudgetVariable = "SGCR_TIME_BUDGET_SECONDS";
    public const string NotificationTopicVariable = "SGCR_NOTIFICATION_TOPIC_ARN";

    public static RemediationRuntime FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    public static RemediationRuntime FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Value(string name) => environment(name) is { Length: > 0 } value ? value.Trim() : null;
        // Sized for the budget: a call that keeps failing gives up in seconds, leaving time for the others and the answer.
        var retry = new RetrySettings
        {
            MaxAttempts = 4,
            BaseDelay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(2),
            AttemptTimeout = TimeSpan.FromSeconds(5),
            TotalBudget = TimeSpan.FromSeconds(12),
        };
        return new(new AwsClientOptions { Retry = retry }, TimeProvider.System, Console.Out)
        {
            // Anything but an explicit Revoke (unset, Off, a typo) only reports.
            ModeCeiling = Value(RemediationModeVariable) == nameof(RemediationMode.Revoke) ? RemediationMode.Revoke : RemediationMode.DryRun,
            TimeBudget = int.TryParse(Value(TimeBudgetVariable), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                         && seconds is >= 5 and <= 900 ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(50),
            LedgerTable = Value(LedgerTableVariable),
            ExemptionTagProtectedByIam = IsTrue(Value(ExemptionTagProtectedVariable)),
            RequireAutomationExecution = IsTrue(Value(RequireAutomationExecutionVariable)),
            RemediationDocumentName = Value(RemediationDocumentVariable),
            ConfigRuleName = Value(ConfigRuleNameVariable),
            RequireConformancePackRule = IsTrue(Value(RequireConformancePackRuleVariable)),
            NotificationTopicArn = Value(NotificationTopicVariable),
        };
    }

    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
