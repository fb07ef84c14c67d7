using System.Text.Json.Serialization;

namespace SgConfigRule.Remediation;

/// <summary>How a run ended. Every value except <see cref="Failed"/> is a success for AWS Config.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RemediationStatus>))]
public enum RemediationStatus
{
    /// <summary>Rules were removed (by this run, or by an earlier run whose notice this one carries).</summary>
    Revoked,

    /// <summary>The deployment or the request is in dry-run mode: the rules that would be removed are reported.</summary>
    DryRun,

    NothingToRevoke,

    /// <summary>The disallowed rules disappeared while the run was looking at them: someone else removed them.</summary>
    AlreadyRevoked,

    GroupNotFound,
    Exempt,

    /// <summary>The group does not carry the rule's scope tag (it may have been removed since the evaluation). Nothing was changed.</summary>
    OutOfScope,

    /// <summary>
    /// The group carries the exemption tag, but the exemption is expired or malformed — and IAM denies revoking groups
    /// with that tag (the deployment's protection): people must renew or remove the tag. Nothing was changed.
    /// </summary>
    BlockedByExemptionTag,

    /// <summary>
    /// The loop guard stopped revoking: the rules in <see cref="RemediationOutcome.Guarded"/> were revoked the maximum
    /// number of times in the window and came back each time. People are told once; the group stays non-compliant.
    /// </summary>
    LoopGuardTripped,

    /// <summary>The loop guard still spares the same rules, and people were already told: nothing changed.</summary>
    LoopGuardHolding,

    /// <summary>The follow-up: who added the rules removed earlier.</summary>
    Attributed,

    /// <summary>The document reported that a notice could not be published; the ledger keeps it for the next run.</summary>
    NoticeKept,

    Failed,
}

/// <summary>What each status means for the people on the topic.</summary>
public static class RemediationStatusFacts
{
    extension(RemediationStatus status)
    {
        /// <summary>
        /// Whether the outcome must reach a person: something was removed or would be, something needs a person, or the
        /// run failed. A run that changed nothing and needs nobody is recorded in the execution only, so two triggers for
        /// one change (the fast path, then AWS Config) send one email. The document reads this from the output.
        /// </summary>
        public bool Publish => status switch
        {
            RemediationStatus.Revoked or RemediationStatus.DryRun or RemediationStatus.BlockedByExemptionTag
                or RemediationStatus.LoopGuardTripped or RemediationStatus.Attributed or RemediationStatus.Failed => true,
            _ => false,
        };
    }
}
