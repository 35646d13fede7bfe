using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace OrleansRegistry.Signing;

/// <summary>A public key as Terraform lists it: the 16-hex-digit key id and the ASCII armor.</summary>
public sealed record OpenPgpPublicKey(string KeyId, string AsciiArmor);

/// <summary>A generated key: its public part and the (unencrypted) secret key ring, which callers must encrypt.</summary>
public sealed record OpenPgpKeyPair(OpenPgpPublicKey Public, byte[] SecretKeyRing);

public sealed class InvalidOpenPgpDataException(string message) : Exception(message);

/// <summary>OpenPGP operations for provider signing (BouncyCastle): parse keys, generate, sign, verify.</summary>
public static class OpenPgp
{
    /// <summary>Parses an ASCII-armored (or binary) public key; the result is re-armored in a normal form.</summary>
    public static OpenPgpPublicKey ParsePublicKey(string armor)
    {
        PgpPublicKeyRing ring;
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.ASCII.GetBytes(armor)));
            var bundle = new PgpPublicKeyRingBundle(input);
            ring = bundle.GetKeyRings().FirstOrDefault() ?? throw new InvalidOpenPgpDataException("the armor holds no public key");
        }
        catch (Exception e) when (e is PgpException or IOException or ArgumentException or InvalidCastException)
        {
            throw new InvalidOpenPgpDataException($"not an OpenPGP public key: {e.Message}");
        }

        if (!ring.GetPublicKeys().Any(IsSigningKey))
        {
            throw new InvalidOpenPgpDataException("the key has no signing-capable (sub)key");
        }

        return new OpenPgpPublicKey(KeyIdOf(ring.GetPublicKey().KeyId), Armor(ring.GetEncoded()));
    }

    /// <summary>Generates an RSA-3072 signing key with SHA-256 self-signatures.</summary>
    public static OpenPgpKeyPair Generate(string identity)
    {
        var random = new SecureRandom();
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(0x10001), random, 3072, 80));
        var pair = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), DateTime.UtcNow);
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetKeyFlags(false, PgpKeyFlags.CanSign | PgpKeyFlags.CanCertify);
        hashed.SetPreferredHashAlgorithms(false, [(int)HashAlgorithmTag.Sha256, (int)HashAlgorithmTag.Sha512]);
        var rings = new PgpKeyRingGenerator(
            PgpSignature.PositiveCertification, pair, identity, SymmetricKeyAlgorithmTag.Null, HashAlgorithmTag.Sha256,
            Array.Empty<char>(), false, hashed.Generate(), null, random);
        var publicRing = rings.GeneratePublicKeyRing();
        return new OpenPgpKeyPair(
            new OpenPgpPublicKey(KeyIdOf(publicRing.GetPublicKey().KeyId), Armor(publicRing.GetEncoded())),
            rings.GenerateSecretKeyRing().GetEncoded());
    }

    /// <summary>A binary detached signature of <paramref name="data"/> (what Terraform expects in SHA256SUMS.sig).</summary>
    public static byte[] SignDetached(byte[] secretKeyRing, byte[] data)
    {
        var secretKey = new PgpSecretKeyRing(secretKeyRing).GetSecretKey();
        var signer = new PgpSignatureGenerator(secretKey.PublicKey.Algorithm, HashAlgorithmTag.Sha256);
        signer.InitSign(PgpSignature.BinaryDocument, secretKey.ExtractPrivateKey([]));
        var subpackets = new PgpSignatureSubpacketGenerator();
        subpackets.SetSignatureCreationTime(false, DateTime.UtcNow);
        subpackets.SetIssuerKeyID(false, secretKey.KeyId);
        signer.SetHashedSubpackets(subpackets.Generate());
        signer.Update(data);
        return signer.Generate().GetEncoded();
    }

    /// <summary>
    /// Verifies a detached signature (binary or armored) over <paramref name="data"/> against <paramref name="keys"/>.
    /// Returns the key id of the primary key that verified it, and the signature in binary form.
    /// </summary>
    public static (string KeyId, byte[] BinarySignature) Verify(byte[] data, byte[] signature, IEnumerable<OpenPgpPublicKey> keys, string keysAre = "this namespace's keys")
    {
        PgpSignature parsed;
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(signature));
            var list = new PgpObjectFactory(input).NextPgpObject() switch
            {
                PgpSignatureList signatures => signatures,
                PgpCompressedData compressed => new PgpObjectFactory(compressed.GetDataStream()).NextPgpObject() as PgpSignatureList,
                _ => null,
            };
            parsed = list is { Count: > 0 } ? list[0] : throw new InvalidOpenPgpDataException("the signature file holds no OpenPGP signature");
        }
        catch (Exception e) when (e is PgpException or IOException or InvalidCastException)
        {
            throw new InvalidOpenPgpDataException($"the signature file is not an OpenPGP signature: {e.Message}");
        }

        foreach (var key in keys)
        {
            var ring = new PgpPublicKeyRing(PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.ASCII.GetBytes(key.AsciiArmor))));
            if (ring.GetPublicKey(parsed.KeyId) is not { } signingKey)
            {
                continue;
            }

            parsed.InitVerify(signingKey);
            parsed.Update(data);
            if (!parsed.Verify())
            {
                throw new InvalidOpenPgpDataException($"the signature by key {key.KeyId} does not match the SHA256SUMS file");
            }

            return (key.KeyId, parsed.GetEncoded());
        }

        throw new InvalidOpenPgpDataException($"the signature was made by key {KeyIdOf(parsed.KeyId)}, which is not among {keysAre}");
    }

    public static string KeyIdOf(long keyId) => ((ulong)keyId).ToString("X16", System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsSigningKey(PgpPublicKey key) =>
        !key.HasRevocation() && key.Algorithm is PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign
            or PublicKeyAlgorithmTag.Dsa or PublicKeyAlgorithmTag.ECDsa or PublicKeyAlgorithmTag.EdDsa_Legacy or PublicKeyAlgorithmTag.Ed25519;

    private static string Armor(byte[] encoded)
    {
        using var buffer = new MemoryStream();
        using (var armored = new ArmoredOutputStream(buffer))
        {
            armored.Write(encoded, 0, encoded.Length);
        }

        return Encoding.ASCII.GetString(buffer.ToArray());
    }
}
