using System.Collections.Generic;
using Grip.Generators.Model;

namespace Grip.Generators.Emitting;

/// <summary>
/// The names one handler's invoker struct declares, decided before any code is written: an invoker
/// per handler method named after it (<c>InvokeSend</c>; <c>InvokeSend_2</c> for an overload), a
/// JSON metadata field per type named after it (<c>s_chatSend</c>), and, per generated method, the
/// locals for services and messages named after the user's parameters.
/// </summary>
internal sealed class HandlerNames
{
    // What every generated method body already declares: its parameters and the reply local.
    private static readonly string[] BodyNames = ["handler", "connection", "message", "status", "cancellationToken", "reply", "services"];

    private readonly List<string> _members = new();

    public HandlerNames(HandlerModel model)
    {
        // Invokers: in the order they are written, so the same class always gets the same names.
        var members = new NameAllocator(BodyNames);
        Open = model.Open is null ? null : Claim(members, "Invoke" + model.Open.Name);
        Messages = new string[model.Messages.Count];
        for (int i = 0; i < Messages.Length; i++)
        {
            Messages[i] = Claim(members, "Invoke" + model.Messages[i].Name);
        }

        Close = model.Close is null ? null : Claim(members, "Invoke" + model.Close.Name);
        JsonFields = new string[model.JsonTypes.Count];
        for (int i = 0; i < JsonFields.Length; i++)
        {
            JsonFields[i] = Claim(members, "s_" + FieldStem(model.JsonTypes[i]));
        }
    }

    public string? Open { get; }

    public string? Close { get; }

    public string[] Messages { get; }

    public string[] JsonFields { get; }

    /// <summary>A scope for one method's locals: they shadow neither its parameters nor a struct member.</summary>
    public NameAllocator Locals()
    {
        var taken = new List<string>(BodyNames);
        taken.AddRange(_members);
        return new NameAllocator(taken);
    }

    // global::App.ChatSend -> chatSend, global::System.Collections.Generic.List<int> -> list.
    private static string FieldStem(string fullyQualifiedType)
    {
        string name = fullyQualifiedType;
        int end = name.IndexOfAny(['<', '[', '?', '(']);
        if (end >= 0)
        {
            name = name.Substring(0, end);
        }

        int start = name.LastIndexOfAny(['.', ':']) + 1;
        var stem = new System.Text.StringBuilder();
        for (int i = start; i < name.Length; i++)
        {
            if (char.IsLetterOrDigit(name[i]) || name[i] == '_')
            {
                stem.Append(stem.Length == 0 ? char.ToLowerInvariant(name[i]) : name[i]);
            }
        }

        return stem.Length == 0 ? "json" : stem.ToString();
    }

    private string Claim(NameAllocator members, string preferred)
    {
        string name = members.ClaimNumbered(preferred);
        _members.Add(name);
        return name;
    }
}
