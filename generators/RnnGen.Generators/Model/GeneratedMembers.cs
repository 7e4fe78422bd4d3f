using System.Collections.Generic;
using System.Linq;

namespace RnnGen.Generators.Model;

/// <summary>One member of the generated class that user code can see or collide with.</summary>
/// <param name="Signature">Name, kind and parameter types.</param>
/// <param name="Type">The constant's, field's or property's type, or the method's return type; empty for a constructor.</param>
/// <param name="IsStatic">A static member (constants count as static).</param>
/// <param name="IsSettable">A property with a setter.</param>
internal sealed record GeneratedMember(MemberSignature Signature, string Type, bool IsStatic, bool IsSettable = false)
{
    /// <summary>An explicit interface implementation (<c>int RnnGen.IRnnModel.InputLength</c>): not public, but it still clashes with the user's own explicit implementation.</summary>
    public bool IsExplicitImplementation => Signature.Name.IndexOf('.') >= 0;

    /// <summary>
    /// The signatures this member takes from the class's own declarations: its own, and for a property
    /// the two accessor methods C# reserves whether or not they exist (<c>T get_P()</c>, <c>void set_P(T)</c>):
    /// a member of the class named <c>get_Parameters</c> clashes with them (CS0102, CS0082). They do not
    /// hide inherited members.
    /// </summary>
    public IEnumerable<MemberSignature> Reserved()
    {
        yield return Signature;
        if (Signature.Kind != MemberKind.Property || IsExplicitImplementation) yield break;
        yield return MemberSignature.Callable("get_" + Signature.Name, MemberKind.Method);
        yield return MemberSignature.Callable("set_" + Signature.Name, MemberKind.Method, Type);
    }
}

/// <summary>
/// The generated public surface in one place: every public member the generator emits for a
/// model, with the explicit interface implementations that come with it. The validator checks
/// the user's members against it (RNN0042); a test compiles many models and checks that the
/// generated classes have exactly these members, so the list stays true as the emitters change.
/// </summary>
internal static class GeneratedMembers
{
    private const string Int = "int";
    private const string Float = "float";
    private const string String = "string";
    private const string Span = "System.Span<float>";
    private const string FloatSpan = "System.ReadOnlySpan<float>";
    private const string IntSpan = "System.ReadOnlySpan<int>";
    private const string Optimizer = "RnnGen.Training.IOptimizer";
    private const string Names = "System.Collections.Generic.IReadOnlyList<string>";

    /// <summary>The public members of <paramref name="spec"/>'s generated class (a valid spec, or one whose mode, layers and loss are at least readable).</summary>
    public static IReadOnlyList<GeneratedMember> For(ModelSpec spec) =>
        For(spec.ClassName, spec.Mode, ModelFacts.TokenInput(spec), ModelFacts.ClassTargets(spec), ModelFacts.SupportsStep(spec));

