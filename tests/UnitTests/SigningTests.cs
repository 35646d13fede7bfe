using System.Security.Cryptography;
using System.Text;
using OrleansRegistry.Signing;

namespace OrleansRegistry.UnitTests;

public class SigningTests
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("0123  terraform-provider-x_1.0.0_linux_amd64.zip\n");

    [Fact]
    public void A_detached_signature_verifies_with_its_key_and_names_it()
    {
        var signature = OpenPgp.SignDetached(TestSigningKeys.First.SecretKeyRing, Data);
        var (keyId, binary) = OpenPgp.Verify(Data, signature, [TestSigningKeys.Second.Public, TestSigningKeys.First.Public]);
        Assert.Equal(TestSigningKeys.First.Public.KeyId, keyId);
        Assert.Equal(signature, binary);
        Assert.Matches("^[0-9A-F]{16}$", keyId);
    }

    [Fact]
    public void Garbage_is_neither_a_key_nor_a_signature()
    {
        Assert.Throws<InvalidOpenPgpDataException>(() => OpenPgp.ParsePublicKey("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnope\n-----END PGP PUBLIC KEY BLOCK-----\n"));
        Assert.Throws<InvalidOpenPgpDataException>(() => OpenPgp.Verify(Data, "not a signature"u8.ToArray(), [TestSigningKeys.First.Public]));
    }

    [Fact]
    public void Public_keys_parse_back_to_the_same_id() =>
        Assert.Equal(TestSigningKeys.First.Public.KeyId, OpenPgp.ParsePublicKey(TestSigningKeys.First.Public.AsciiArmor).KeyId);

    [Fact]
    public void Secrets_round_trip_and_tampering_is_detected()
    {
        var protector = new SecretProtector(RandomNumberGenerator.GetBytes(32));
        var sealedBytes = protector.Protect("private key"u8);
        Assert.Equal("private key"u8.ToArray(), protector.Unprotect(sealedBytes));
        Assert.NotEqual(sealedBytes, protector.Protect("private key"u8));
        sealedBytes[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(sealedBytes));
        Assert.ThrowsAny<CryptographicException>(() => new SecretProtector(RandomNumberGenerator.GetBytes(32)).Unprotect(protector.Protect("x"u8)));
    }
}
