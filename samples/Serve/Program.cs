using System;
using System.Buffers;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Unrolled;
using Unrolled.Samples;
using Unrolled.Samples.Serve;

// Serves the network ./train.sh trained: POST /predict (784 floats, or a batch of them) → probabilities and class;
// GET /health. The network is one singleton shared by every request thread: Unrolled's inference is thread-safe.
//   dotnet run --project samples/Serve -c Release -- --weights fashion-net.weights --urls http://127.0.0.1:5000
const int MaxBatch = 256;
const long MaxBodyBytes = 4 * 1024 * 1024;

string weights = "fashion-net.weights", model = "keras";
for (int i = 0; i + 1 < args.Length; i++)
{
    if (args[i] == "--weights") weights = args[i + 1];
    else if (args[i] == "--model") model = args[i + 1];
    else if (args[i] == "--kernel-threads") Kernels.Threads = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
}
INetwork<float> network = model == "tiny" ? new TinyNN() : new FashionNet();
try
{
    WeightsFile.Load(network, weights);
}
catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine($"Cannot serve: {ex.Message} Train first (./train.sh{(model == "tiny" ? " --model tiny" : string.Empty)} saves fashion-net.weights), or pass --weights FILE.");
    return 1;
}

WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxBodyBytes * 2); // this app answers bodies over MaxBodyBytes itself, with a 400
builder.Services.AddSingleton(network);
WebApplication app = builder.Build();

app.MapGet("/health", (INetwork<float> net) => Results.Json(new Health("ok", net.GetType().Name, net.InputSize, net.OutputSize, net.ParameterCount, Kernels.Threads)));

app.MapPost("/predict", async (HttpContext context, INetwork<float> net) =>
{
    try
    {
        if (context.Request.ContentLength > MaxBodyBytes) throw new BadRequestException($"The body has {context.Request.ContentLength:N0} bytes; this server takes at most {MaxBodyBytes:N0}.");
        byte[] body = await ReadBody(context.Request.Body, MaxBodyBytes);
        (float[] features, int count, bool batch) = PredictionRequest.Parse(body, net.InputSize, MaxBatch);
        float[] probabilities = net.Predict(features);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Answer(probabilities, count, net.OutputSize, batch));
    }
    catch (BadRequestException ex)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.Response.WriteAsJsonAsync(new Problem(ex.Message));
    }
});

app.Run();
return 0;

// The body, up to limit bytes (a longer one, e.g. chunked without Content-Length, is refused with a 400).
static async Task<byte[]> ReadBody(Stream stream, long limit)
{
    using var buffer = new MemoryStream();
    byte[] chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
    try
    {
        int read;
        while ((read = await stream.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > limit) throw new BadRequestException($"The body is longer than {limit:N0} bytes, the most this server takes.");
            buffer.Write(chunk, 0, read);
        }
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(chunk);
    }
    return buffer.ToArray();
}

// {"class":3,"probabilities":[…]} for one sample, {"predictions":[{…},…]} for a batch; floats as shortest round-trip text.
static byte[] Answer(float[] probabilities, int count, int classes, bool batch)
{
    using var output = new MemoryStream();
    using (var json = new Utf8JsonWriter(output))
    {
        if (batch)
        {
            json.WriteStartObject();
            json.WriteStartArray("predictions");
        }
        for (int s = 0; s < count; s++)
        {
            ReadOnlySpan<float> row = probabilities.AsSpan(s * classes, classes);
            int best = 0;
            for (int k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
            json.WriteStartObject();
            json.WriteNumber("class", best);
            json.WriteStartArray("probabilities");
            foreach (float p in row) json.WriteNumberValue(p);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        if (batch)
        {
            json.WriteEndArray();
            json.WriteEndObject();
        }
    }
    return output.ToArray();
}

internal sealed record Health(string Status, string Model, int InputSize, int OutputSize, int Parameters, int KernelThreads);

internal sealed record Problem(string Error);
