using SgConfigRule.Cli.Scan;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Cli.Output;

/// <summary>Writes a scan report as results arrive, so output starts before the last input is read.</summary>
public interface IReportWriter
{
    void Begin(PolicyParameters parameters, DateTimeOffset evaluatedAt);
    void Write(ResourceItem item, Evaluation evaluation);
    void Finish(ScanSummary summary);
}
