using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace Unrolled.Samples.Serve
{
    /// <summary>A request body that cannot be served, with the message the client gets (HTTP 400).</summary>
    public sealed class BadRequestException : Exception
    {
        public BadRequestException(string message) : base(message) { }
    }

    /// <summary>
    /// Reads a /predict body: a JSON array of <c>inputSize</c> numbers (one sample), or an array of such arrays (a batch of
    /// at most <c>maxBatch</c>). Every problem — not JSON, another shape, a wrong length, a value that is not a finite
    /// float, too many samples — is a <see cref="BadRequestException"/> saying where.
    /// </summary>
    public static class PredictionRequest
    {
        /// <summary>The samples, sample-major, and whether the body was a batch (an array of arrays).</summary>
        public static (float[] Features, int Count, bool Batch) Parse(ReadOnlySpan<byte> body, int inputSize, int maxBatch)
        {
            if (body.IsEmpty) throw new BadRequestException("The body is empty: send a JSON array of " + inputSize + " numbers, or an array of such arrays.");
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 4 });
            try
            {
                if (!reader.Read()) throw new BadRequestException("The body is empty: send a JSON array of " + inputSize + " numbers, or an array of such arrays.");
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw new BadRequestException($"Expected a JSON array of {inputSize} numbers, or an array of such arrays; the body starts with {Describe(reader.TokenType)}.");
                if (!reader.Read()) throw new BadRequestException("The JSON array is not closed.");
                var features = new List<float>(inputSize);
                int count;
                bool batch = reader.TokenType == JsonTokenType.StartArray;
                if (!batch)
                {
                    ReadSample(ref reader, features, inputSize, sample: null, started: true);
                    count = 1;
                }
                else
                {
                    count = 0;
                    while (reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.StartArray)
                            throw new BadRequestException($"Sample {count} of the batch is {Describe(reader.TokenType)}, not an array of {inputSize} numbers.");
                        if (count == maxBatch) throw new BadRequestException($"The batch has more than {maxBatch} samples, the most this server takes in one request.");
                        ReadSample(ref reader, features, inputSize, count, started: false);
                        count++;
                        if (!reader.Read()) throw new BadRequestException("The batch's JSON array is not closed.");
                    }
                    if (count == 0) throw new BadRequestException("The batch is empty.");
                }
                if (reader.Read()) throw new BadRequestException("There is more after the JSON array.");
                return (features.ToArray(), count, batch);
            }
            catch (JsonException ex)
            {
                throw new BadRequestException($"The body is not valid JSON ({ex.Message.Split('.')[0]}).");
            }
        }

        /// <summary>One sample's numbers; the reader is on its first number (<paramref name="started"/>) or on its '['.</summary>
        private static void ReadSample(ref Utf8JsonReader reader, List<float> features, int inputSize, int? sample, bool started)
        {
            string where = sample is int s ? $"sample {s}" : "the sample";
            if (!started && !reader.Read()) throw new BadRequestException($"The array of {where} is not closed.");
            int values = 0;
            while (reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number)
                    throw new BadRequestException($"Value {values} of {where} is {Describe(reader.TokenType)}, not a number (JSON has no NaN or Infinity).");
                if (!reader.TryGetSingle(out float value) || !float.IsFinite(value))
                    throw new BadRequestException($"Value {values} of {where} ({Raw(ref reader)}) is not a finite 32-bit number.");
                if (values == inputSize) throw new BadRequestException($"{Capitalised(where)} has more than {inputSize} values; the network takes {inputSize}.");
                features.Add(value);
                values++;
                if (!reader.Read()) throw new BadRequestException($"The array of {where} is not closed.");
            }
            if (values != inputSize)
                throw new BadRequestException($"{Capitalised(where)} has {values} {(values == 1 ? "value" : "values")}; the network takes {inputSize}.");
        }

        private static string Raw(ref Utf8JsonReader reader) => System.Text.Encoding.UTF8.GetString(reader.ValueSpan);

        private static string Capitalised(string text) => char.ToUpper(text[0], CultureInfo.InvariantCulture) + text.Substring(1);

        private static string Describe(JsonTokenType token) => token switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => "a string",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            JsonTokenType.Null => "null",
            JsonTokenType.Number => "a number",
            JsonTokenType.EndArray => "the end of an array",
            _ => token.ToString(),
        };
    }
}
