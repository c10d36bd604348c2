namespace Sweep.Physics.SpinChain;

/// <summary>
/// The Dormand–Prince 5(4) Runge–Kutta pair (Hairer, Nørsett &amp; Wanner, Solving ODEs I, §II.5)
/// for an autonomous system dy/dt = f(y) over a real state vector, with error control
/// (error per step ≤ atol + rtol |y|, maximum norm) and the first-same-as-last property.
/// <para>Written by hand: MathNet.Numerics offers only fixed-step Runge–Kutta and Adams–Bashforth.
/// <see cref="Step"/> is also usable with a fixed step, which the convergence-order test uses.</para>
/// </summary>
public sealed class DormandPrince
{
    private static readonly double[] C = [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1];
    private static readonly double[][] A =
    [
        [],
        [1.0 / 5],
        [3.0 / 40, 9.0 / 40],
        [44.0 / 45, -56.0 / 15, 32.0 / 9],
        [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
        [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
        [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
    ];

    // Fifth-order weights are the last row of A; E = b5 − b4 (the embedded fourth-order error).
    private static readonly double[] E =
        [71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40];

    private readonly Action<double[], double[]> _rhs;
    private readonly double[][] _k;
    private readonly double[] _stage;
    private readonly double[] _next;
    private bool _derivativeIsCurrent;

    /// <param name="rhs">f: writes dy/dt for the state in its first argument into its second.</param>
    public DormandPrince(int dimension, Action<double[], double[]> rhs, double relativeTolerance = 1e-10, double absoluteTolerance = 1e-12)
    {
        _rhs = rhs;
        _k = new double[7][];
        for (int i = 0; i < 7; i++)
        {
            _k[i] = new double[dimension];
        }

        _stage = new double[dimension];
        _next = new double[dimension];
        RelativeTolerance = relativeTolerance;
        AbsoluteTolerance = absoluteTolerance;
    }

    public double RelativeTolerance { get; }

    public double AbsoluteTolerance { get; }

    /// <summary>Steps accepted and rejected so far (benchmarks, docs).</summary>
    public long AcceptedSteps { get; private set; }

    public long RejectedSteps { get; private set; }

    /// <summary>The step size the controller proposes next.</summary>
    public double ProposedStep { get; private set; } = 0.01;

    /// <summary>dy/dt at the current state after <see cref="Advance"/> (the FSAL stage).</summary>
    public ReadOnlySpan<double> Derivative => _k[0];

    /// <summary>Advances <paramref name="y"/> from t to <paramref name="target"/> with adaptive steps.</summary>
    public void Advance(double[] y, double time, double target)
    {
        if (!_derivativeIsCurrent)
        {
            _rhs(y, _k[0]);
            _derivativeIsCurrent = true;
        }

        while (time < target)
        {
            double h = Math.Min(ProposedStep, target - time);
            bool last = h == target - time;
            double error = Step(y, h);
            // Standard controller: safety 0.9, exponent 1/5, growth limited to [0.2, 5].
            double factor = error == 0 ? 5 : Math.Clamp(0.9 * Math.Pow(error, -0.2), 0.2, 5);
            if (error <= 1)
            {
                Array.Copy(_next, y, y.Length);
                (_k[0], _k[6]) = (_k[6], _k[0]); // FSAL: f(y_new) is the last stage
                time = last ? target : time + h;
                AcceptedSteps++;
                if (!last || factor < 1)
                {
                    ProposedStep = h * factor;
                }
            }
            else
            {
                RejectedSteps++;
                ProposedStep = h * Math.Min(factor, 1);
            }
        }
    }

    /// <summary>One step of size h from y (with f(y) in the first stage) into the internal next state;
    /// returns the error estimate in units of the tolerance. Fixed-step use: <see cref="FixedStep"/>.</summary>
    private double Step(double[] y, double h)
    {
        int n = y.Length;
        for (int s = 1; s < 7; s++)
        {
            var a = A[s];
            for (int i = 0; i < n; i++)
            {
                double sum = 0;
                for (int j = 0; j < a.Length; j++)
                {
                    sum += a[j] * _k[j][i];
                }

                _stage[i] = y[i] + h * sum;
            }

            _rhs(_stage, _k[s]);
        }

        // The sixth stage's argument is the fifth-order solution (row 6 of A = b5).
        Array.Copy(_stage, _next, n);
        double error = 0;
        for (int i = 0; i < n; i++)
        {
            double e = 0;
            for (int j = 0; j < 7; j++)
            {
                e += E[j] * _k[j][i];
            }

            double scale = AbsoluteTolerance + RelativeTolerance * Math.Max(Math.Abs(y[i]), Math.Abs(_next[i]));
            error = Math.Max(error, Math.Abs(h * e) / scale);
        }

        return error;
    }

    /// <summary>One fifth-order step of exactly <paramref name="h"/>, no error control.</summary>
    public void FixedStep(double[] y, double h)
    {
        _rhs(y, _k[0]);
        Step(y, h);
        Array.Copy(_next, y, y.Length);
        _derivativeIsCurrent = false;
    }
}
