/* The machine's fp32 FMA peak on one thread: 12 independent chains of 8-float fused multiply-adds (more chains than
   FMA latency × ports, so the loop is throughput-bound). Prints GFLOP/s, the median of 5 runs, for ymm and for zmm (0 without AVX-512F).
   Built and run by bench/compare.sh (gcc -O2 -mavx2 -mfma). C, not C#: RyuJIT keeps vector locals that live across
   the timer call on the stack, which measures store forwarding instead of the FMA units. */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int compare(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

/* The same with 16-float zmm FMAs (24 chains: AVX-512 has 32 registers), compiled for AVX-512F only in this function and
   run only where the CPU has it. On Zen 4 a zmm FMA is two ymm halves, so the peak is the same; elsewhere it may double. */
__attribute__((target("avx512f"))) static double zmm_rate(void)
{
    __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    __m512 c[24];
    for (int k = 0; k < 24; k++) c[k] = _mm512_set1_ps(0.10f + 0.01f * (float)k);
    __m512 c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4], c5 = c[5], c6 = c[6], c7 = c[7], c8 = c[8], c9 = c[9], c10 = c[10], c11 = c[11];
    __m512 c12 = c[12], c13 = c[13], c14 = c[14], c15 = c[15], c16 = c[16], c17 = c[17], c18 = c[18], c19 = c[19], c20 = c[20], c21 = c[21], c22 = c[22], c23 = c[23];
    const long n = 25000000;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++)
    {
        c0 = _mm512_fmadd_ps(c0, a, b); c1 = _mm512_fmadd_ps(c1, a, b); c2 = _mm512_fmadd_ps(c2, a, b); c3 = _mm512_fmadd_ps(c3, a, b);
        c4 = _mm512_fmadd_ps(c4, a, b); c5 = _mm512_fmadd_ps(c5, a, b); c6 = _mm512_fmadd_ps(c6, a, b); c7 = _mm512_fmadd_ps(c7, a, b);
        c8 = _mm512_fmadd_ps(c8, a, b); c9 = _mm512_fmadd_ps(c9, a, b); c10 = _mm512_fmadd_ps(c10, a, b); c11 = _mm512_fmadd_ps(c11, a, b);
        c12 = _mm512_fmadd_ps(c12, a, b); c13 = _mm512_fmadd_ps(c13, a, b); c14 = _mm512_fmadd_ps(c14, a, b); c15 = _mm512_fmadd_ps(c15, a, b);
        c16 = _mm512_fmadd_ps(c16, a, b); c17 = _mm512_fmadd_ps(c17, a, b); c18 = _mm512_fmadd_ps(c18, a, b); c19 = _mm512_fmadd_ps(c19, a, b);
        c20 = _mm512_fmadd_ps(c20, a, b); c21 = _mm512_fmadd_ps(c21, a, b); c22 = _mm512_fmadd_ps(c22, a, b); c23 = _mm512_fmadd_ps(c23, a, b);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    __m512 sum = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)), _mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7)));
    sum = _mm512_add_ps(sum, _mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11)));
    sum = _mm512_add_ps(sum, _mm512_add_ps(_mm512_add_ps(c12, c13), _mm512_add_ps(c14, c15)));
    sum = _mm512_add_ps(sum, _mm512_add_ps(_mm512_add_ps(c16, c17), _mm512_add_ps(c18, c19)));
    sum = _mm512_add_ps(sum, _mm512_add_ps(_mm512_add_ps(c20, c21), _mm512_add_ps(c22, c23)));
    if (_mm512_reduce_add_ps(sum) == 42.0f) puts("!");
    return (double)n * 24 * 16 * 2 / seconds / 1e9;
}

static double ymm_rate(void)
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
    return (double)n * 12 * 8 * 2 / seconds / 1e9;
}

static double median(double (*rate)(void))
{
    double rates[5];
    for (int r = 0; r < 5; r++) rates[r] = rate();
    qsort(rates, 5, sizeof rates[0], compare);
    return rates[2];
}

/* Prints "ymm zmm" GFLOP/s (medians of 5 runs); zmm is 0 where the CPU has no AVX-512F. */
int main(void)
{
    double ymm = median(ymm_rate);
    double zmm = __builtin_cpu_supports("avx512f") ? median(zmm_rate) : 0.0;
    printf("%.3f %.3f\n", ymm, zmm);
    return 0;
}
