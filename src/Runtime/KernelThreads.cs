using System;
using System.Diagnostics;
using System.Threading;

namespace Unrolled
{
    /// <summary>
    /// One piece of kernel work split in two parts: part 0 runs on the calling thread, part 1 on the helper thread (or
    /// both on the caller when the helper is busy or threads are limited to one). The operands are pointers into arrays
    /// the caller keeps pinned until KernelThreads.Run returns; <see cref="Body"/> is a static function, so
    /// posting a job allocates nothing.
    /// </summary>
    internal unsafe struct KernelJob
    {
        public delegate*<ref KernelJob, int, void> Body;
        public void* A, B, C, D, E;
        public int M, N, K, Split;
        public float Rate;
        public nint S0, S1;
    }

#if NET
    /// <summary>
    /// The second core for the kernels: one background helper thread that spins for a short while after each job (so
    /// back-to-back kernel calls of a training step hand over in well under a microsecond) and then sleeps on an event.
    /// Work is split along output rows, samples, units or parameters — never along a sum — so every number is computed
    /// by the same instructions in the same order whichever thread runs it, and results are bit-identical to one thread.
    /// </summary>
    internal static unsafe class KernelThreads
    {
        private static readonly long s_spinTicks = Stopwatch.Frequency / 2000; // the helper spins 0.5 ms before sleeping
        private static readonly ManualResetEventSlim s_wake = new ManualResetEventSlim(false);
        private static readonly object s_startLock = new object();
        private static Thread? s_helper;
        private static KernelJob s_job;
        private static long s_posted, s_done;
        private static int s_claimed, s_sleeping;
        private static long s_helperJobs;

        /// <summary>Parts the helper thread has run (for tests: proof that the split path ran).</summary>
        internal static long HelperJobs => Volatile.Read(ref s_helperJobs);

        /// <summary>Runs parts 0 and 1 of <paramref name="job"/>, in parallel when the helper is free.</summary>
        public static void Run(ref KernelJob job)
        {
            // One caller at a time gets the helper; with several network calls in flight the callers already fill the cores.
            if (Kernels.Threads < 2 || Kernels.CallersOverlap || Interlocked.CompareExchange(ref s_claimed, 1, 0) != 0)
            {
                job.Body(ref job, 0);
                job.Body(ref job, 1);
                return;
            }
            try
            {
                if (s_helper is null) Start();
                s_job = job;
                long sequence = s_posted + 1;
                Interlocked.Exchange(ref s_posted, sequence); // publishes the job (a full fence, paired with the helper's s_sleeping store)
                if (Volatile.Read(ref s_sleeping) != 0) s_wake.Set();
                job.Body(ref job, 0);
                // The helper's half takes about as long as ours: spin with short pauses (a SpinWait struct would soon
                // escalate to yielding, which costs microseconds); yield only if the helper seems descheduled.
                for (int spins = 0; Volatile.Read(ref s_done) != sequence; spins++)
                {
                    if (spins < 100_000) Thread.SpinWait(1);
                    else Thread.Yield();
                }
            }
            finally
            {
                Volatile.Write(ref s_claimed, 0);
            }
        }

        private static void Start()
        {
            lock (s_startLock)
            {
                if (s_helper != null) return;
                var thread = new Thread(Loop) { IsBackground = true, Name = "Unrolled kernel helper" };
                thread.Start();
                s_helper = thread;
            }
        }

        private static void Loop()
        {
            long seen = 0;
            while (true)
            {
                long since = Stopwatch.GetTimestamp();
                while (Volatile.Read(ref s_posted) == seen)
                {
                    if (Stopwatch.GetTimestamp() - since < s_spinTicks && !Kernels.CallersOverlap) // concurrent callers need the core
                    {
                        Thread.SpinWait(1); // ~35 ns: a posted job starts well within a microsecond
                        continue;
                    }
                    s_wake.Reset();
                    Interlocked.Exchange(ref s_sleeping, 1);
                    if (Volatile.Read(ref s_posted) == seen) s_wake.Wait();
                    Interlocked.Exchange(ref s_sleeping, 0);
                    since = Stopwatch.GetTimestamp();
                }
                seen = Volatile.Read(ref s_posted);
                KernelJob job = s_job;
                job.Body(ref job, 1);
                Volatile.Write(ref s_helperJobs, s_helperJobs + 1);
                Volatile.Write(ref s_done, seen);
            }
        }
    }
#endif
}
