using Microsoft.JSInterop;

namespace ReviewConsole.Features.Flags;

/// <summary>
/// A page's attachment to <c>wwwroot/js/keyboard.js</c>: attaches the page (a .NET object reference
/// the script calls back) with its keys, and detaches and releases it when the page goes away, also
/// when the circuit is already gone.
/// </summary>
public sealed class KeyboardShortcutBinding<TPage> : IAsyncDisposable
    where TPage : class
{
    private readonly IJSRuntime js;
    private DotNetObjectReference<TPage>? reference;
    private int id;

    public KeyboardShortcutBinding(IJSRuntime js) => this.js = js;

    /// <summary>Attaches <paramref name="page"/>; <paramref name="arguments"/> follow the reference in keyboard.js's attach call.</summary>
    public async Task AttachAsync(TPage page, params object?[] arguments)
    {
        reference = DotNetObjectReference.Create(page);
        id = await js.InvokeAsync<int>("reviewConsoleKeyboard.attach", [reference, .. arguments]);
    }

    public async ValueTask DisposeAsync()
    {
        if (reference is null)
        {
            return;
        }

        try
        {
            await js.InvokeVoidAsync("reviewConsoleKeyboard.detach", id);
        }
        catch (JSDisconnectedException)
        {
            // The circuit is already gone; there is nothing left to detach from.
        }

        reference.Dispose();
        reference = null;
    }
}
