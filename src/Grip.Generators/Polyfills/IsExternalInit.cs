// netstandard2.0 lacks this marker type, which C# needs for records and init accessors.
namespace System.Runtime.CompilerServices;

internal static class IsExternalInit
{
}
