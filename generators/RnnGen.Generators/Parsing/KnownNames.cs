namespace RnnGen.Generators.Parsing;

/// <summary>Metadata names of the runtime attributes the parser recognizes (the layer attributes' are in their kinds' homes, <see cref="Cells.LayerKinds"/>).</summary>
internal static class KnownNames
{
    public const string RnnModelAttribute = "RnnGen.RnnModelAttribute";
    public const string IRnnModel = "RnnGen.IRnnModel";

    /// <summary>The generator's type: a compilation names its files <c>…/RnnGen.Generators.RnnModelGenerator/&lt;hint name&gt;</c>.</summary>
    public const string Generator = "RnnGen.Generators.RnnModelGenerator";
}
