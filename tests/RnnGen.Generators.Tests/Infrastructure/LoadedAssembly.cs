using System;
using System.IO;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.Loader;

namespace RnnGen.Generators.Tests.Infrastructure;

/// <summary>
/// An assembly compiled in a test, loaded into its own collectible <see cref="AssemblyLoadContext"/>.
/// Its references (the runtime, the framework) resolve to the test's own copies, so runtime
/// types are shared. Dispose unloads it.
/// </summary>
public sealed class LoadedAssembly : IDisposable
{
    private readonly AssemblyLoadContext context;

    private LoadedAssembly(AssemblyLoadContext context, Assembly assembly)
    {
        this.context = context;
        Assembly = assembly;
    }

    /// <summary>The loaded assembly.</summary>
    public Assembly Assembly { get; }

    /// <summary>Loads a PE image from <paramref name="image"/>.</summary>
    public static LoadedAssembly Load(Stream image, string name)
    {
        var context = new AssemblyLoadContext(name, isCollectible: true);
        var assembly = context.LoadFromStream(image);
        return new LoadedAssembly(context, assembly);
    }

    /// <summary>A type by full name; throws naming it when missing.</summary>
    public Type FindType(string fullName) =>
        Assembly.GetType(fullName, throwOnError: false) ?? throw new HarnessException($"Type '{fullName}' is not in the compiled assembly.");

    /// <summary>Calls a public static method, rethrowing what it throws (not wrapped in <see cref="TargetInvocationException"/>).</summary>
    public object? InvokeStatic(string typeName, string method, params object?[] arguments)
    {
        var type = FindType(typeName);
        var info = type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)
            ?? throw new HarnessException($"'{typeName}' has no public static method '{method}'.");
        try
        {
            return info.Invoke(null, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>Unloads the load context.</summary>
    public void Dispose() => context.Unload();
}
