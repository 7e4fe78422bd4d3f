using System.Text;
using RnnGen.Generators.Helpers;

namespace RnnGen.Generators.Model;

/// <summary>What a member of a class is, as far as C# name collisions go.</summary>
internal enum MemberKind
{
    Constant,
    Field,
    Property,
    Event,
    Method,
    Constructor,
    NestedType,
}

/// <summary>
/// A member's identity as C# decides whether two members of one class clash (CS0102, CS0111,
/// CS0663) or whether a member hides an inherited one (CS0108): its name, its kind and, for
/// methods and constructors, its parameter types and generic arity. Types are display strings
/// such as <c>System.ReadOnlySpan&lt;float&gt;</c>, prefixed by <c>ref </c>, <c>out </c>,
/// <c>in </c> or <c>ref readonly </c> for by-reference parameters.
/// </summary>
/// <param name="Name">The member name; for a constructor the class name; for an explicit interface implementation the interface-qualified name, e.g. <c>RnnGen.IRnnModel.InputLength</c>.</param>
/// <param name="Kind">The kind of member.</param>
/// <param name="Parameters">Parameter types (methods and constructors; empty otherwise).</param>
/// <param name="Arity">Type parameters of a generic method.</param>
internal sealed record MemberSignature(string Name, MemberKind Kind, EquatableArray<string> Parameters, int Arity)
{
    /// <summary>A member without parameters (constant, field, property, event, nested type).</summary>
    public static MemberSignature Plain(string name, MemberKind kind) => new(name, kind, default, 0);

    /// <summary>A non-generic method or a constructor.</summary>
    public static MemberSignature Callable(string name, MemberKind kind, params string[] parameters) => new(name, kind, new EquatableArray<string>(parameters), 0);

    public bool IsCallable => Kind is MemberKind.Method or MemberKind.Constructor;

    /// <summary>
    /// Whether C# rejects both members in one class, or lets one hide the other: a constant, field,
    /// property, event or nested type clashes with any member of its name; methods clash when their
    /// arity and parameter types agree, where <c>ref</c>, <c>out</c> and <c>in</c> count as one
    /// (overloads cannot differ by them alone); constructors clash with constructors of the same
    /// parameter types. Return types, parameter names, <c>params</c>, <c>scoped</c>, nullable
    /// reference annotations and <c>static</c> do not tell members apart.
    /// </summary>
    public bool CollidesWith(MemberSignature other)
    {
        if (Name != other.Name) return false;
        if ((Kind == MemberKind.Constructor) != (other.Kind == MemberKind.Constructor)) return false;
        if (!IsCallable || !other.IsCallable) return true;
        if (Arity != other.Arity || Parameters.Count != other.Parameters.Count) return false;
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (OverloadKey(Parameters[i]) != OverloadKey(other.Parameters[i])) return false;
        }
        return true;
    }

    /// <summary>A parameter as overload resolution tells it apart: by-value or by-reference, and its type.</summary>
    private static string OverloadKey(string parameter)
    {
        foreach (var prefix in RefPrefixes)
        {
            if (parameter.StartsWith(prefix, System.StringComparison.Ordinal)) return "&" + parameter.Substring(prefix.Length);
        }
        return parameter;
    }

    /// <summary>The ways a by-reference parameter is written (longest first).</summary>
    public static readonly string[] RefPrefixes = { "ref readonly ", "ref ", "out ", "in " };

    /// <summary>How the member reads in a message: <c>Steps</c>, <c>Predict(System.ReadOnlySpan&lt;float&gt;, System.Span&lt;float&gt;)</c>, <c>Model(int)</c>.</summary>
    public string Display
    {
        get
        {
            if (!IsCallable) return Name;
            var sb = new StringBuilder(Name);
            if (Arity > 0)
            {
                sb.Append('<');
                for (int i = 0; i < Arity; i++) sb.Append(i == 0 ? "" : ", ").Append(Arity == 1 ? "T" : "T" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                sb.Append('>');
            }
            sb.Append('(').Append(string.Join(", ", Parameters)).Append(')');
            return sb.ToString();
        }
    }

    /// <summary>The kind as a word for messages: "constant", "nested type", ….</summary>
    public string KindWord => Kind switch
    {
        MemberKind.NestedType => "nested type",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// A member of the model class written by the user (or inherited by it) whose name is one the
/// generator may emit: recorded by the parser so the validator can tell, without symbols,
/// whether it collides with a generated member (RNN0042, RNN0043).
/// </summary>
/// <param name="Signature">Its name, kind and parameter types.</param>
/// <param name="InheritedFrom">The base class it is inherited from (display name), or null when the model class declares it.</param>
/// <param name="IsPrimaryConstructor">The class's primary constructor (<c>partial class M(int size)</c>).</param>
internal sealed record UserMember(MemberSignature Signature, string? InheritedFrom, bool IsPrimaryConstructor);
