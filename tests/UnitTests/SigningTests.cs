using System.Security.Cryptography;
using System.Text;
using OrleansRegistry.Signing;

namespace OrleansRegistry.UnitTests;

public class SigningTests
{
    private static readonly Lazy<OpenPgpKeyPair> First = new(() => OpenPgp.Generate("first <first@test>"));
    private static readonly Lazy<OpenPgpKeyPair> Second = new(() => OpenPgp.Generate("second <second@test>"));
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("0123  terraform-provider-x_1.0.0_linux_amd64.zip\n");

    [Fact]
    public void A_detached_signature_verifies_with_its_key_and_names_it()
    {
        var signature = OpenPgp.SignDetached(First.Value.SecretKeyRing, Data);
        var (keyId, binary) = OpenPgp.Verify(Data, signature, [Second.Value.Public, First.Value.Public]);
        Assert.Equal(First.Value.Public.KeyId, keyId);
        Assert.Equal(signature, binary);
        Assert.Matches("^[0-9A-F]{16}$", keyId);
    }

    [Fact]
    public void A_signature_over_other_data_is_bad()
    {
        var signature = OpenPgp.SignDetached(First.Value.SecretKeyRing, Data);
        var e = Assert.Throws<InvalidOpenPgpDataException>(() => OpenPgp.Verify([.. Data, (byte)'!'], signature, [First.Value.Public]));
        Assert.Contains("does not match", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signature_by_an_unknown_key_names_that_key()
    {
        var signature = OpenPgp.SignDetached(Second.Value.SecretKeyRing, Data);
        var e = Assert.Throws<InvalidOpenPgpDataException>(() => OpenPgp.Verify(Data, signature, [First.Value.Public]));
        Assert.Contains(Second.Value.Public.KeyId, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_is_neither_a_key_nor_a_signature()
    {
        Assert.Throws<InvalidOpenPgpDataException>(() => OpenPgp.ParsePublicKey("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnope\n-----END PGP PUBLIC KEY BLOCK-----\n"));
        Assert.Throws<InvalidOpenPgpDataException>(() => OpenPgp.Verify(Data, "not a signature"u8.ToArray(), [First.Value.Public]));
    }

    [Fact]
    public void Public_keys_parse_back_to_the_same_id() =>
        Assert.Equal(First.Value.Public.KeyId, OpenPgp.ParsePublicKey(First.Value.Public.AsciiArmor).KeyId);

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
