using System;
using System.Threading;

namespace Unrolled
{
    /// <summary>
    /// One network's guard against misuse across threads, as <c>Dictionary</c> detects concurrent writes: a cheap
    /// interlocked check, never a lock. Training, loading and initialisation take the network <em>exclusively</em>
    /// (<see cref="EnterExclusive"/>): the thread that holds it may nest further exclusive calls (Fit calls ForwardTraining,
    /// Backward and the optimiser), and any other thread that tries gets an <see cref="InvalidOperationException"/> that
    /// names both operations. Inference is <em>shared</em> (<see cref="EnterInference"/>): any number of threads at once,
    /// refused while another thread holds the network exclusively, and an exclusive entry is refused while inference runs on
    /// other threads. So inference concurrent with training never sees half-updated weights: one of the two is refused.
    /// Generated networks create one guard each (<c>Guard</c>); the runtime's Fit, optimisers, weights files and gradient
    /// checker enter it too.
    /// </summary>
    public sealed class NetworkGuard
    {
        private readonly string _network;
        private int _owner;   // managed thread id holding the network exclusively, 0 when none
        private int _readers; // inference calls in progress
        private string _operation = string.Empty; // what the owner is doing, for the message

        /// <summary>A guard for the network named <paramref name="network"/> (used in messages).</summary>
        public NetworkGuard(string network) => _network = network ?? throw new ArgumentNullException(nameof(network));

        /// <summary>Whether some thread holds the network exclusively right now.</summary>
        public bool IsHeldExclusively => Volatile.Read(ref _owner) != 0;

        /// <summary>
        /// Takes the network for <paramref name="operation"/> on this thread. Returns a token for <see cref="ExitExclusive"/>:
        /// 1 when this call took it, 0 when this thread already held it (a nested call). Throws
        /// <see cref="InvalidOperationException"/> when another thread holds it or runs inference on it.
        /// </summary>
        public int EnterExclusive(string operation)
        {
            int me = Environment.CurrentManagedThreadId;
            int owner = Interlocked.CompareExchange(ref _owner, me, 0);
            if (owner == me) return 0;
            if (owner != 0)
                throw new InvalidOperationException(
                    $"{operation} was called on {_network} while another thread (managed thread {owner}) is running {Volatile.Read(ref _operation)} on it. " +
                    "A network has one trainer at a time: give each thread its own network (Clone()).");
            _operation = operation;
            // Interlocked.CompareExchange above is a full fence, as is the readers' increment: one of the two sides sees the other.
            if (Volatile.Read(ref _readers) > 0)
            {
                Volatile.Write(ref _owner, 0);
                throw new InvalidOperationException(
                    $"{operation} was called on {_network} while other threads run inference on it: it would change the weights under them. " +
                    "Train a copy (Clone()) and publish it, or CopyParametersFrom into an instance no thread is using.");
            }
            Kernels.EnterCaller();
            return 1;
        }

        /// <summary>Releases what <see cref="EnterExclusive"/> took (nothing for a nested call's token 0).</summary>
        public void ExitExclusive(int token)
        {
            if (token != 1) return;
            Kernels.ExitCaller();
            Volatile.Write(ref _owner, 0);
        }

        /// <summary>Starts an inference call: allowed on any number of threads at once, and on the thread that holds the
        /// network exclusively (Fit's validation); refused while another thread holds it. End it with <see cref="ExitInference"/>.</summary>
        public void EnterInference()
        {
            Interlocked.Increment(ref _readers);
            int owner = Volatile.Read(ref _owner);
            if (owner == 0 || owner == Environment.CurrentManagedThreadId) // the owner's own inference: Fit's validation
            {
                Kernels.EnterCaller(); // counted once per thread, however calls nest
                return;
            }
            Interlocked.Decrement(ref _readers);
            throw new InvalidOperationException(
                $"Inference was called on {_network} while another thread (managed thread {owner}) is running {Volatile.Read(ref _operation)} on it, " +
                "so its weights are changing. Serve a copy (Clone(), or CopyParametersFrom into a spare instance) while you train.");
        }

        /// <summary>Ends an inference call.</summary>
        public void ExitInference()
        {
            Kernels.ExitCaller();
            Interlocked.Decrement(ref _readers);
        }
    }
}
