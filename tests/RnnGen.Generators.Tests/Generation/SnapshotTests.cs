using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.CodeAnalysis;
using RnnGen.Generators.Tests.Infrastructure;
using Xunit;

namespace RnnGen.Generators.Tests.Generation;

/// <summary>
/// The generated code of representative models and of the samples' models, compared with committed baselines in
/// <c>Baselines/*.verified.cs</c>. A mismatch writes <c>*.received.cs</c> beside the baseline and
/// fails with a line diff; set <c>RNNGEN_ACCEPT=1</c> to accept the new output as the baseline.
/// </summary>
public sealed class SnapshotTests
{
    public const string CharRnn = """
        using RnnGen;
        namespace Demo;

        [RnnModel(InputSize = 65, Steps = 100)]
        [Lstm(128, Name = "lstm")]
        [Dense(65, Name = "fc", Activation = Activation.Softmax)]
        public partial class CharRnn { }
        """;

    public const string Classifier = """
        using RnnGen;
        namespace Demo.Classifiers;

        [RnnModel(InputSize = 32, Steps = 50, BatchSize = 4, Mode = SequenceMode.ManyToOne)]
        [Gru(16, Name = "gru", Layers = 2, Bidirectional = true)]
        [Dense(10, Name = "fc", Activation = Activation.Softmax)]
        internal partial class SequenceClassifier { }
        """;

    public const string Tagger = """
        using RnnGen;

        public static partial class Outer
        {
            [RnnModel(Steps = 12, BatchSize = 2)]
            [Embedding(100, 8, Name = "emb")]
            [Gru(6, Name = "enc", Variant = GruVariant.ResetBefore)]
            [Dense(5, Name = "mid", Activation = Activation.Relu)]
            [SimpleRnn(7, Name = "rnn", Activation = Activation.Relu)]
            [Lstm(9, Name = "top", From = "enc")]
            [Dense(3, Name = "tags", Activation = Activation.Sigmoid, From = "top")]
            public partial class Tagger { }
        }
        """;

    public const string Composer = """
        using RnnGen;
        namespace Demo;

        [RnnModel(Steps = 32, BatchSize = 2, Mode = SequenceMode.OneToMany)]
        [Embedding(40, 16, Name = "emb")]
        [Lstm(64, Name = "lstm")]
        [Dense(40, Name = "fc", Activation = Activation.Softmax)]
        public partial class Composer { }
        """;

    public const string Translator = """
        using RnnGen;
        namespace Demo;

        [RnnModel(Steps = 20, Mode = SequenceMode.EncoderDecoder, OutputSteps = 24, BatchSize = 8)]
        [Embedding(1000, 32, Name = "emb")]
        [Lstm(64, Name = "encoder", Bidirectional = true)]
        [Lstm(128, Name = "decoder", Decoder = true)]
        [Dense(1200, Name = "fc", Activation = Activation.Softmax)]
        public partial class Translator { }
        """;

    [Theory]
    [InlineData("CharRnn", CharRnn, "Demo.CharRnn.g.cs")]
    [InlineData("Translator", Translator, "Demo.Translator.g.cs")]
    [InlineData("Composer", Composer, "Demo.Composer.g.cs")]
    [InlineData("SequenceClassifier", Classifier, "Demo.Classifiers.SequenceClassifier.g.cs")]
    [InlineData("Tagger", Tagger, "Outer.Tagger.g.cs")]
    public void Generated_code_matches_the_baseline(string name, string source, string hintName)
    {
        var (result, output, diagnostics) = Driver.Run(source);
        var generated = result.Results.Single().GeneratedSources;
        var file = Assert.Single(generated);
        Assert.Equal(hintName, file.HintName);
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "RNN0021"));
        Verify(name, file.SourceText.ToString());
    }

    /// <summary>
    /// The samples' models, read from the sample sources themselves, so their baselines follow the samples. Only
    /// the model's own file goes through the generator (other sample types it mentions do not resolve, which the
    /// generator does not need).
    /// </summary>
    [Theory]
    [InlineData("samples/CharLm/CharLm.cs")]
    [InlineData("samples/Translate/DateTranslator.cs")]
    [InlineData("samples/TrainSequence/BinaryAddition.cs")]
    public void Sample_models_match_their_baselines(string path)
    {
        string source = File.ReadAllText(RepositoryPaths.Combine(path));
        var (result, _, _) = Driver.Run(source);
        var file = Assert.Single(result.Results.Single().GeneratedSources);
        Verify("Sample." + Path.GetFileNameWithoutExtension(path), file.SourceText.ToString());
    }

    private static void Verify(string name, string actual, [CallerFilePath] string thisFile = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(thisFile))!, "Baselines");
        string verified = Path.Combine(directory, name + ".verified.cs");
        string received = Path.Combine(directory, name + ".received.cs");
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("RNNGEN_ACCEPT") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual, new UTF8Encoding(false));
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        string expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : "";
        if (expected == actual)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual, new UTF8Encoding(false));
        var diff = InlineDiffBuilder.Diff(expected, actual);
        var sb = new StringBuilder();
        sb.AppendLine($"Generated code for {name} differs from {Path.GetFileName(verified)} (new output in {Path.GetFileName(received)}; set RNNGEN_ACCEPT=1 to accept it):");
        int shown = 0;
        for (int i = 0; i < diff.Lines.Count && shown < 60; i++)
        {
            var line = diff.Lines[i];
            if (line.Type == ChangeType.Unchanged) continue;
            sb.Append(line.Type == ChangeType.Inserted ? "+ " : "- ").Append(line.Position).Append(": ").AppendLine(line.Text);
            shown++;
        }
        Assert.Fail(sb.ToString());
    }
}
