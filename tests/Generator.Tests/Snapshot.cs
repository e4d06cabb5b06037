using System;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit.Sdk;

namespace Unrolled.Generator.Tests
{
    /// <summary>
    /// A small snapshot helper (Verify is not available here): compares text with a committed
    /// <c>Snapshots/{name}.verified.cs</c>. On a mismatch or a missing file it writes <c>{name}.received.cs</c> beside it
    /// and fails with the first differing line. Set UNROLLED_ACCEPT_SNAPSHOTS=1 to accept the received text.
    /// </summary>
    internal static class Snapshot
    {
        public const string AcceptVariable = "UNROLLED_ACCEPT_SNAPSHOTS";

        public static void Match(string name, string actual, [CallerFilePath] string callerFile = "")
        {
            if (name.EndsWith(".cs", StringComparison.Ordinal)) name = name.Substring(0, name.Length - 3);
            string directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
            string verified = Path.Combine(directory, name + ".verified.cs");
            string received = Path.Combine(directory, name + ".received.cs");
            actual = actual.Replace("\r\n", "\n");

            if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
            {
                Directory.CreateDirectory(directory);
                File.WriteAllText(verified, actual);
                if (File.Exists(received)) File.Delete(received);
                return;
            }

            string? expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
            if (expected == actual)
            {
                if (File.Exists(received)) File.Delete(received);
                return;
            }

            Directory.CreateDirectory(directory);
            File.WriteAllText(received, actual);
            if (expected is null)
                throw new XunitException($"No snapshot {verified}. Review {received}, then rename it or run with {AcceptVariable}=1.");
            throw new XunitException($"Generated code differs from {verified} at {FirstDifference(expected, actual)}. " +
                                     $"Review the diff with {received}; accept with {AcceptVariable}=1.");
        }

        private static string FirstDifference(string expected, string actual)
        {
            string[] e = expected.Split('\n'), a = actual.Split('\n');
            for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
            {
                string left = i < e.Length ? e[i] : "<end of file>", right = i < a.Length ? a[i] : "<end of file>";
                if (left != right) return $"line {i + 1}:\n  expected: {left}\n  actual:   {right}";
            }
            return "line endings";
        }
    }
}
