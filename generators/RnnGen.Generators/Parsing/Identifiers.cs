using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Generators.Parsing;

/// <summary>Names as they must be written in generated C#.</summary>
internal static class Identifiers
{
    /// <summary>A name as a C# identifier: keywords get a verbatim '@' (a class may be named <c>@class</c>).</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
}
