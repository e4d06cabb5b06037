using System;
using System.Diagnostics;
using System.IO;

// Linked into the test projects that run processes or read files of the repository.
namespace Unrolled.Tests.Shared
{
    /// <summary>Where the repository is, which configuration this test assembly was built in, and running a process.</summary>
    internal static class Repository
    {
        /// <summary>The directory holding Generator.sln, above this test assembly.</summary>
        public static string Root
        {
            get
            {
                DirectoryInfo? directory = new DirectoryInfo(AppContext.BaseDirectory);
                while (directory != null && !File.Exists(Path.Combine(directory.FullName, "Generator.sln"))) directory = directory.Parent;
                return directory?.FullName ?? throw new InvalidOperationException("Generator.sln not found above " + AppContext.BaseDirectory);
            }
        }

        /// <summary>"Debug" or "Release": the configuration the solution was built in, so outputs are found where they are.</summary>
#if DEBUG
        public const string Configuration = "Debug";
#else
        public const string Configuration = "Release";
#endif

        /// <summary>Runs a process to completion; returns its exit code, standard output and standard error.</summary>
        public static (int ExitCode, string Output, string Error) Run(string file, string? workingDirectory, params string[] arguments)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (workingDirectory != null) start.WorkingDirectory = workingDirectory;
            foreach (string argument in arguments) start.ArgumentList.Add(argument);
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            start.Environment["OMP_NUM_THREADS"] = "1";
            using Process process = Process.Start(start)!;
            // Read stderr concurrently so that neither pipe can fill up and block the child.
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, error.Result);
        }
    }
}
