using System;
using System.Collections.Generic;
using System.Globalization;

namespace Unrolled.Samples
{
    /// <summary>A bad command line: the message says what is wrong (empty for --help).</summary>
    public sealed class OptionException : Exception
    {
        /// <summary>Creates the exception; null means help was asked for.</summary>
        public OptionException(string? message) : base(message ?? string.Empty) { }
    }

    /// <summary>
    /// The samples' command lines: <c>--name value</c> pairs, parsed with the invariant culture. Each sample says which
    /// names it knows; an unknown name, a missing value or a malformed number is an <see cref="OptionException"/>.
    /// </summary>
    public static class CommandLine
    {
        /// <summary>Calls <paramref name="apply"/> with each (name, value) pair; <c>--help</c>/<c>-h</c> throws an empty OptionException.</summary>
        public static void Parse(string[] args, Action<string, string> apply)
        {
            for (int i = 0; i < args.Length; i++)
            {
                string name = args[i];
                if (name == "--help" || name == "-h") throw new OptionException(null);
                if (!name.StartsWith("--", StringComparison.Ordinal)) throw new OptionException($"Expected an option (--name value), not '{name}'.");
                if (i + 1 >= args.Length) throw new OptionException($"{name} needs a value.");
                apply(name, args[++i]);
            }
        }

        /// <summary>Prints the error (if any) and the usage; returns the exit code: 0 for help, 2 for a bad command line.</summary>
        public static int Fail(OptionException e, string usage)
        {
            if (e.Message.Length > 0) Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(usage);
            return e.Message.Length > 0 ? 2 : 0;
        }

        /// <summary>The error for an option the sample does not know.</summary>
        public static OptionException Unknown(string name) => new OptionException($"Unknown option {name}.");

        /// <summary>An integer.</summary>
        public static int Int(string name, string value) =>
            int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result) ? result : throw new OptionException($"{name} must be an integer, not '{value}'.");

        /// <summary>An integer of at least 1.</summary>
        public static int PositiveInt(string name, string value)
        {
            int result = Int(name, value);
            return result >= 1 ? result : throw new OptionException($"{name} must be at least 1, not {result}.");
        }

        /// <summary>A finite number greater than 0.</summary>
        public static double PositiveNumber(string name, string value) =>
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double result) && result > 0 && !double.IsInfinity(result)
                ? result
                : throw new OptionException($"{name} must be a positive number, not '{value}'.");

        /// <summary>One of <paramref name="allowed"/>, case-insensitively; returned in lower case.</summary>
        public static string OneOf(string name, string value, params string[] allowed)
        {
            string lower = value.ToLowerInvariant();
            return Array.IndexOf(allowed, lower) >= 0 ? lower : throw new OptionException($"{name} must be one of {string.Join(", ", allowed)}, not '{value}'.");
        }

        /// <summary>A comma-separated list whose items are each one of <paramref name="allowed"/>.</summary>
        public static IReadOnlyList<string> ListOf(string name, string value, params string[] allowed)
        {
            var items = new List<string>();
            foreach (string item in value.Split(',')) items.Add(OneOf(name, item.Trim(), allowed));
            return items;
        }
    }
}
