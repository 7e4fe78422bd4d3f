using System;

namespace RnnGen.IO;

/// <summary>
/// Where one named tensor lives in a model's flat float parameter buffer: its PyTorch
/// <c>state_dict</c> key, its shape (row-major) and the index of its first element.
/// </summary>
/// <param name="Name">The tensor's key, e.g. <c>lstm.weight_ih_l0</c>.</param>
/// <param name="Shape">The tensor's shape, outermost dimension first; empty for a scalar.</param>
/// <param name="Offset">Index of the tensor's first element in the parameter buffer.</param>
public readonly record struct TensorLayout(string Name, int[] Shape, int Offset)
{
    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar, shape <c>[]</c>).</summary>
    /// <exception cref="OverflowException">The product does not fit in an <see cref="int"/>.</exception>
    public int Length
    {
        get
        {
            int length = 1;
            foreach (int dimension in Shape)
            {
                length = checked(length * dimension);
            }

            return length;
        }
    }
}
