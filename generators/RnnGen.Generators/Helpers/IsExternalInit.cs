namespace System.Runtime.CompilerServices
{
    /// <summary>Lets <c>init</c> accessors and records compile on netstandard2.0.</summary>
    internal static class IsExternalInit { }
}
