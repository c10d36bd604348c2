using System.Globalization;
using System.Text;

namespace Sweep.Coordinator.Export;

/// <summary>
/// The NumPy .npy header (format version 1.0): magic, header length, and a Python dict literal
/// padded with spaces to a multiple of 64 bytes (or of a larger alignment: the run store's array files
/// start their data at 4096 so that chunk slices can be written with O_DIRECT). Written by hand: no .NET package for NumPy
/// formats is available here, and the format is small (numpy.lib.format).
/// </summary>
public static class NpyFormat
{
    public const string Float64 = "<f8";
    public const string UInt8 = "|u1";
    public const string Int32 = "<i4";

    /// <summary>numpy's own alignment of the data after the header.</summary>
    public const int DefaultAlignment = 64;

    public static byte[] Header(string descr, IReadOnlyList<long> shape, int alignment = DefaultAlignment)
    {
        if (alignment < DefaultAlignment || alignment % DefaultAlignment != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "a multiple of 64");
        }

        string dims = shape.Count == 1
            ? shape[0].ToString(CultureInfo.InvariantCulture) + ","
            : string.Join(", ", shape.Select(n => n.ToString(CultureInfo.InvariantCulture)));
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        const int preamble = 10; // magic (6) + version (2) + header length (2)
        int total = (preamble + dict.Length + 1 + alignment - 1) / alignment * alignment;
        dict = dict.PadRight(total - preamble - 1) + "\n";
        if (dict.Length > ushort.MaxValue)
        {
            throw new ArgumentException("npy v1 header too long", nameof(shape));
        }

        var header = new byte[total];
        header[0] = 0x93; // the magic is the byte 0x93 then "NUMPY" (a u8 literal would encode U+0093 as two bytes)
        "NUMPY"u8.CopyTo(header.AsSpan(1));
        header[6] = 1;
        header[7] = 0;
        header[8] = (byte)(dict.Length & 0xFF);
        header[9] = (byte)(dict.Length >> 8);
        Encoding.ASCII.GetBytes(dict, header.AsSpan(preamble));
        return header;
    }

    /// <summary>A whole 1-D array of strings as fixed-width UTF-32 ('&lt;U n'), numpy's str dtype.</summary>
    public static byte[] Strings(IReadOnlyList<string> values)
    {
        int width = Math.Max(1, values.Select(v => v.Length).DefaultIfEmpty(0).Max());
        byte[] header = Header($"<U{width}", [values.Count]);
        var data = new byte[header.Length + values.Count * width * 4];
        header.CopyTo(data, 0);
        for (int i = 0; i < values.Count; i++)
        {
            Encoding.UTF32.GetBytes(values[i], data.AsSpan(header.Length + i * width * 4));
        }

        return data;
    }
}
