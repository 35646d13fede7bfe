using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OrleansRegistry.Composer;

/// <summary>
/// JSON text held as UTF-8 bytes: half the memory of a string for the metadata every active package keeps per
/// version. Stored as a JSON string, exactly as when it was a <see cref="string"/>, so stored state reads either way.
/// </summary>
public sealed class Utf8JsonTextConverter : JsonConverter<byte[]>
{
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"expected JSON text as a string, found {reader.TokenType}");
        }

        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            return reader.ValueSpan.ToArray();
        }

        var buffer = new byte[reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length];
        var written = reader.CopyString(buffer);
        return written == buffer.Length ? buffer : buffer[..written];
    }

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) =>
        writer.WriteStringValue((ReadOnlySpan<byte>)value);

    /// <summary>The node's JSON text as UTF-8 bytes.</summary>
    public static byte[] Utf8(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
