using OrleansRegistry.Signing;

namespace OrleansRegistry.UnitTests;

/// <summary>Two OpenPGP keys shared by the signing tests (generating an RSA-3072 key takes a while).</summary>
internal static class TestSigningKeys
{
    private static readonly Lazy<OpenPgpKeyPair> FirstPair = new(() => OpenPgp.Generate("first <first@test>"));
    private static readonly Lazy<OpenPgpKeyPair> SecondPair = new(() => OpenPgp.Generate("second <second@test>"));

    public static OpenPgpKeyPair First => FirstPair.Value;

    public static OpenPgpKeyPair Second => SecondPair.Value;
}
