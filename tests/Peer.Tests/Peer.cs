using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Unrolled.Tests.Shared;
using Xunit.Sdk;

namespace Unrolled.Peer.Tests
{
    /// <summary>
    /// Runs peer/torch_peer.py on a case directory. A missing PyTorch is a failure that says how to install it,
    /// never a silent skip.
    /// </summary>
    internal static class Peer
    {
        public const string Python = "/usr/bin/python3";
        private const string Install = "sudo apt-get install -y python3-numpy python3-torch (./test.sh does it)";

        private static readonly Lazy<string?> s_problem = new Lazy<string?>(() =>
        {
            if (!File.Exists(Python)) return $"{Python} is missing. Install PyTorch with: {Install}";
            (int code, string output, string error) = Repository.Run(Python, null, "-c", "import torch, numpy");
            output += error;
            return code == 0 ? null : $"PyTorch is not importable by {Python} ({output.Trim()}). Install it with: {Install}";
        });

        /// <summary>A fresh case directory with spec.json; the caller adds .npy inputs, then calls <see cref="Run"/>.</summary>
        public static string NewCase(object spec)
        {
            string directory = Path.Combine(Path.GetTempPath(), "unrolled-peer-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "spec.json"), JsonSerializer.Serialize(spec));
            return directory;
        }

        public static void Run(string caseDirectory)
        {
            if (s_problem.Value is string problem) throw new XunitException(problem);
            (int code, string output, string error) = Repository.Run(Python, null, Path.Combine(Repository.Root, "peer", "torch_peer.py"), caseDirectory);
            output += error;
            if (code != 0) throw new XunitException($"The PyTorch peer failed (exit {code}):\n{output}");
        }

        public static double[] Result(string caseDirectory, string name) => Npy.Read(Path.Combine(caseDirectory, name + ".npy"));

        /// <summary>
        /// Element-wise agreement: |a − b| ≤ tolerance · max(|b|, 1e-2 · max|b|). Components far below the array's
        /// magnitude are compared against that magnitude (their relative error would measure only rounding).
        /// </summary>
        public static void AssertClose(string what, IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
        {
            if (expected.Count != actual.Count) throw new XunitException($"{what}: PyTorch has {expected.Count} values, Unrolled {actual.Count}.");
            double scale = 1e-2 * expected.Select(Math.Abs).DefaultIfEmpty(0).Max();
            double worst = 0;
            int at = -1;
            for (int i = 0; i < expected.Count; i++)
            {
                double error = Math.Abs(expected[i] - actual[i]) / Math.Max(Math.Max(Math.Abs(expected[i]), scale), 1e-30);
                if (double.IsNaN(actual[i]) || error > worst) { worst = double.IsNaN(actual[i]) ? double.PositiveInfinity : error; at = i; }
            }
            if (worst > tolerance)
                throw new XunitException($"{what}: relative error {worst:E2} > {tolerance:E0} at [{at}] (PyTorch {expected[at]:G9}, Unrolled {actual[at]:G9})");
        }
    }
}
