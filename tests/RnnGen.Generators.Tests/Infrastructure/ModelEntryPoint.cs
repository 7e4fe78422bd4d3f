using System;
using System.Collections.Generic;

namespace RnnGen.Generators.Tests.Infrastructure;

/// <summary>
/// The static entry class compiled next to a model so a test can drive it through reflection
/// (spans cannot cross <see cref="System.Reflection.MethodBase.Invoke(object, object[])"/>).
/// For a model <c>N.M</c> it is <c>N.M_Entry</c>; every method builds a fresh model.
/// </summary>
public static class ModelEntryPoint
{
    /// <summary>The C# source of the entry class of model <paramref name="className"/>.</summary>
    /// <param name="namespace">The model's namespace, or null for the global namespace.</param>
    /// <param name="className">The model's class name.</param>
    /// <param name="tokenInput">Whether <c>Predict</c> takes token ids (an embedding model).</param>
    /// <param name="perStepOutput">Whether the output is [B, T, Y] (ManyToMany) rather than [B, Y].</param>
    public static string Source(string? @namespace, string className, bool tokenInput, bool perStepOutput) =>
        Source(@namespace, className, tokenInput, perStepOutput, classTargets: null);

    /// <summary>
    /// The C# source of the entry class of model <paramref name="className"/>, with a
    /// <c>ComputeGradients</c> entry when <paramref name="classTargets"/> is given.
    /// </summary>
    /// <param name="namespace">The model's namespace, or null for the global namespace.</param>
    /// <param name="className">The model's class name.</param>
    /// <param name="tokenInput">Whether <c>Predict</c> takes token ids (an embedding model).</param>
    /// <param name="perStepOutput">Whether the output is [B, T, Y] (ManyToMany) rather than [B, Y].</param>
    /// <param name="classTargets">Whether the targets are int class ids (cross-entropy) or float values; null: no training entry.</param>
    public static string Source(string? @namespace, string className, bool tokenInput, bool perStepOutput, bool? classTargets)
    {
        string input = tokenInput ? "int" : "float";
        string length = perStepOutput ? "$M$.BatchSize * $M$.Steps * $M$.OutputSize" : "$M$.BatchSize * $M$.OutputSize";
        string text = """
            using System;
            using System.Collections.Generic;

            $NAMESPACE$

            public static class $CLASS$_Entry
            {
                public static string[] Names()
                {
                    var names = new List<string>();
                    foreach (var name in $M$.ParameterNames)
                    {
                        names.Add(name);
                    }

                    return names.ToArray();
                }

                public static int[] Constants() => new[] { $M$.InputSize, $M$.Steps, $M$.OutputSize, $M$.BatchSize, $M$.ParameterCount };

                public static float[] Buffer(int seed) => new $M$(seed).Parameters.ToArray();

                public static float[] Run(int seed, $INPUT$[] input, Dictionary<string, float[]> tensorsOut)
                {
                    var m = new $M$(seed);
                    foreach (var name in $M$.ParameterNames)
                    {
                        tensorsOut[name] = m.Parameter(name).ToArray();
                    }

                    return Predict(m, input);
                }

                public static float[] RunWithTensors(int seed, Dictionary<string, float[]> tensorsIn, $INPUT$[] input)
                {
                    var m = new $M$(seed);
                    foreach (var pair in tensorsIn)
                    {
                        var target = m.Parameter(pair.Key);
                        if (target.Length != pair.Value.Length)
                        {
                            throw new InvalidOperationException("Parameter '" + pair.Key + "' has " + target.Length + " elements; the test wrote " + pair.Value.Length + ".");
                        }

                        pair.Value.AsSpan().CopyTo(target);
                    }

                    return Predict(m, input);
                }

                public static float[] RunWithBuffer(int seed, float[] parameters, $INPUT$[] input)
                {
                    var m = new $M$(seed);
                    var target = m.Parameters;
                    if (target.Length != parameters.Length)
                    {
                        throw new InvalidOperationException("Parameters has " + target.Length + " elements; the test wrote " + parameters.Length + ".");
                    }

                    parameters.AsSpan().CopyTo(target);
                    return Predict(m, input);
                }

            $TRAINING$
                private static float[] Predict($M$ m, $INPUT$[] input)
                {
                    var output = new float[$LENGTH$];
                    m.Predict(new ReadOnlySpan<$INPUT$>(input), new Span<float>(output));
                    return output;
                }
            }
            """;
        string training = classTargets is not bool classes ? "" : """
                public static int TargetLength() => $M$.TargetLength;

                public static float Gradients(int seed, $INPUT$[] input, $TARGET$[] targets, Dictionary<string, float[]> tensorsOut, Dictionary<string, float[]> gradientsOut, float[] inputGradientsOut, float[] bufferOut)
                {
                    var m = new $M$(seed);
                    foreach (var name in $M$.ParameterNames)
                    {
                        tensorsOut[name] = m.Parameter(name).ToArray();
                    }

                    float loss = inputGradientsOut.Length == 0
                        ? m.ComputeGradients(new ReadOnlySpan<$INPUT$>(input), new ReadOnlySpan<$TARGET$>(targets))
                        : m.ComputeGradients(new ReadOnlySpan<$INPUT$>(input), new ReadOnlySpan<$TARGET$>(targets), new Span<float>(inputGradientsOut));
                    foreach (var name in $M$.ParameterNames)
                    {
                        gradientsOut[name] = m.Gradient(name).ToArray();
                    }

                    m.Gradients.CopyTo(new Span<float>(bufferOut));
                    return loss;
                }

            """.Replace("$TARGET$", classes ? "int" : "float", StringComparison.Ordinal);
        return text
            .Replace("$TRAINING$", training, StringComparison.Ordinal)
            .Replace("$NAMESPACE$", @namespace is null ? "" : "namespace " + @namespace + ";", StringComparison.Ordinal)
            .Replace("$CLASS$_Entry", className + "_Entry", StringComparison.Ordinal)
            .Replace("$INPUT$", input, StringComparison.Ordinal)
            .Replace("$LENGTH$", length, StringComparison.Ordinal)
            .Replace("$M$", className, StringComparison.Ordinal);
    }

