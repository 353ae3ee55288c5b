namespace Grip;

/// <summary>
/// Names the <c>System.Text.Json.Serialization.JsonSerializerContext</c> whose source-generated
/// metadata (de)serializes this handler's typed messages, so no reflection runs.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class GripJsonContextAttribute : Attribute
{
    /// <summary>Names the JSON context.</summary>
    /// <param name="contextType">A class deriving from <c>JsonSerializerContext</c>.</param>
    public GripJsonContextAttribute(Type contextType)
    {
        ContextType = contextType;
    }

    /// <summary>The JSON context type.</summary>
    public Type ContextType { get; }

    /// <summary>
    /// The name of the JSON property whose string value routes a message to an
    /// <c>[OnMessage("value")]</c> method. Default <c>type</c>.
    /// </summary>
    public string DiscriminatorProperty { get; set; } = "type";
}
