using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>A throwaway CA and a server certificate for 127.0.0.1/localhost, written as PEM files.</summary>
public sealed class TestCertificates
{
    private TestCertificates(string directory)
    {
        CaPath = Path.Combine(directory, "ca.crt");
        CertificatePath = Path.Combine(directory, "server.crt");
        KeyPath = Path.Combine(directory, "server.key");
    }

    public string CaPath { get; }
    public string CertificatePath { get; }
    public string KeyPath { get; }
    public X509Certificate2 Ca { get; private set; } = null!;

    public static TestCertificates Create(string directory)
    {
        Directory.CreateDirectory(directory);
        var result = new TestCertificates(directory);
        var now = DateTimeOffset.UtcNow;

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=OrleansRegistry test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var server = request.Create(ca, now.AddDays(-1), now.AddDays(29), RandomNumberGenerator.GetBytes(16));

        File.WriteAllText(result.CaPath, ca.ExportCertificatePem());
        File.WriteAllText(result.CertificatePath, server.ExportCertificatePem());
        File.WriteAllText(result.KeyPath, serverKey.ExportPkcs8PrivateKeyPem());
        result.Ca = X509CertificateLoader.LoadCertificate(ca.RawData);
        return result;
    }

    /// <summary>An HttpClient that trusts only the test CA.</summary>
    public HttpClient CreateClient(Uri baseAddress) => new(CreateHandler()) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>A handler that trusts only the test CA (give it cookies and redirects as the caller needs).</summary>
    public HttpClientHandler CreateHandler() =>
        new()
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(Ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
}
