// Waterfall webview entry (built out in the waterfall issue).
