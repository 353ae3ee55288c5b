namespace Grip.AsyncApi;

/// <summary>One <see cref="GripPublishesAttribute"/> declaration of a handler.</summary>
/// <param name="Channel">The GRIP channel pattern, <c>ps:{channel}</c>.</param>
/// <param name="Message">What is published.</param>
public sealed record GripPublishContract(string Channel, GripPayloadContract Message);
