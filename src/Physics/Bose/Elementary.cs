using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Sweep.Physics.Bose;

/// <summary>
/// The natural logarithm and exponential SIMD across lanes, inlined where they are used. .NET's
/// <c>Vector512.Log</c> and <c>Exp</c> are calls, and around a call every vector register is spilled (all are
/// caller-saved): in the Bose blocks those calls and their arguments passed through the stack cost more than the
/// functions themselves (docs/BENCHMARKS.md, issue #16's fifth part). The algorithms are fdlibm's (as in musl),
/// error below 1 ulp, tested against <see cref="Math.Log(double)"/> and <see cref="Math.Exp(double)"/>.
/// </summary>
internal static class Elementary
{
    private const double Ln2Hi = 6.93147180369123816490e-01; // 0x3fe62e42fee00000: k·Ln2Hi is exact for |k| < 2^11
    private const double Ln2Lo = 1.90821492927058770002e-10; // 0x3dea39ef35793c76
    private const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
        Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01, Lg7 = 1.479819860511658591e-01;

    private const ulong HalfSqrt2High = 0x3fe6a09eUL << 32;               // √2/2's exponent and top mantissa bits
    private const ulong Shift = (0x3ff00000UL << 32) - HalfSqrt2High;      // moves the split of the exponent from 1 to √2/2
    private const ulong MantissaMask = 0x000fffffffffffffUL;
    private const ulong TwoPow52Bits = 0x4330000000000000UL;               // 2^52: e | its bits, as a double, is 2^52 + e
    private const double MinNormal = 2.2250738585072014e-308;
    private const double TwoPow54 = 18014398509481984.0;

    // fdlibm's e_exp.c: exp(r) = 1 + r + r c/(2 − c), c = r − r² P(r²), on |r| ≤ ln2/2
    private const double InvLn2 = 1.44269504088896338700e+00;
    private const double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05,
        P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;
    private const double RoundingShift = 6755399441055744.0; // 1.5 · 2^52: a + it rounds a to an integer held in the low bits
    private const double TwoPowMinus1000 = 9.3326361850321887899e-302;


    /// <summary>fdlibm's <c>e_log.c</c>: x = 2^k (1 + f) with 1 + f in [√2/2, √2), s = f/(2 + f),
    /// ln(1 + f) = 2 atanh s, written as k ln2_hi − ((hfsq − (s(hfsq + R) + k ln2_lo)) − f), hfsq = f²/2, R a
    /// degree-7 polynomial in s². For positive finite lanes (subnormals included); other lanes give unspecified
    /// numbers (never an exception).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Log(Vector512<double> x)
    {
        // Subnormal x: scaled by 2^54 first, 54 taken off k.
        var subnormal = Vector512.LessThan(x, Vector512.Create(MinNormal));
        x = Vector512.ConditionalSelect(subnormal, x * TwoPow54, x);
        var bits = x.AsUInt64() + Vector512.Create(Shift);
        var exponent = Vector512.ShiftRightLogical(bits, 52); // k + 1023
        var k = (exponent | Vector512.Create(TwoPow52Bits)).AsDouble() - Vector512.Create(4503599627370496.0 + 1023.0)
            - Vector512.ConditionalSelect(subnormal, Vector512.Create(54.0), Vector512<double>.Zero);
        var f = ((bits & Vector512.Create(MantissaMask)) + Vector512.Create(HalfSqrt2High)).AsDouble() - Vector512<double>.One;

        var hfsq = 0.5 * f * f;
        var s = f / (f + Vector512.Create(2.0));
        var z = s * s;
        var w = z * z;
        var t1 = w * Vector512.FusedMultiplyAdd(w, Vector512.FusedMultiplyAdd(w, Vector512.Create(Lg6), Vector512.Create(Lg4)), Vector512.Create(Lg2));
        var t2 = z * Vector512.FusedMultiplyAdd(w, Vector512.FusedMultiplyAdd(w, Vector512.FusedMultiplyAdd(w, Vector512.Create(Lg7), Vector512.Create(Lg5)),
            Vector512.Create(Lg3)), Vector512.Create(Lg1));
        var r = t2 + t1;
        return s * (hfsq + r) + k * Ln2Lo - hfsq + f + k * Ln2Hi;
    }

