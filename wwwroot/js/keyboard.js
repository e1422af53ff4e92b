// Keyboard shortcuts for the flag queue and triage view. Loaded as a plain <script> (the
// Content-Security-Policy forbids inline script). A page attaches a DotNetObjectReference with the
// key names it handles; matching key presses are forwarded to its OnShortcut method. Keys typed
// into inputs, textareas, selects or editable elements stay there, except Escape (leave the
// field) and Ctrl+Enter (submit).
(function () {
    "use strict";
    let target = null;
    let nextId = 1;

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
        const focusSelector = target.focus[name];
        if (focusSelector && !typing) {
            // Focus moves here, synchronously: a round trip to the server first would let the
            // first typed characters land on the page (and trigger shortcuts) instead.
            const field = document.querySelector(focusSelector);
            if (field) {
                field.focus();
                return;
            }
        }
        if (typing) {
            // Leave the field: after Ctrl+Enter the next flag loads in the same page, and letter
            // shortcuts must not land in the new flag's reason field.
            event.target.blur();
        }
        target.ref.invokeMethodAsync("OnShortcut", name).catch(function () {
            // The circuit is gone (page left or reconnecting); the next attach replaces the target.
        });
    }

    document.addEventListener("keydown", onKeyDown);

    window.reviewConsoleKeyboard = {
        // Returns an id for detach: when one page replaces another, the new page may attach
        // before the old one detaches, and the old detach must not remove the new handler.
        // focus: optional map of key name → CSS selector of a field that key focuses in the browser.
        attach(ref, keys, focus) {
            target = { id: nextId++, ref: ref, keys: new Set(keys), focus: focus || {} };
            return target.id;
        },
        detach(id) {
            if (target && target.id === id) {
                target = null;
            }
        },
        // Whether a page currently handles the key (lets browser tests wait for the handler).
        handles(key) {
            return target !== null && target.keys.has(key);
        },
    };
})();
