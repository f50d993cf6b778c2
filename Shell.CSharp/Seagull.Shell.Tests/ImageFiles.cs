using Seagull.Api;

namespace Seagull.Shell.Tests;

/// <summary>Small image files for the tests, written from <see cref="ImageData"/>: IDX, PNG folders, pixel CSVs.</summary>
internal static class ImageFiles
{
    private static byte Byte(float v) => (byte)Math.Round(v * 255);

    private static void BigEndian(Stream s, int value)
    {
        s.WriteByte((byte)(value >> 24)); s.WriteByte((byte)(value >> 16)); s.WriteByte((byte)(value >> 8)); s.WriteByte((byte)value);
    }

    /// <summary>Writes grayscale images as an IDX image file and their labels as an IDX label file.</summary>
    public static (string Images, string Labels) Idx(ImageData images, string folder, string name)
    {
        var x = images.ToPixelArray();
        var imagesPath = Path.Combine(folder, $"{name}-images-idx3-ubyte");
        using (var s = File.Create(imagesPath))
        {
            BigEndian(s, 0x00000803); BigEndian(s, images.Count); BigEndian(s, images.Height); BigEndian(s, images.Width);
            foreach (var v in x) s.WriteByte(Byte(v));
        }
        var labelsPath = Path.Combine(folder, $"{name}-labels-idx1-ubyte");
        using (var s = File.Create(labelsPath))
        {
            BigEndian(s, 0x00000801); BigEndian(s, images.Count);
            foreach (var l in images.Labels()) s.WriteByte((byte)l);
        }
        return (imagesPath, labelsPath);
    }

    /// <summary>Writes labelled grayscale images as PNGs in one subfolder per class.</summary>
    public static string Folder(ImageData images, string folder)
    {
        var x = images.ToPixelArray();
        var labels = images.Labels();
        var writer = new StbImageWriteSharp.ImageWriter();
        for (var i = 0; i < images.Count; i++)
        {
            var dir = Path.Combine(folder, images.ClassNames[labels[i]]);
            Directory.CreateDirectory(dir);
            var bytes = new byte[images.Width * images.Height];
            for (var j = 0; j < bytes.Length; j++) bytes[j] = Byte(x[i, j]);
            using var s = File.Create(Path.Combine(dir, $"img{i:D4}.png"));
            writer.WritePng(bytes, images.Width, images.Height, StbImageWriteSharp.ColorComponents.Grey, s);
        }
        return folder;
    }

    /// <summary>Writes images as a Kaggle-style pixel CSV: label (the class name), pixel1 … pixelN (0–255).</summary>
    public static string Csv(ImageData images, string path)
    {
        var x = images.ToPixelArray();
        var labels = images.Labels();
        var n = images.Width * images.Height * images.Channels;
        using var w = new StreamWriter(path);
        w.WriteLine("label," + string.Join(",", Enumerable.Range(1, n).Select(j => $"pixel{j}")));
        for (var i = 0; i < images.Count; i++)
            w.WriteLine(images.ClassNames[labels[i]] + "," + string.Join(",", Enumerable.Range(0, n).Select(j => Byte(x[i, j]).ToString())));
        return path;
    }
}
