using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SgConfigRule.Tests.Support;

/// <summary>
/// A self-signed certificate for 127.0.0.1 and localhost, for loopback endpoints served over HTTPS; and the PEM file a
/// child process trusts it through (<c>SSL_CERT_FILE</c>, which .NET on Linux reads as OpenSSL does).
/// </summary>
internal sealed class TestCertificate : IDisposable
{
    private TestCertificate(X509Certificate2 certificate, string pemFile)
    {
        Certificate = certificate;
        PemFile = pemFile;
    }

    public X509Certificate2 Certificate { get; }

    public string PemFile { get; }

    public static TestCertificate Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sgcr-loopback", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Round-trip through PKCS#12 so that the private key is usable by the TLS stack on every platform.
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
        var pemFile = Path.Combine(Directory.CreateTempSubdirectory("sgcr-tls-").FullName, "loopback.pem");
        File.WriteAllText(pemFile, created.ExportCertificatePem());
        return new TestCertificate(certificate, pemFile);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Directory.Delete(Path.GetDirectoryName(PemFile)!, recursive: true);
    }
}
