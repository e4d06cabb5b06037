using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Unrolled.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Unrolled.Samples.Tests
{
    /// <summary>
    /// Issue 14: samples/Serve under load. The server runs as its own process on a loopback port with one FashionNet
    /// shared by every request thread; 16 clients send 2,000 requests each (single samples, batches, and about 5 %
    /// malformed bodies). Every prediction must equal, bit for bit, the single-threaded Forward of the same weights; no
    /// request may get a server error; every malformed one must get a 400 with a message. Bounded: a fixed number of
    /// requests, and a deadline after which the clients stop (and the test fails).
    /// </summary>
    public sealed class ServeLoadTests : IDisposable
    {
        private const int Clients = 16, RequestsPerClient = 2000, Pool = 256, InputSize = 784, Classes = 10;
        private static readonly TimeSpan s_deadline = TimeSpan.FromMinutes(4);

        private readonly ITestOutputHelper _output;
        private readonly string _directory = Path.Combine(Path.GetTempPath(), $"unrolled-serve-{Guid.NewGuid():N}");

        public ServeLoadTests(ITestOutputHelper output)
        {
            _output = output;
            Directory.CreateDirectory(_directory);
        }

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        /// <summary>Malformed bodies, each with what the 400's message must say.</summary>
        private static readonly (string Name, Func<string> Body, string Says)[] s_malformed =
        {
            ("783 values", () => Array(Enumerable.Repeat("0.5", 783)), "has 783 values"),
            ("785 values", () => Array(Enumerable.Repeat("0.5", 785)), "more than 784 values"),
            ("a NaN string", () => Array(new[] { "\"NaN\"" }.Concat(Enumerable.Repeat("0", 783))), "not a number"),
            ("an overflowing number", () => Array(Enumerable.Repeat("0", 400).Append("1e39").Concat(Enumerable.Repeat("0", 383))), "not a finite"),
            ("not JSON", () => "pixels please", "not valid JSON"),
            ("an object", () => "{\"pixels\":[1,2,3]}", "Expected a JSON array"),
            ("an empty body", () => string.Empty, "empty"),
            ("a ragged batch", () => "[" + Array(Enumerable.Repeat("0", 784)) + "," + Array(Enumerable.Repeat("0", 10)) + "]", "Sample 1 has 10 values"),
            ("too many samples", () => "[" + string.Join(",", Enumerable.Repeat(Array(Enumerable.Repeat("0", 784)), 257)) + "]", "more than 256 samples"),
        };

        private static string Array(IEnumerable<string> values) => "[" + string.Join(",", values) + "]";

        private static string Json(ReadOnlySpan<float> sample)
        {
            var text = new StringBuilder("[");
            for (int i = 0; i < sample.Length; i++) text.Append(i == 0 ? string.Empty : ",").Append(sample[i].ToString("R", CultureInfo.InvariantCulture));
            return text.Append(']').ToString();
        }

        [Fact]
        public async Task SixteenClientsGetTheSingleThreadedPredictionsAndEveryBadRequestA400()
        {
            // Weights that are not the initial ones (and BatchNorm statistics that moved), saved as ./train.sh saves them.
            var net = new FashionNet();
            var adam = new Adam(1e-3);
            var random = new Random(3);
            float[] pool = Enumerable.Range(0, Pool * InputSize).Select(_ => (float)random.NextDouble()).ToArray();
            int[] labels = Enumerable.Range(0, 64).Select(_ => random.Next(Classes)).ToArray();
            for (int step = 0; step < 5; step++) adam.TrainStep(net, pool.AsSpan(0, 64 * InputSize), labels, 64);
            string weights = Path.Combine(_directory, "fashion-net.weights");
            WeightsFile.Save(net, weights);
            var reference = new float[Pool * Classes];
            for (int s = 0; s < Pool; s++) net.Forward(pool.AsSpan(s * InputSize, InputSize), reference.AsSpan(s * Classes, Classes));
            string[] samples = Enumerable.Range(0, Pool).Select(s => Json(pool.AsSpan(s * InputSize, InputSize))).ToArray();

            int port = FreePort();
            string serve = Path.Combine(Repository.Root, "samples", "Serve", "bin", Repository.Configuration, "net10.0", "Serve.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[] { serve, "--weights", weights, "--urls", $"http://127.0.0.1:{port}" }) start.ArgumentList.Add(argument);
            using Process server = Process.Start(start)!;
            var log = new StringBuilder();
            server.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            server.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            try
            {
                await WaitForHealth(http, server, log);

                int wrong = 0, serverErrors = 0, malformedNot400 = 0, malformedSent = 0, singles = 0, batches = 0;
                var problems = new ConcurrentQueue<string>();
                var latencies = new ConcurrentBag<double>();
                using var deadline = new CancellationTokenSource(s_deadline);
                var clock = Stopwatch.StartNew();
                Task[] clients = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
                {
                    var r = new Random(100 + c);
                    for (int request = 0; request < RequestsPerClient && !deadline.IsCancellationRequested; request++)
                    {
                        int kind = r.Next(100);
                        bool malformed = kind < 5 || (request == 0 && c < 2); // about 5 %, and "too large" early on two clients
                        string body;
                        int first = 0, count = 1;
                        (string Name, Func<string> Body, string Says) bad = ("", () => "", "");
                        bool batch = false;
                        if (malformed)
                        {
                            bad = s_malformed[request == 0 && c < 2 ? s_malformed.Length - 1 : r.Next(s_malformed.Length - 1)];
                            body = bad.Body();
                            Interlocked.Increment(ref malformedSent);
                        }
                        else if (kind < 20)
                        {
                            batch = true;
                            count = r.Next(2, 33);
                            first = r.Next(Pool - count + 1);
                            body = "[" + string.Join(",", samples, first, count) + "]";
                            Interlocked.Increment(ref batches);
                        }
                        else
                        {
                            first = r.Next(Pool);
                            body = samples[first];
                            Interlocked.Increment(ref singles);
                        }
                        var timer = Stopwatch.StartNew();
                        HttpResponseMessage response;
                        try
                        {
                            response = await http.PostAsync("/predict", new StringContent(body, Encoding.UTF8, "application/json"), deadline.Token);
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                        {
                            if (deadline.IsCancellationRequested) break;
                            Interlocked.Increment(ref serverErrors);
                            problems.Enqueue($"client {c}, request {request}: {ex.Message}");
                            continue;
                        }
                        string text = await response.Content.ReadAsStringAsync();
                        latencies.Add(timer.Elapsed.TotalMilliseconds);
                        if ((int)response.StatusCode >= 500)
                        {
                            Interlocked.Increment(ref serverErrors);
                            problems.Enqueue($"client {c}, request {request}: {(int)response.StatusCode} {text}");
                            continue;
                        }
                        if (malformed)
                        {
                            if (response.StatusCode != HttpStatusCode.BadRequest || !text.Contains(bad.Says, StringComparison.Ordinal))
                            {
                                Interlocked.Increment(ref malformedNot400);
                                problems.Enqueue($"{bad.Name}: {(int)response.StatusCode} {text}");
                            }
                            continue;
                        }
                        if (response.StatusCode != HttpStatusCode.OK || !Matches(text, batch, first, count, reference))
                        {
                            Interlocked.Increment(ref wrong);
                            problems.Enqueue($"client {c}, request {request} (samples {first}+{count}): {(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
                        }
                    }
                })).ToArray();
                await Task.WhenAll(clients);
                clock.Stop();

                double[] sorted = latencies.OrderBy(l => l).ToArray();
                _output.WriteLine($"{sorted.Length:N0} requests ({singles:N0} single, {batches:N0} batches, {malformedSent:N0} malformed) in {clock.Elapsed.TotalSeconds:F1} s: " +
                                  $"{sorted.Length / clock.Elapsed.TotalSeconds:N0} requests/s, p50 {Percentile(sorted, 0.50):F2} ms, p99 {Percentile(sorted, 0.99):F2} ms");
                foreach (string problem in problems.Take(10)) _output.WriteLine(problem);

                Assert.False(deadline.IsCancellationRequested, $"the clients did not finish within {s_deadline}");
                Assert.Equal(Clients * RequestsPerClient, sorted.Length + serverErrors);
                Assert.Equal(0, serverErrors);
                Assert.Equal(0, wrong);
                Assert.Equal(0, malformedNot400);
                Assert.InRange(malformedSent, Clients * RequestsPerClient / 40, Clients * RequestsPerClient / 10); // about 5 %
                Assert.False(server.HasExited, "the server crashed");
            }
            finally
            {
                if (!server.HasExited) server.Kill(entireProcessTree: true);
                server.WaitForExit();
                lock (log) _output.WriteLine(log.ToString());
            }
        }

        /// <summary>Whether a 200's body holds, for every sample, the reference class and probabilities to the bit.</summary>
        private static bool Matches(string text, bool batch, int first, int count, float[] reference)
        {
            using JsonDocument document = JsonDocument.Parse(text);
            JsonElement root = document.RootElement;
            JsonElement[] predictions = batch ? root.GetProperty("predictions").EnumerateArray().ToArray() : new[] { root };
            if (predictions.Length != count) return false;
            for (int s = 0; s < count; s++)
            {
                ReadOnlySpan<float> expected = reference.AsSpan((first + s) * Classes, Classes);
                float[] probabilities = predictions[s].GetProperty("probabilities").EnumerateArray().Select(p => p.GetSingle()).ToArray();
                int best = 0;
                for (int k = 1; k < Classes; k++) if (expected[k] > expected[best]) best = k;
                if (predictions[s].GetProperty("class").GetInt32() != best || probabilities.Length != Classes) return false;
                for (int k = 0; k < Classes; k++)
                    if (BitConverter.SingleToInt32Bits(probabilities[k]) != BitConverter.SingleToInt32Bits(expected[k])) return false;
            }
            return true;
        }

        private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

        private static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        private static async Task WaitForHealth(HttpClient http, Process server, StringBuilder log)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (server.HasExited) throw new InvalidOperationException($"the server exited with {server.ExitCode}: {log}");
                try
                {
                    HttpResponseMessage health = await http.GetAsync("/health");
                    if (health.IsSuccessStatusCode && (await health.Content.ReadAsStringAsync()).Contains("\"status\":\"ok\"")) return;
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(100);
            }
            throw new TimeoutException("the server did not answer /health within 60 s");
        }
    }
}
