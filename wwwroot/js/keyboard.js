// Keyboard shortcuts for the flag queue and triage view. Loaded as a plain <script> (the
// Content-Security-Policy forbids inline script). A page attaches a DotNetObjectReference with the
// key names it handles; matching key presses are forwarded to its OnShortcut method. Keys typed
// into inputs, textareas, selects or editable elements stay there, except Escape (leave the
// field) and Ctrl+Enter (submit).
(function () {
    "use strict";
    let target = null;

    function isTyping(element) {
        if (!element || !element.tagName) {
            return false;
        }
        const tag = element.tagName.toLowerCase();
        return tag === "input" || tag === "textarea" || tag === "select" || element.isContentEditable;
    }

    function keyName(event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            return "Ctrl+Enter";
        }
        if (event.ctrlKey || event.metaKey || event.altKey) {
            return null;
        }
        return event.key;
    }

    function onKeyDown(event) {
        if (!target || event.defaultPrevented || event.isComposing) {
            return;
        }
        const name = keyName(event);
        if (name === null || !target.keys.has(name)) {
            return;
        }
        const typing = isTyping(event.target);
        if (typing && name !== "Escape" && name !== "Ctrl+Enter") {
            return;
        }
        event.preventDefault();
        if (typing && name === "Escape") {
            event.target.blur();
        }
        target.ref.invokeMethodAsync("OnShortcut", name).catch(function () {
            // The circuit is gone (page left or reconnecting); the next attach replaces the target.
        });
    }

    document.addEventListener("keydown", onKeyDown);

    window.reviewConsoleKeyboard = {
        attach(ref, keys) {
            target = { ref: ref, keys: new Set(keys) };
        },
        detach() {
            target = null;
        },
    };
})();
