/* The machine's fp32 FMA peak on one thread: 12 independent chains of 8-float fused multiply-adds (more chains than
   FMA latency × ports, so the loop is throughput-bound). Prints GFLOP/s, the median of 5 runs.
   Built and run by bench/compare.sh (gcc -O2 -mavx2 -mfma). C, not C#: RyuJIT keeps vector locals that live across
   the timer call on the stack, which measures store forwarding instead of the FMA units. */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int compare(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

int main(void)
{
    double rates[5];
    for (int r = 0; r < 5; r++)
    {
        __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
        /* Twelve different starting values: with equal ones the compiler merges the chains into two (it did, and the
           "peak" came out 6× too high). */
        __m256 c0 = _mm256_set1_ps(0.10f), c1 = _mm256_set1_ps(0.11f), c2 = _mm256_set1_ps(0.12f), c3 = _mm256_set1_ps(0.13f);
        __m256 c4 = _mm256_set1_ps(0.14f), c5 = _mm256_set1_ps(0.15f), c6 = _mm256_set1_ps(0.16f), c7 = _mm256_set1_ps(0.17f);
        __m256 c8 = _mm256_set1_ps(0.18f), c9 = _mm256_set1_ps(0.19f), c10 = _mm256_set1_ps(0.20f), c11 = _mm256_set1_ps(0.21f);
        const long n = 50000000;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long i = 0; i < n; i++)
        {
            c0 = _mm256_fmadd_ps(c0, a, b); c1 = _mm256_fmadd_ps(c1, a, b); c2 = _mm256_fmadd_ps(c2, a, b); c3 = _mm256_fmadd_ps(c3, a, b);
            c4 = _mm256_fmadd_ps(c4, a, b); c5 = _mm256_fmadd_ps(c5, a, b); c6 = _mm256_fmadd_ps(c6, a, b); c7 = _mm256_fmadd_ps(c7, a, b);
            c8 = _mm256_fmadd_ps(c8, a, b); c9 = _mm256_fmadd_ps(c9, a, b); c10 = _mm256_fmadd_ps(c10, a, b); c11 = _mm256_fmadd_ps(c11, a, b);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
        __m256 sum = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)), _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
        sum = _mm256_add_ps(sum, _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)));
        float out[8];
        _mm256_storeu_ps(out, sum);
        if (out[0] == 42.0f) puts("!");
        rates[r] = (double)n * 12 * 8 * 2 / seconds / 1e9;
    }
    qsort(rates, 5, sizeof rates[0], compare);
    printf("%.3f\n", rates[2]);
    return 0;
}
