using System;
using System.Numerics;

namespace Unrolled
{
    /// <summary>
    /// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, in PyTorch's form:
    /// <code>
    /// g ← g + λ·θ                       (weight decay λ, if any)
    /// v ← μ·v + g                       (momentum μ, if any; v starts at 0)
    /// θ ← θ − η·(g + μ·v)   (Nesterov)   or   θ ← θ − η·v   (classic)   or   θ ← θ − η·g   (μ = 0)
    /// </code>
    /// With a constant η this equals Keras' form (v ← μ·v − η·g; θ ← θ + v). Defaults: η = 0.01, μ = 0
    /// (Keras <c>SGD()</c>; the lesson's table uses <c>SGD(lr=0.01, momentum=0.9)</c>).
    /// </summary>
    public sealed class Sgd : Optimizer
    {
        /// <summary>Creates the optimiser.</summary>
        public Sgd(double learningRate = 0.01, double momentum = 0, bool nesterov = false, double weightDecay = 0) : base(learningRate)
        {
            Momentum = Check(momentum, nameof(momentum), 0, 1, minInclusive: true);
            if (Momentum >= 1) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be less than 1.");
            if (nesterov && momentum == 0) throw new ArgumentException("Nesterov momentum needs a momentum above 0.", nameof(nesterov));
            Nesterov = nesterov;
            WeightDecay = Check(weightDecay, nameof(weightDecay), 0, double.MaxValue);
        }

        /// <summary>μ.</summary>
        public double Momentum { get; }

        /// <summary>Whether the step looks ahead along the velocity (Nesterov).</summary>
        public bool Nesterov { get; }

        /// <summary>λ, coupled L2 weight decay added to the gradient.</summary>
        public double WeightDecay { get; }

        private protected override bool IsPlainGradientStep => Momentum == 0 && WeightDecay == 0;

        private protected override void Update<T>(Span<T> parameters, ReadOnlySpan<T> gradients, T[] first, T[] second, T[] scratch, double learningRate, long t)
        {
            var kernel = new Kernel<T>(Splat<T>(learningRate), Splat<T>(Momentum), Splat<T>(WeightDecay), Momentum > 0, Nesterov);
            VectorLoop.Run(parameters, gradients, first, second, scratch, ref kernel);
        }

        private readonly struct Kernel<T> : IUpdateKernel<T> where T : struct
        {
            private readonly Vector<T> _rate, _momentum, _decay;
            private readonly bool _useMomentum, _nesterov;

            public Kernel(Vector<T> rate, Vector<T> momentum, Vector<T> decay, bool useMomentum, bool nesterov)
            {
                _rate = rate; _momentum = momentum; _decay = decay; _useMomentum = useMomentum; _nesterov = nesterov;
            }

            public void Apply(ref Vector<T> parameter, Vector<T> gradient, ref Vector<T> velocity, ref Vector<T> unused)
            {
                Vector<T> g = gradient + _decay * parameter;
                if (!_useMomentum)
                {
                    parameter -= _rate * g;
                    return;
                }
                velocity = _momentum * velocity + g;
                parameter -= _rate * (_nesterov ? g + _momentum * velocity : velocity);
            }
        }
    }

    /// <summary>
    /// RMSprop (Hinton 2012): divides the gradient by a running root mean square of past gradients.
    /// <code>
    /// s ← ρ·s + (1 − ρ)·g²
    /// θ ← θ − η·g / (√s + ε)
    /// </code>
    /// Defaults follow Keras: η = 1e-3 (the lesson's <c>RMSprop(lr=1e-3)</c>), ρ = 0.9, ε = 1e-7.
    /// PyTorch calls ρ <c>alpha</c> and defaults to 0.99 and ε = 1e-8.
    /// </summary>
    public sealed class RmsProp : Optimizer
    {
        /// <summary>Creates the optimiser.</summary>
        public RmsProp(double learningRate = 1e-3, double rho = 0.9, double epsilon = 1e-7) : base(learningRate)
        {
            Rho = Check(rho, nameof(rho), 0, 1);
            Epsilon = Check(epsilon, nameof(epsilon), 0, 1, minInclusive: false);
        }

