namespace SgConfigRule.Remediation;

/// <summary>
/// The ways a run ends as <c>Failed</c> on purpose, one type each, so that anything else — a bug — is not dressed up as
/// a tidy failure: before a revoke it escapes (Lambda reports the error, the document notifies and fails); after a
/// revoke the outcome still carries what was removed.
/// </summary>
public abstract class RemediationException : Exception
{
    protected RemediationException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The request asks for something this deployment does not allow: a mode above its ceiling, another rule, an unproven origin.</summary>
public sealed class RequestRefusedException(string message) : RemediationException("refused: " + message);

/// <summary>The policy could not be read from the AWS Config rule (missing, ambiguous, or invalid parameters).</summary>
public sealed class PolicySourceException(string message, Exception? inner = null) : RemediationException(message, inner);

/// <summary>The group's rules changed under every attempt to revoke them, or the time budget ran out before a revoke.</summary>
public sealed class GroupKeptChangingException(string message) : RemediationException(message);

/// <summary>The ledger (loop guard and revoke journal) could not be read or written before a revoke: nothing was revoked.</summary>
public sealed class LedgerUnavailableException(string message, Exception? inner = null) : RemediationException(message, inner);

/// <summary>EC2 refused the revoke or never confirmed it, every time it was asked.</summary>
public sealed class RevokeFailedException(string message) : RemediationException(message);
