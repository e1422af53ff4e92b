// ReviewConsole browser helpers. Loaded as a plain script (no inline script anywhere, so the
// Content-Security-Policy can forbid it).
window.reviewConsole = {
    getDarkMode() {
        const stored = localStorage.getItem("rc-dark-mode");
        if (stored !== null) {
            return stored === "true";
        }
        return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    },
    setDarkMode(value) {
        localStorage.setItem("rc-dark-mode", value ? "true" : "false");
    },
};