    /// <summary>
    /// The public members of a generated class named <paramref name="className"/>.
    /// </summary>
    /// <param name="className">The model class (names the constructors).</param>
    /// <param name="mode">The sequence mode (EncoderDecoder adds <c>OutputSteps</c>).</param>
    /// <param name="tokenInput">Inputs are token ids: <c>ReadOnlySpan&lt;int&gt;</c> inputs and <c>VocabularySize</c>.</param>
    /// <param name="classTargets">Targets are class ids: <c>ReadOnlySpan&lt;int&gt;</c> targets.</param>
    /// <param name="supportsStep">The public streaming <c>Step</c> exists.</param>
    public static IReadOnlyList<GeneratedMember> For(string className, SequenceMode mode, bool tokenInput, bool classTargets, bool supportsStep)
    {
        string input = tokenInput ? IntSpan : FloatSpan;
        string target = classTargets ? IntSpan : FloatSpan;
        var members = new List<GeneratedMember>();
        void Constant(string name) => members.Add(new GeneratedMember(MemberSignature.Plain(name, MemberKind.Constant), Int, IsStatic: true));
        void Property(string name, string type, bool isStatic = false, bool settable = false) =>
            members.Add(new GeneratedMember(MemberSignature.Plain(name, MemberKind.Property), type, isStatic, settable));
        void Method(string returns, string name, params string[] parameters) =>
            members.Add(new GeneratedMember(MemberSignature.Callable(name, MemberKind.Method, parameters), returns, IsStatic: false));
        void StaticMethod(string returns, string name, params string[] parameters) =>
            members.Add(new GeneratedMember(MemberSignature.Callable(name, MemberKind.Method, parameters), returns, IsStatic: true));

        // The shapes.
        Constant("InputSize");
        if (tokenInput) Constant("VocabularySize");
        Constant("Steps");
        if (mode == SequenceMode.EncoderDecoder) Constant("OutputSteps");
        Constant("OutputSize");
        Constant("BatchSize");
        Constant("ParameterCount");
        Constant("InputLength");
        Constant("OutputLength");
        Constant("DefaultSeed");
        Constant("TargetLength");

        // Construction.
        members.Add(new GeneratedMember(MemberSignature.Callable(className, MemberKind.Constructor), "", IsStatic: false));
        members.Add(new GeneratedMember(MemberSignature.Callable(className, MemberKind.Constructor, Int), "", IsStatic: false));

        // Tensors.
        Property("Parameters", Span);
        Property("Gradients", Span);
        Property("ParameterNames", Names, isStatic: true);
        Method(Span, "Parameter", String);
        Method(Span, "Gradient", String);
        StaticMethod("int[]", "ParameterShape", String);

        // Inference, training, state.
        Method("void", "Predict", input, Span);
        Method(Float, "ComputeGradients", input, target);
        Method(Float, "ComputeGradients", input, target, Span);
        Method(Float, "ComputeLoss", input, target);
        Method(Float, "TrainStep", input, target, Optimizer);
        Method("bool", "TryTrainStep", input, target, Optimizer, "out " + Float);
        if (mode != SequenceMode.OneToMany)
        {
            // Rows of different lengths: every model that reads a sequence (an encoder-decoder's source).
            Method("void", "Predict", input, IntSpan, Span);
            Method(Float, "ComputeGradients", input, IntSpan, target);
            if (!tokenInput) Method(Float, "ComputeGradients", input, IntSpan, target, Span);
            Method(Float, "ComputeLoss", input, IntSpan, target);
            Method(Float, "TrainStep", input, IntSpan, target, Optimizer);
            Method("bool", "TryTrainStep", input, IntSpan, target, Optimizer, "out " + Float);
        }
        if (supportsStep) Method("void", "Step", input, Span);
        Property("CarryState", "bool", settable: true);
        Method("void", "ResetState");

        // Weights.
        Method("void", "LoadSafetensors", String);
        Method("void", "LoadSafetensors", "System.IO.Stream");
        Method("void", "SaveSafetensors", String);
        Method("void", "SaveSafetensors", "System.IO.Stream");

        // The interface members implemented explicitly (the rest are implemented by the public members above).
        string element = tokenInput ? Int : Float;
        Property("RnnGen.IRnnModel.TensorNames", Names);
        Property("RnnGen.IRnnModel.InputLength", Int);
        Property("RnnGen.IRnnModel.OutputLength", Int);
        Property($"RnnGen.ITrainableRnnModel<{element}, {(classTargets ? Int : Float)}>.TargetLength", Int);
        return members;
    }

    /// <summary>Every simple name a generated public member has in some model (constructors aside): the names worth recording from user code.</summary>
    public static IReadOnlyCollection<string> AllNames { get; } = new HashSet<string>(
        from mode in new[] { SequenceMode.ManyToMany, SequenceMode.EncoderDecoder }
        from tokens in new[] { false, true }
        from step in new[] { false, true }
        from member in For("", mode, tokens, classTargets: false, step)
        where member.Signature.Kind != MemberKind.Constructor && !member.IsExplicitImplementation
        select member.Signature.Name,
        System.StringComparer.Ordinal);
}
