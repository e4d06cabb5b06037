using System;
using System.IO;

namespace Unrolled
{
    /// <summary>
    /// Writes a whole file so that a crash leaves either the previous file or the new one, never half of one: the bytes
    /// go to a temporary file beside the target, are flushed to disk, and the temporary file is renamed over the target.
    /// </summary>
    internal static class AtomicFile
    {
        /// <summary>For tests: runs after the temporary file is complete and before it replaces the target.</summary>
        internal static Action<string>? BeforeCommit { get; set; }

        public static void WriteAllBytes(string path, byte[] content)
        {
            if (string.IsNullOrEmpty(path)) throw new ArgumentException("A path is required.", nameof(path));
            string fullPath = Path.GetFullPath(path);
            string directory = Path.GetDirectoryName(fullPath) ?? ".";
            Directory.CreateDirectory(directory);
            string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(content, 0, content.Length);
                    stream.Flush(flushToDisk: true);
                }
                BeforeCommit?.Invoke(temporary);
#if NETSTANDARD2_0
                if (File.Exists(fullPath)) File.Replace(temporary, fullPath, null);
                else File.Move(temporary, fullPath);
#else
                File.Move(temporary, fullPath, overwrite: true);
#endif
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }
    }
}
