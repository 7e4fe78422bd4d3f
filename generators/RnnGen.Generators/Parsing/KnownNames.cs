namespace RnnGen.Generators.Parsing;

/// <summary>Metadata names of the runtime attributes the parser recognizes.</summary>
internal static class KnownNames
{
    public const string RnnModelAttribute = "RnnGen.RnnModelAttribute";
    public const string EmbeddingAttribute = "RnnGen.EmbeddingAttribute";
    public const string SimpleRnnAttribute = "RnnGen.SimpleRnnAttribute";
    public const string GruAttribute = "RnnGen.GruAttribute";
    public const string LstmAttribute = "RnnGen.LstmAttribute";
    public const string DenseAttribute = "RnnGen.DenseAttribute";
    public const string IRnnModel = "RnnGen.IRnnModel";

    /// <summary>The generator's type: a compilation names its files <c>…/RnnGen.Generators.RnnModelGenerator/&lt;hint name&gt;</c>.</summary>
    public const string Generator = "RnnGen.Generators.RnnModelGenerator";
}
