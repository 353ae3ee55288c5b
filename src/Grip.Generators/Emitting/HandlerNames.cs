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
    /// <summary>Names every generated method body already uses: its parameters and the <c>reply</c> local.</summary>
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

    /// <summary>The <c>[OnOpen]</c> method's invoker, or null.</summary>
    public string? Open { get; }

    /// <summary>The <c>[OnClose]</c> method's invoker, or null.</summary>
    public string? Close { get; }

    /// <summary>The invoker of each <see cref="HandlerModel.Messages"/> entry.</summary>
    public string[] Messages { get; }

    /// <summary>The <c>JsonTypeInfo&lt;T&gt;</c> field of each <see cref="HandlerModel.JsonTypes"/> entry.</summary>
    public string[] JsonFields { get; }

    /// <summary>
    /// A scope for one generated method's locals: they may shadow neither its parameters nor a member
    /// of the struct it calls (a parameter named <c>connection</c> becomes <c>connectionService</c>).
    /// </summary>
    public NameAllocator Locals()
    {
        var taken = new List<string>(BodyNames);
        taken.AddRange(_members);
        return new NameAllocator(taken);
    }

    /// <summary>
    /// A type's simple name as a camel-case identifier: <c>global::App.ChatSend</c> gives
    /// <c>chatSend</c>, <c>global::System.Collections.Generic.List&lt;int&gt;</c> gives <c>list</c>.
    /// </summary>
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
