using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.Model;

public class PrefixListTests
{
    [Theory]
    [InlineData("com.amazonaws.us-east-1.s3", "AWS", true)]
    [InlineData("com.amazonaws.global.cloudfront.origin-facing", null, true)]
    [InlineData("com.amazonaws.us-east-1.s3", "123456789012", false)]
    [InlineData("com.amazonaws.us-east-1.s3", "", false)]
    [InlineData("com.amazonaws.us-east-1.s3", "aws", false)]
    [InlineData("office-ranges", "AWS", false)]
    [InlineData("my.com.amazonaws.s3", null, false)]
    [InlineData("com.amazonaws", "AWS", false)]
    [InlineData(null, "AWS", false)]
    public void Only_a_com_amazonaws_list_that_AWS_owns_or_that_names_no_owner_is_AWS_managed(string? name, string? owner, bool managed) =>
        Assert.Equal(managed, new PrefixList("pl-63a5400a", name, [], owner).IsAwsManaged);

    [Fact]
    public void The_catalog_finds_a_list_by_its_exact_id()
    {
        var office = new PrefixList("pl-0a1b2c3d4e5f67890", "office", [Cidr.Parse("198.51.100.0/24")]);
        var catalog = PrefixListCatalog.Of([office]);
        Assert.Same(office, catalog.Find("pl-0a1b2c3d4e5f67890"));
        Assert.Null(catalog.Find("PL-0A1B2C3D4E5F67890"));
        Assert.Null(catalog.Find("pl-11111111"));
        Assert.Null(PrefixListCatalog.Empty.Find("pl-0a1b2c3d4e5f67890"));
    }
}