    /// <summary>fdlibm's <c>e_exp.c</c>: a = k ln2 + r with k = round(a/ln2) (k ln2 in two parts, hi exact),
    /// exp(r) = 1 − ((lo − r c/(2 − c)) − hi), c = r − r²(P1 + r²(P2 + … P5)), then 2^k as exponent bits, in two
    /// steps below 2^−1000 so results into the subnormals round once more at most. a is clamped to [−746, 709]:
    /// below, every result is 0; above, overflow (the callers pass a ≤ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp(Vector512<double> a)
    {
        a = Vector512.Min(Vector512.Max(a, Vector512.Create(-746.0)), Vector512.Create(709.0));
        var shifted = Vector512.FusedMultiplyAdd(a, Vector512.Create(InvLn2), Vector512.Create(RoundingShift));
        var k = shifted - Vector512.Create(RoundingShift);
        var hi = a - k * Ln2Hi;
        var lo = k * Ln2Lo;
        var r = hi - lo;
        var rr = r * r;
        var p = Vector512.FusedMultiplyAdd(rr, Vector512.FusedMultiplyAdd(rr, Vector512.FusedMultiplyAdd(rr, Vector512.FusedMultiplyAdd(rr,
            Vector512.Create(P5), Vector512.Create(P4)), Vector512.Create(P3)), Vector512.Create(P2)), Vector512.Create(P1));
        var c = r - rr * p;
        var y = Vector512<double>.One - ((lo - r * c / (Vector512.Create(2.0) - c)) - hi);
        var tiny = Vector512.LessThan(k, Vector512.Create(-1000.0));
        var exponent = (Vector512.ConditionalSelect(tiny, k + Vector512.Create(1000.0), k) + Vector512.Create(RoundingShift)).AsUInt64();
        var scaled = (y.AsUInt64() + Vector512.ShiftLeft(exponent, 52)).AsDouble();
        return scaled * Vector512.ConditionalSelect(tiny, Vector512.Create(TwoPowMinus1000), Vector512<double>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log(Vector256<double> x)
    {
        // Subnormal x: scaled by 2^54 first, 54 taken off k.
        var subnormal = Vector256.LessThan(x, Vector256.Create(MinNormal));
        x = Vector256.ConditionalSelect(subnormal, x * TwoPow54, x);
        var bits = x.AsUInt64() + Vector256.Create(Shift);
        var exponent = Vector256.ShiftRightLogical(bits, 52); // k + 1023
        var k = (exponent | Vector256.Create(TwoPow52Bits)).AsDouble() - Vector256.Create(4503599627370496.0 + 1023.0)
            - Vector256.ConditionalSelect(subnormal, Vector256.Create(54.0), Vector256<double>.Zero);
        var f = ((bits & Vector256.Create(MantissaMask)) + Vector256.Create(HalfSqrt2High)).AsDouble() - Vector256<double>.One;

        var hfsq = 0.5 * f * f;
        var s = f / (f + Vector256.Create(2.0));
        var z = s * s;
        var w = z * z;
        var t1 = w * Vector256.FusedMultiplyAdd(w, Vector256.FusedMultiplyAdd(w, Vector256.Create(Lg6), Vector256.Create(Lg4)), Vector256.Create(Lg2));
        var t2 = z * Vector256.FusedMultiplyAdd(w, Vector256.FusedMultiplyAdd(w, Vector256.FusedMultiplyAdd(w, Vector256.Create(Lg7), Vector256.Create(Lg5)),
            Vector256.Create(Lg3)), Vector256.Create(Lg1));
        var r = t2 + t1;
        return s * (hfsq + r) + k * Ln2Lo - hfsq + f + k * Ln2Hi;
    }

    /// <summary>fdlibm's <c>e_exp.c</c>: a = k ln2 + r with k = round(a/ln2) (k ln2 in two parts, hi exact),
    /// exp(r) = 1 − ((lo − r c/(2 − c)) − hi), c = r − r²(P1 + r²(P2 + … P5)), then 2^k as exponent bits, in two
    /// steps below 2^−1000 so results into the subnormals round once more at most. a is clamped to [−746, 709]:
    /// below, every result is 0; above, overflow (the callers pass a ≤ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp(Vector256<double> a)
    {
        a = Vector256.Min(Vector256.Max(a, Vector256.Create(-746.0)), Vector256.Create(709.0));
        var shifted = Vector256.FusedMultiplyAdd(a, Vector256.Create(InvLn2), Vector256.Create(RoundingShift));
        var k = shifted - Vector256.Create(RoundingShift);
        var hi = a - k * Ln2Hi;
        var lo = k * Ln2Lo;
        var r = hi - lo;
        var rr = r * r;
        var p = Vector256.FusedMultiplyAdd(rr, Vector256.FusedMultiplyAdd(rr, Vector256.FusedMultiplyAdd(rr, Vector256.FusedMultiplyAdd(rr,
            Vector256.Create(P5), Vector256.Create(P4)), Vector256.Create(P3)), Vector256.Create(P2)), Vector256.Create(P1));
        var c = r - rr * p;
        var y = Vector256<double>.One - ((lo - r * c / (Vector256.Create(2.0) - c)) - hi);
        var tiny = Vector256.LessThan(k, Vector256.Create(-1000.0));
        var exponent = (Vector256.ConditionalSelect(tiny, k + Vector256.Create(1000.0), k) + Vector256.Create(RoundingShift)).AsUInt64();
        var scaled = (y.AsUInt64() + Vector256.ShiftLeft(exponent, 52)).AsDouble();
        return scaled * Vector256.ConditionalSelect(tiny, Vector256.Create(TwoPowMinus1000), Vector256<double>.One);
    }
}