        /// <summary>ρ, the decay of the running mean of g².</summary>
        public double Rho { get; }

        /// <summary>ε, added to √s.</summary>
        public double Epsilon { get; }

        private protected override void Update<T>(Span<T> parameters, ReadOnlySpan<T> gradients, T[] first, T[] second, T[] scratch, double learningRate, long t)
        {
            var kernel = new Kernel<T>(Splat<T>(learningRate), Splat<T>(Rho), Splat<T>(1 - Rho), Splat<T>(Epsilon));
            VectorLoop.Run(parameters, gradients, first, second, scratch, ref kernel);
        }

        private readonly struct Kernel<T> : IUpdateKernel<T> where T : struct
        {
            private readonly Vector<T> _rate, _rho, _rest, _epsilon;

            public Kernel(Vector<T> rate, Vector<T> rho, Vector<T> rest, Vector<T> epsilon)
            {
                _rate = rate; _rho = rho; _rest = rest; _epsilon = epsilon;
            }

            public void Apply(ref Vector<T> parameter, Vector<T> gradient, ref Vector<T> meanSquare, ref Vector<T> unused)
            {
                meanSquare = _rho * meanSquare + _rest * gradient * gradient;
                parameter -= _rate * gradient / (Vector.SquareRoot(meanSquare) + _epsilon);
            }
        }
    }

    /// <summary>
    /// Adam (Kingma &amp; Ba 2015), exactly as the lesson's code: moving averages of the gradient and of its square,
    /// bias-corrected because both start at zero (the lesson's quiz 3).
    /// <code>
    /// g ← g + λ·θ                            (coupled L2 weight decay, if any: PyTorch Adam's weight_decay)
    /// m ← β1·m + (1 − β1)·g
    /// v ← β2·v + (1 − β2)·g²
    /// m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t)
    /// θ ← θ − η·m̂ / (√v̂ + ε)
    /// </code>
    /// Defaults: η = 1e-3, β1 = 0.9, β2 = 0.999, ε = 1e-8 (the lesson and PyTorch; Keras uses ε = 1e-7).
    /// </summary>
    public class Adam : Optimizer
    {
        /// <summary>Creates the optimiser.</summary>
        public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
            : base(learningRate)
        {
            Beta1 = Check(beta1, nameof(beta1), 0, 1);
            Beta2 = Check(beta2, nameof(beta2), 0, 1);
            if (Beta1 >= 1 || Beta2 >= 1) throw new ArgumentOutOfRangeException(Beta1 >= 1 ? nameof(beta1) : nameof(beta2), "β must be less than 1.");
            Epsilon = Check(epsilon, nameof(epsilon), 0, 1, minInclusive: false);
            WeightDecay = Check(weightDecay, nameof(weightDecay), 0, double.MaxValue);
        }

        /// <summary>β1, the decay of the first moment.</summary>
        public double Beta1 { get; }

        /// <summary>β2, the decay of the second moment.</summary>
        public double Beta2 { get; }

        /// <summary>ε, added to √v̂.</summary>
        public double Epsilon { get; }

        /// <summary>λ. In <see cref="Adam"/> it is L2 regularisation added to the gradient (and so divided by √v̂, the
        /// problem the lesson's quiz 8 describes); in <see cref="AdamW"/> it is decoupled.</summary>
        public double WeightDecay { get; }

