using System;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Unrolled.Generator.Helpers
{
    /// <summary>
    /// A StringBuilder with an indentation level (cheaper and more predictable than SyntaxFactory +
    /// NormalizeWhitespace; after dotnet/runtime's Common SourceWriter). Lines end with '\n' on every platform.
    /// </summary>
    internal sealed class SourceWriter
    {
        private const string IndentUnit = "    ";
        private readonly StringBuilder _builder = new StringBuilder();
        private int _indentation;

        public void WriteLine(string line = "")
        {
            if (line.Length == 0)
            {
                _builder.Append('\n');
                return;
            }
            foreach (string part in line.Split('\n'))
            {
                for (int i = 0; i < _indentation; i++) _builder.Append(IndentUnit);
                _builder.Append(part).Append('\n');
            }
        }

        /// <summary>Writes <paramref name="header"/> (if any) and <c>{</c>; disposing the result writes <c>}</c>.</summary>
        public Block Open(string? header = null, string closing = "}")
        {
            if (header != null) WriteLine(header);
            WriteLine("{");
            _indentation++;
            return new Block(this, closing);
        }

        public SourceText ToSourceText()
        {
            if (_indentation != 0) throw new InvalidOperationException("Unbalanced blocks in generated source.");
            return SourceText.From(_builder.ToString(), Encoding.UTF8);
        }

        public override string ToString() => _builder.ToString();

        internal readonly struct Block : IDisposable
        {
            private readonly SourceWriter _writer;
            private readonly string _closing;

            public Block(SourceWriter writer, string closing)
            {
                _writer = writer;
                _closing = closing;
            }

            public void Dispose()
            {
                _writer._indentation--;
                _writer.WriteLine(_closing);
            }
        }
    }
}
