using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Unrolled
{
    /// <summary>Allocation-free conversions between a network's scalar type (<see cref="float"/> or <see cref="double"/>) and <see cref="double"/>.</summary>
    internal static class Scalar<T> where T : struct
    {
        public static readonly bool IsSingle = typeof(T) == typeof(float);

        static Scalar()
        {
            if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
                throw new NotSupportedException($"Networks use float or double, not {typeof(T)}.");
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double ToDouble(T value)
        {
            if (typeof(T) == typeof(float)) return Unsafe.As<T, float>(ref value);
            return Unsafe.As<T, double>(ref value);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T FromDouble(double value)
        {
            if (typeof(T) == typeof(float)) { float f = (float)value; return Unsafe.As<float, T>(ref f); }
            return Unsafe.As<double, T>(ref value);
        }
    }
}