        /// <summary>Divide m and v by (1 − β^t). Default true. False shows what the correction is for (the lesson's quiz 3): m and v
        /// start at 0 and are biased towards it, so uncorrected steps are (1 − β1^t)/√(1 − β2^t) times the corrected ones —
        /// with the default β about 3.2× <em>larger</em> at t = 1 (up to 6.6× near t = 12), and smaller at t = 1 only when 1 − β2 &gt; (1 − β1)², i.e. β2 &lt; 0.99 for β1 = 0.9
        /// (samples/Lesson2 measures both).</summary>
        public bool BiasCorrection { get; set; } = true;

        /// <summary>λ as applied directly to θ before the Adam step (0 for Adam, λ for AdamW).</summary>
        private protected virtual double DecoupledDecay => 0;

        /// <summary>λ as added to the gradient (λ for Adam, 0 for AdamW).</summary>
        private protected virtual double CoupledDecay => WeightDecay;

        private protected override void Update<T>(Span<T> parameters, ReadOnlySpan<T> gradients, T[] first, T[] second, T[] scratch, double learningRate, long t)
        {
            double correction1 = BiasCorrection ? 1 - Math.Pow(Beta1, t) : 1;
            double correction2 = BiasCorrection ? 1 - Math.Pow(Beta2, t) : 1;
            var kernel = new Kernel<T>(Splat<T>(learningRate), Splat<T>(Beta1), Splat<T>(1 - Beta1), Splat<T>(Beta2), Splat<T>(1 - Beta2),
                Splat<T>(1 / correction1), Splat<T>(1 / correction2), Splat<T>(Epsilon), Splat<T>(CoupledDecay), Splat<T>(1 - learningRate * DecoupledDecay));
            VectorLoop.Run(parameters, gradients, first, second, scratch, ref kernel);
        }

        private readonly struct Kernel<T> : IUpdateKernel<T> where T : struct
        {
            private readonly Vector<T> _rate, _beta1, _rest1, _beta2, _rest2, _correct1, _correct2, _epsilon, _coupled, _shrink;

            public Kernel(Vector<T> rate, Vector<T> beta1, Vector<T> rest1, Vector<T> beta2, Vector<T> rest2, Vector<T> correct1, Vector<T> correct2,
                Vector<T> epsilon, Vector<T> coupled, Vector<T> shrink)
            {
                _rate = rate; _beta1 = beta1; _rest1 = rest1; _beta2 = beta2; _rest2 = rest2;
                _correct1 = correct1; _correct2 = correct2; _epsilon = epsilon; _coupled = coupled; _shrink = shrink;
            }

            public void Apply(ref Vector<T> parameter, Vector<T> gradient, ref Vector<T> m, ref Vector<T> v)
            {
                Vector<T> g = gradient + _coupled * parameter;
                m = _beta1 * m + _rest1 * g;
                v = _beta2 * v + _rest2 * g * g;
                Vector<T> mHat = m * _correct1, vHat = v * _correct2;
                parameter = parameter * _shrink - _rate * mHat / (Vector.SquareRoot(vHat) + _epsilon);
            }
        }
    }

    /// <summary>
    /// AdamW (Loshchilov &amp; Hutter 2019; the lesson's quiz 8): Adam with weight decay decoupled from the gradient, so
    /// every weight decays by the same factor whatever its gradient history:
    /// <code>
    /// θ ← θ − η·λ·θ                          (decoupled decay, first, as PyTorch does)
    /// θ ← θ − η·m̂ / (√v̂ + ε)               (the Adam step, without λ in g)
    /// </code>
    /// Defaults: η = 1e-3, λ = 0.01 (PyTorch <c>AdamW</c>; the lesson's table uses λ = 0.01), β and ε as <see cref="Adam"/>.
    /// </summary>
    public sealed class AdamW : Adam
    {
        /// <summary>Creates the optimiser.</summary>
        public AdamW(double learningRate = 1e-3, double weightDecay = 0.01, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
            : base(learningRate, beta1, beta2, epsilon, weightDecay)
        {
        }

        private protected override double DecoupledDecay => WeightDecay;

        private protected override double CoupledDecay => 0;
    }
}
