namespace SgConfigRule.Cli;

/// <summary>The process exit codes of DESIGN §7.</summary>
public static class ExitCodes
{
    /// <summary>Every group evaluated; nothing NON_COMPLIANT (or <c>--soft-fail</c>).</summary>
    public const int Clean = 0;

    /// <summary>At least one group is NON_COMPLIANT.</summary>
    public const int NonCompliant = 1;

    /// <summary>Usage or input error: something could not be read or evaluated.</summary>
    public const int InputError = 2;
}
