using SgConfigRule.Cli.Scan;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Cli.Output;

/// <summary>Writes a scan report as results arrive, so output starts before the last input is read.</summary>
public interface IReportWriter
{
    void Begin(PolicyParameters parameters, DateTimeOffset evaluatedAt, bool bundledSample);
    /// <summary>A resource's verdict; <paramref name="source"/> is where it was read (a file as given, '-', the bundled sample, a live Region).</summary>
    void Write(ResourceItem item, Evaluation evaluation, string source);

    /// <summary>A resource that could not be read (also said on standard error): where, and why.</summary>
    void InputError(string input, string jsonPath, string problem);
    void Finish(ScanSummary summary);
}
