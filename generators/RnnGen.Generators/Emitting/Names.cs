namespace RnnGen.Generators.Emitting;

/// <summary>Fully qualified names of the runtime types the generated code calls.</summary>
internal static class Names
{
    public const string Span = "global::System.Span<float>";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string ReadOnlySpanInt = "global::System.ReadOnlySpan<int>";
    public const string Blas = "global::RnnGen.Kernels.Blas";
    public const string Cells = "global::RnnGen.Kernels.Cells";
    public const string Activations = "global::RnnGen.Kernels.Activations";
    public const string ActivationGradients = "global::RnnGen.Kernels.ActivationGradients";
    public const string Losses = "global::RnnGen.Kernels.Losses";
    public const string Elementwise = "global::RnnGen.Kernels.Elementwise";
    public const string Random = "global::RnnGen.Initialization.RnnRandom";
    public const string Init = "global::RnnGen.Initialization.ParameterInit";
    public const string Safetensors = "global::RnnGen.IO.Safetensors";
    public const string TensorLayout = "global::RnnGen.IO.TensorLayout";
    public const string ArgumentException = "global::System.ArgumentException";
    /// <summary>The attribute on every generated member and nested type: the generator's name and version.</summary>
    public static readonly string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"RnnGen.Generators\", \"" + GeneratorVersion + "\")]";

    /// <summary>The generator's version (major.minor.patch of its assembly: the package version).</summary>
    public static string GeneratorVersion
    {
        get
        {
            var v = typeof(Names).Assembly.GetName().Version ?? new System.Version(0, 0, 0);
            return v.Major.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." +
                   v.Minor.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." +
                   System.Math.Max(0, v.Build).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary><c>" + n"</c>, or nothing for 0: a constant offset added to a region's start.</summary>
    public static string Plus(int n) => n == 0 ? "" : " + " + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