    /// <summary>The entry's full type name for model <paramref name="className"/>.</summary>
    public static string TypeName(string? @namespace, string className) =>
        (@namespace is null ? "" : @namespace + ".") + className + "_Entry";
}

/// <summary>A typed view of one compiled model's entry class.</summary>
public sealed class ModelEntry
{
    private readonly LoadedAssembly assembly;
    private readonly string typeName;

    /// <summary>Binds to the entry of model <paramref name="className"/> in <paramref name="assembly"/>.</summary>
    public ModelEntry(LoadedAssembly assembly, string? @namespace, string className)
    {
        this.assembly = assembly;
        typeName = ModelEntryPoint.TypeName(@namespace, className);
    }

    /// <summary><c>M.ParameterNames</c>, in order.</summary>
    public string[] Names() => (string[])assembly.InvokeStatic(typeName, nameof(Names))!;

    /// <summary>[InputSize, Steps, OutputSize, BatchSize, ParameterCount].</summary>
    public int[] Constants() => (int[])assembly.InvokeStatic(typeName, nameof(Constants))!;

    /// <summary><c>new M(seed).Parameters</c>, copied.</summary>
    public float[] Buffer(int seed) => (float[])assembly.InvokeStatic(typeName, nameof(Buffer), seed)!;

    /// <summary>Predicts with <c>new M(seed)</c>; fills <paramref name="tensorsOut"/> with every <c>Parameter(name)</c>.</summary>
    public float[] Run(int seed, Array input, Dictionary<string, float[]> tensorsOut) =>
        (float[])assembly.InvokeStatic(typeName, nameof(Run), seed, input, tensorsOut)!;

    /// <summary>Predicts after writing each tensor of <paramref name="tensorsIn"/> through <c>Parameter(name)</c>.</summary>
    public float[] RunWithTensors(int seed, Dictionary<string, float[]> tensorsIn, Array input) =>
        (float[])assembly.InvokeStatic(typeName, nameof(RunWithTensors), seed, tensorsIn, input)!;

    /// <summary><c>M.TargetLength</c> (entries built with training only).</summary>
    public int TargetLength() => (int)assembly.InvokeStatic(typeName, nameof(TargetLength))!;

    /// <summary>
    /// <c>ComputeGradients</c> on <c>new M(seed)</c> (entries built with training only): fills
    /// <paramref name="tensorsOut"/> with every <c>Parameter(name)</c> and <paramref name="gradientsOut"/>
    /// with every <c>Gradient(name)</c>, copies <c>Gradients</c> into <paramref name="bufferOut"/>, and
    /// asks for the input gradient when <paramref name="inputGradientsOut"/> is not empty. Returns the loss.
    /// </summary>
    public float Gradients(int seed, Array input, Array targets, Dictionary<string, float[]> tensorsOut, Dictionary<string, float[]> gradientsOut, float[] inputGradientsOut, float[] bufferOut) =>
        (float)assembly.InvokeStatic(typeName, nameof(Gradients), seed, input, targets, tensorsOut, gradientsOut, inputGradientsOut, bufferOut)!;

    /// <summary>Predicts after writing the whole buffer through <c>Parameters</c>.</summary>
    public float[] RunWithBuffer(int seed, float[] parameters, Array input) =>
        (float[])assembly.InvokeStatic(typeName, nameof(RunWithBuffer), seed, parameters, input)!;
}
