namespace RnnGen.Generators.Parsing;

/// <summary>Metadata names of the runtime attributes the parser recognizes (the layer attributes' are in their kinds' homes, <see cref="Cells.LayerKinds"/>).</summary>
internal static class KnownNames
{
    public const string RnnModelAttribute = "RnnGen.RnnModelAttribute";
}
