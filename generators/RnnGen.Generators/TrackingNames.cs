namespace RnnGen.Generators;

/// <summary>Names of the incremental pipeline's steps (shared by <c>WithTrackingName</c> and the tests).</summary>
internal static class TrackingNames
{
    /// <summary>Classes with <c>[RnnModel]</c>, parsed and validated into a <see cref="Model.ModelSpec"/> (null if invalid).</summary>
    public const string Models = nameof(Models);

    /// <summary>Only the valid specs, the input of code emission.</summary>
    public const string ValidModels = nameof(ValidModels);
}
